from app.domain.gating import can_open, first_incomplete, screen_states

ITEMS = ["screen:a", "screen:b", "screen:c", "screen:d"]


def test_only_the_first_item_is_open_before_anything_is_done():
    assert screen_states(ITEMS, set()) == ["current", "locked", "locked", "locked"]
    assert can_open("screen:a", ITEMS, set())
    assert not can_open("screen:b", ITEMS, set())


def test_completing_an_item_opens_the_next_one_only():
    done = {"screen:a"}
    assert screen_states(ITEMS, done) == ["done", "current", "locked", "locked"]
    assert can_open("screen:b", ITEMS, done)
    assert not can_open("screen:c", ITEMS, done)


def test_completed_item_stays_open_after_a_gap_appears():
    # A screen was inserted as b after the learner finished a, c and d.
    done = {"screen:a", "screen:c", "screen:d"}
    assert screen_states(ITEMS, done) == ["done", "current", "done", "done"]
    assert can_open("screen:c", ITEMS, done)
    assert first_incomplete(ITEMS, done) == "screen:b"


def test_item_after_a_gap_stays_locked_until_the_gap_is_done():
    items = [*ITEMS, "quiz:final"]
    done = {"screen:a", "screen:c", "screen:d"}
    assert not can_open("quiz:final", items, done)
    assert can_open("quiz:final", items, done | {"screen:b"})


def test_everything_done_has_no_first_incomplete():
    assert first_incomplete(ITEMS, set(ITEMS)) is None
    assert screen_states(ITEMS, set(ITEMS)) == ["done"] * 4


def test_unknown_key_cannot_be_opened():
    assert not can_open("screen:elsewhere", ITEMS, {"screen:elsewhere"})


def test_gating_works_for_checks_and_quizzes_too():
    items = ["screen:a", "check:a-1", "screen:b", "quiz:end"]
    assert screen_states(items, {"screen:a"}) == ["done", "current", "locked", "locked"]
