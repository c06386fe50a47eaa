from hypothesis import given
from hypothesis import strategies as st

from app.domain.progress import module_progress, passed_quiz

ITEMS = [f"screen:s{n}" for n in range(1, 11)]


def test_nothing_done_is_ready_to_start():
    progress = module_progress(ITEMS, set())
    assert (progress.completed, progress.total, progress.percent) == (0, 10, 0)
    assert progress.status == "not-started"
    assert progress.line == "Ready to start (0% complete)"


def test_two_of_ten_is_a_good_start():
    progress = module_progress(ITEMS, set(ITEMS[:2]))
    assert progress.percent == 20
    assert progress.status == "in-progress"
    assert progress.message == "Good start, keep going"


def test_four_of_ten_reads_like_the_reference_site():
    assert module_progress(ITEMS, set(ITEMS[:4])).line == (
        "Well done, you're getting there (40% complete)"
    )


def test_three_of_ten_is_the_start_of_getting_there():
    assert module_progress(ITEMS, set(ITEMS[:3])).message == "Well done, you're getting there"


def test_percent_is_floored_so_two_of_three_is_66():
    assert module_progress(["a", "b", "c"], {"a", "b"}).percent == 66


def test_all_done_completes_the_module():
    progress = module_progress(ITEMS, set(ITEMS))
    assert progress.status == "completed"
    assert progress.line == "Well done, you've completed this module (100% complete)"


def test_completions_outside_the_module_are_ignored():
    progress = module_progress(ITEMS, {"screen:s1", "screen:gone", "quiz:other"})
    assert (progress.completed, progress.percent) == (1, 10)


def test_started_long_module_never_says_ready_to_start():
    items = [f"screen:{n}" for n in range(200)]
    progress = module_progress(items, {"screen:0"})
    assert progress.percent == 0
    assert progress.message == "Good start, keep going"


def test_module_with_no_items_is_not_started():
    assert module_progress([], set()).line == "Ready to start (0% complete)"


keys = st.lists(st.text(min_size=1, max_size=5), unique=True, max_size=30)


@given(keys, st.data())
def test_percent_stays_between_0_and_100_and_never_falls(items, data):
    order = data.draw(st.permutations(items))
    done: set[str] = set()
    last = module_progress(items, done)
    assert 0 <= last.percent <= 100
    for key in order:
        done.add(key)
        now = module_progress(items, done)
        assert 0 <= now.percent <= 100
        assert now.percent >= last.percent
        assert now.completed == last.completed + 1
        last = now
    assert last.status == ("completed" if items else "not-started")


def test_a_passed_module_stays_completed_with_what_was_added_since():
    done = {*ITEMS[:9], "quiz:old-id"}
    progress = module_progress([*ITEMS, "quiz:new-id"], done, passed=passed_quiz(done))
    assert (progress.status, progress.message) == (
        "completed",
        "Well done, you've completed this module",
    )
    # The screen added is to read; the quiz, passed under its old id, is not.
    assert progress.added == 1 and "getting there" not in progress.line
    assert progress.line == "Well done, you've completed this module (1 added since)"


def test_a_pass_under_the_quizs_old_id_leaves_nothing_added_since():
    done = {*ITEMS, "quiz:old-id"}
    progress = module_progress([*ITEMS, "quiz:new-id"], done, passed=passed_quiz(done))
    assert (progress.status, progress.added, progress.percent) == ("completed", 0, 100)
    assert progress.line == "Well done, you've completed this module (100% complete)"


def test_without_a_pass_an_added_screen_is_work_left():
    progress = module_progress(ITEMS, set(ITEMS[:9]), passed=passed_quiz(set(ITEMS[:9])))
    assert progress.status == "in-progress" and progress.added == 0


def test_every_attempt_used_without_a_pass_is_said_plainly_not_praised():
    progress = module_progress(ITEMS, set(ITEMS[:9]), quiz_locked=True)
    assert progress.status == "in-progress"
    assert progress.line == "Quiz not passed: you have used all your attempts (90% complete)"
    assert progress.out_of_attempts  # its bar is not drawn as good progress
    assert not module_progress(ITEMS, set(ITEMS[:9])).out_of_attempts
    # A pass outranks it: the module is completed.
    done = {*ITEMS, "quiz:q"}
    assert module_progress([*ITEMS, "quiz:q"], done, passed=True, quiz_locked=True).status == (
        "completed"
    )
