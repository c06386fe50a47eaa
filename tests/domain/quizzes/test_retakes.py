"""The retake rule: read from front matter with file:line errors, and how it opens attempts."""

from datetime import UTC, datetime, timedelta

from app.domain.quizzes import parse_quiz
from app.domain.quizzes.model import RetakeRule
from app.domain.quizzes.retakes import allowance, rule_in_words

from .conftest import BODY_LINE, KNOWN_CODES, PATH, messages, parse_body

NOW = datetime(2027, 3, 10, 12, tzinfo=UTC)
QUESTION = "ID: q1\nCompetencies: SPLW-1.1\nOutcomes: 1\n1. Q?\na)  No\n*b) Yes\n"


def quiz_with(front: str):
    text = (
        "---\nid: check\nmodule: m\ntitle: T\nkind: assessment\npass_mark: 80\n"
        "shuffle_answers: false\nshuffle_questions: false\nshow_correct_answers: after-pass\n"
        f"{front}---\n{QUESTION}"
    )
    return parse_quiz(text, PATH, KNOWN_CODES)


def test_a_retake_rule_is_read_from_front_matter():
    result = quiz_with("max_attempts: 3\nretake:\n  wait_days: 7\n  revisit_screens: true\n")
    assert result.problems == ()
    assert result.quiz.retake == RetakeRule(7, True)
    assert quiz_with("max_attempts: 3\nretake:\n  wait_days: 0\n").quiz.retake == RetakeRule(0)


def test_every_retake_mistake_is_reported_at_its_line():
    result = quiz_with(
        "max_attempts: 3\nretake:\n  wait_days: soon\n  revisit_screens: maybe\n  ask: x\n"
    )
    assert messages(result) == [
        f"{PATH}:12: error: 'wait_days' must be a whole number, not 'soon'",
        f"{PATH}:13: error: 'revisit_screens' must be true or false",
        f"{PATH}:14: warning: unknown key 'ask' in 'retake' is ignored",
    ]
    no_limit = quiz_with("retake:\n  wait_days: 7\n")
    assert messages(no_limit) == [
        f"{PATH}:10: error: 'retake' needs 'max_attempts': without a limit on attempts "
        "there is nothing to reopen"
    ]
    missing = quiz_with("max_attempts: 3\nretake:\n  revisit_screens: true\n")
    assert messages(missing) == [f"{PATH}:11: error: 'retake' is missing required key 'wait_days'"]
    negative = quiz_with("max_attempts: 3\nretake:\n  wait_days: -1\n")
    assert messages(negative) == [
        f"{PATH}:12: error: 'wait_days' must be from 0 to 365 (a year), not -1"
    ]


def test_screens_lines_must_name_slugs():
    assert quiz_with("").quiz.questions[0].screens == ()
    body = (
        "ID: q1\nCompetencies: SPLW-1.1\nOutcomes: 1\nScreens: what-it-is, Bad Slug, what-it-is\n"
    )
    result = parse_body(body + "1. Q?\n*a) Yes\nb)  No\n")
    line = BODY_LINE + 3
    assert messages(result) == [
        f"{PATH}:{line}: error: question 1 lists screen 'Bad Slug' in 'Screens:': use screen "
        "slugs like 'what-it-is', separated by commas",
        f"{PATH}:{line}: error: question 1 lists screen 'what-it-is' twice",
    ]
    good = parse_body("ID: q1\nScreens: what-it-is, range-of-support\n1. Q?\n*a) Yes\nb) No\n")
    assert good.quiz.questions[0].screens == ("what-it-is", "range-of-support")


WEEK = RetakeRule(7)


def standing(outcomes, *, granted=0, revisited=None, rule=WEEK, now=NOW):
    return allowance(
        max_attempts=3,
        rule=rule,
        outcomes=outcomes,
        granted=granted,
        screens=["one", "two"],
        revisited=revisited or {},
        now=now,
    )


def fails(*days_ago):
    return [(False, NOW - timedelta(days=d)) for d in days_ago]


def test_attempts_left_add_up_the_grants():
    assert standing(fails(9, 8)).left == 1
    assert standing(fails(9, 8, 7)).locked
    assert standing(fails(9, 8, 7), granted=1).left == 1
    assert not standing([*fails(9, 8), (True, NOW)]).locked


def test_the_rule_opens_a_new_set_only_after_the_wait_and_the_revisit():
    last = NOW - timedelta(days=3)
    waiting = standing(fails(9, 8, 3))
    assert waiting.locked and not waiting.rule_ready
    assert waiting.opens_at == last + timedelta(days=7)
    assert waiting.to_revisit == ("one", "two")
    revisited_before = {"one": last - timedelta(hours=1), "two": last + timedelta(hours=1)}
    assert standing(fails(9, 8, 3), revisited=revisited_before).to_revisit == ("one",)
    both = {"one": NOW, "two": NOW}
    assert not standing(fails(9, 8, 3), revisited=both).rule_ready  # still waiting
    assert not waiting.waited
    later = NOW + timedelta(days=5)
    assert standing(fails(9, 8, 3), revisited=both, now=later).rule_ready
    waited = standing(fails(9, 8, 3), now=later)
    assert waited.waited and not waited.rule_ready and waited.to_revisit == ("one", "two")
    no_revisit = standing(fails(9, 8, 3), rule=RetakeRule(7, False), now=later)
    assert no_revisit.rule_ready and no_revisit.to_revisit == ()


def test_without_a_rule_a_locked_quiz_stays_locked():
    locked = standing(fails(90, 80, 70), rule=None)
    assert locked.locked and not locked.rule_ready and locked.opens_at is None


def test_the_people_who_give_attempts_are_told_when_the_rule_opens_a_new_set():
    # NOW is 12:00 GMT on 10 March 2027; the last fail 3 days before, so the wait ends on
    # the 14th at midday, and both screens are still to go back over.
    waiting = standing(fails(9, 8, 3))
    assert rule_in_words(waiting) == (
        "the quiz's retake rule opens a new set at midday GMT on 14 March 2027, "
        "once they have gone back over 2 of the module's screens"
    )
    one_left = standing(fails(9, 8, 3), revisited={"two": NOW})
    assert rule_in_words(one_left).endswith(
        "once they have gone back over 1 of the module's screens"
    )
    later = NOW + timedelta(days=5)
    waited = standing(fails(9, 8, 3), now=later)
    assert rule_in_words(waited) == (
        "the quiz's retake rule opens a new set, once they have gone back over 2 of the "
        "module's screens"
    )
    ready = standing(fails(9, 8, 3), revisited={"one": later, "two": later}, now=later)
    assert (
        rule_in_words(ready)
        == "the quiz's retake rule opens a new set as soon as they start the quiz"
    )
    no_revisit = standing(fails(9, 8, 3), rule=RetakeRule(7, False))
    assert (
        rule_in_words(no_revisit)
        == "the quiz's retake rule opens a new set at midday GMT on 14 March 2027"
    )
    assert rule_in_words(standing(fails(90, 80, 70), rule=None)) is None
    assert rule_in_words(standing(fails(9, 8))) is None  # attempts left: nothing to open
