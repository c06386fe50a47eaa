"""The SCORM 1.2 package in a real SCORM runtime (scorm-again) in Chromium, as an LMS runs it."""

from __future__ import annotations

import contextlib
import functools
import os
from pathlib import Path

import pytest

from app import create_app
from app.content import catalogue
from app.domain.quizzes import parse_quiz
from app.domain.scorm import SUSPEND_DATA_LIMIT, answer_bound, suspend_data_bound
from app.scorm_export import build_package
from tests.browser.conftest import axe_violations
from tests.browser.scorm_harness import Lms

MODULE = "how-the-system-works"
SHOTS = os.environ.get("LINKWISE_SCORM_SHOTS")  # a folder to save screenshots in, if set


@functools.cache
def package_app():
    """Return the app packages are built from: the course, an empty in-memory database."""
    return create_app({"LINKWISE_ENV": "test", "DATABASE_URL": "sqlite://", "SECRET_KEY": "t"})


@pytest.fixture(scope="module")
def course_app():
    return package_app()


def lms_for(course_app, folder: Path, slug: str) -> tuple[Lms, object]:
    with course_app.app_context():
        module = catalogue().module(slug)
        build_package(module).write(folder / f"{slug}.zip")
    return Lms(
        folder / "site", folder / f"{slug}.zip", str(round(module.assessment.pass_mark))
    ), module


@pytest.fixture(scope="module")
def lms(course_app, tmp_path_factory):
    server, _ = lms_for(course_app, tmp_path_factory.mktemp("lms"), MODULE)
    yield server
    server.close()


@contextlib.contextmanager
def package_page(browser):
    """Open a page in a fresh context; fail if a script in it raised an error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, errors


@pytest.fixture
def learner_page(browser):
    with package_page(browser) as page:
        yield page


def shown_screen(frame) -> str | None:
    return frame.evaluate("LinkwiseScormUi.current()")


def answer(frame, question: dict, *, widest: bool = False) -> None:
    """Answer a question rightly (or, `widest`, as the longest suspend_data could record)."""
    qid, kind = question["id"], question["type"]
    name = f"q.{qid}"
    if kind in ("single-choice", "true-false"):
        frame.check(f'input[name="{name}"][value="{question["correct"][0]}"]')
    elif kind == "multiple-answers":
        for choice in question["choices"]:
            if widest or choice in question["correct"]:
                frame.check(f'input[name="{name}"][value="{choice}"]')
    elif kind == "numeric":
        frame.fill(f'input[name="{name}"]', "-" + "1" * 23 if widest else str(question["low"]))
    elif kind == "short-answer":
        frame.fill(f'input[name="{name}"]', "%" * 60 if widest else question["answers"][0])
    elif kind == "matching":
        for pair, option in question["pairs"]:
            frame.select_option(f'select[name="{name}.{pair}"]', option)
    elif kind == "ordering":
        for position, step in enumerate(question["steps"], 1):
            frame.select_option(f'select[name="{name}.{step}"]', str(position))


def finish_screen(frame, course: dict, slug: str) -> None:
    screen = next(s for s in course["screens"] if s["slug"] == slug)
    section = f'[data-screen="{slug}"]'
    if screen["check"]:
        for question in course["checks"][screen["check"]]:
            answer(frame, question)
        frame.click(f"{section} [data-check-form] button[type=submit]")
        frame.wait_for_selector(f"{section} [data-check-done]:not([hidden])")
    frame.click(f"{section} [data-next]")


def drawn(frame) -> list[dict]:
    return frame.evaluate("LinkwiseScormUi.drawn().map(shown => shown.question)")


def assert_accessible_frame(frame, label: str) -> None:
    found = axe_violations(frame)
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in found]
    assert not violations, f"{label}: {violations}"


def shoot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_a_learner_works_through_the_package_over_three_sessions_and_passes(lms, learner_page):
    page = learner_page
    frame = lms.launch(page)
    course = frame.evaluate("LinkwiseScorm.course")
    slugs = [s["slug"] for s in course["screens"]]
    assert shown_screen(frame) == slugs[0]
    assert Lms.value(page, "cmi.core.lesson_status") == "incomplete"
    assert_accessible_frame(frame, "first screen")
    shoot(page, "scorm-first-screen")
    # Gating: the menu offers only what is open.
    assert frame.is_hidden(f'[data-menu="{slugs[3]}"] [data-go]')
    for slug in slugs[:3]:
        finish_screen(frame, course, slug)
    assert shown_screen(frame) == slugs[3]
    saved, exit_ = Lms.leave(page)
    assert exit_ == "suspend" and saved["core"]["lesson_location"] == slugs[3]
    assert saved["core"]["lesson_status"] == "incomplete"

    # Second session: back where the learner stopped, with the same screens done.
    frame = lms.launch(page, saved)
    assert shown_screen(frame) == slugs[3]
    assert frame.is_visible(f'[data-menu="{slugs[2]}"] [data-done]')
    for slug in slugs[3:]:
        finish_screen(frame, course, slug)
    assert shown_screen(frame) == "quiz"
    frame.click("[data-quiz-start]")
    questions = drawn(frame)
    assert len(questions) == sum(part["pick"] for part in course["quiz"]["parts"])
    for question in questions[:-1]:
        answer(frame, question)
    assert_accessible_frame(frame, "quiz in progress")
    shoot(page, "scorm-quiz")
    saved, exit_ = Lms.leave(page)
    assert exit_ == "suspend" and saved["core"]["lesson_location"] == "quiz"
    assert len(saved["suspend_data"]) <= SUSPEND_DATA_LIMIT

    # Third session: the same questions, in the same order, with the answers given so far.
    frame = lms.launch(page, saved)
    assert [q["id"] for q in drawn(frame)] == [q["id"] for q in questions]
    first = questions[0]
    if first["type"] in ("single-choice", "true-false"):
        assert frame.is_checked(f'input[name="q.{first["id"]}"][value="{first["correct"][0]}"]')
    answer(frame, questions[-1])
    frame.click("[data-quiz-form] button[type=submit]")
    frame.wait_for_selector("[data-quiz-result]:not([hidden])")
    assert Lms.value(page, "cmi.core.lesson_status") == "passed"
    assert Lms.value(page, "cmi.core.score.raw") == "100"
    assert Lms.value(page, "cmi.core.score.max") == "100"
    assert frame.inner_text("[data-result-title]") == "You passed"
    panel = frame.get_attribute("[data-quiz-result] [data-result-panel]", "class").split()
    assert "lw-result--passed" in panel and "lw-result--failed" not in panel
    assert_accessible_frame(frame, "quiz result")
    shoot(page, "scorm-result")
    saved, exit_ = Lms.leave(page)
    assert (saved["core"]["lesson_status"], exit_) == ("passed", "")
    print(
        f"SCORM run: session 1 left at lesson_location={slugs[3]} (incomplete, exit suspend); "
        f"session 2 resumed there and left in the quiz ({len(questions) - 1} of "
        f"{len(questions)} answered); session 3 resumed the same draw; "
        f"lesson_status={Lms.value(page, 'cmi.core.lesson_status')} "
        f"score.raw={Lms.value(page, 'cmi.core.score.raw')} "
        f"suspend_data={len(saved['suspend_data'])}"
    )


def test_a_failed_attempt_reports_failed_with_its_score_and_an_empty_answer_is_explained(
    lms, learner_page
):
    page = learner_page
    frame = lms.launch(page)
    course = frame.evaluate("LinkwiseScorm.course")
    items = course["items"]
    frame = lms.launch(
        page,
        {
            "suspend_data": f"L1|{len(items) - 1}|0||||",
            "core": {"lesson_location": "quiz", "lesson_status": "incomplete", "entry": "resume"},
        },
    )
    frame.click("[data-quiz-start]")
    questions = drawn(frame)
    ordering = next((q for q in questions if q["type"] == "ordering"), None)
    if ordering:  # two steps at one position: the NHS error pattern, nothing marked yet
        for step in ordering["steps"]:
            frame.select_option(f'select[name="q.{ordering["id"]}.{step}"]', "1")
        frame.click("[data-quiz-form] button[type=submit]")
        assert frame.is_visible("[data-quiz-form] [data-error-summary]")
        number = [q["id"] for q in questions].index(ordering["id"]) + 1
        steps = len(ordering["steps"])
        assert frame.inner_text("[data-quiz-form] [data-error-list]") == (
            f"Question {number}: give each step a different position, 1 to {steps}"
        )
        assert Lms.value(page, "cmi.core.lesson_status") == "incomplete"
        assert_accessible_frame(frame, "quiz error")
        shoot(page, "scorm-quiz-error")
        for step in ordering["steps"]:
            frame.select_option(f'select[name="q.{ordering["id"]}.{step}"]', "")
    frame.click("[data-quiz-form] button[type=submit]")  # nothing answered: 0%
    frame.wait_for_selector("[data-quiz-result]:not([hidden])")
    assert Lms.value(page, "cmi.core.lesson_status") == "failed"
    assert Lms.value(page, "cmi.core.score.raw") == "0"
    assert frame.is_visible("[data-quiz-retry]")
    # As the site's result page: the failed (grey) panel, the points and the pass mark.
    panel = "[data-quiz-result] [data-result-panel]"
    assert "lw-result--failed" in frame.get_attribute(panel, "class").split()
    grey = frame.evaluate(f"getComputedStyle(document.querySelector('{panel}')).backgroundColor")
    assert grey == "rgb(76, 98, 114)"
    possible = sum(q["points"] for q in questions)
    pass_mark = f"{course['quiz']['passMark']:g}"
    assert frame.inner_text(f"{panel} .nhsuk-panel__body") == (
        f"Your score: 0% (0 of {possible:g} points). The pass mark is {pass_mark}%."
    )
    assert_accessible_frame(frame, "failed result")
    shoot(page, "scorm-failed-result")


def test_a_partly_right_attempt_reports_the_score_its_points_give(lms, learner_page):
    """One question left unanswered: score.raw is the share of points won, not 0 or 100."""
    page = learner_page
    frame = lms.launch(page)
    items = frame.evaluate("LinkwiseScorm.course")["items"]
    quiz = frame.evaluate("LinkwiseScorm.course")["quiz"]
    resume = {"lesson_location": "quiz", "lesson_status": "incomplete", "entry": "resume"}
    frame = lms.launch(page, {"suspend_data": f"L1|{len(items) - 1}|0||||", "core": resume})
    frame.click("[data-quiz-start]")
    questions = drawn(frame)
    for question in questions[1:]:
        answer(frame, question)
    frame.click("[data-quiz-form] button[type=submit]")
    frame.wait_for_selector("[data-quiz-result]:not([hidden])")
    possible = sum(q["points"] for q in questions)
    expected = int((possible - questions[0]["points"]) * 100 // possible)
    assert 0 < expected < 100
    status = "passed" if expected >= quiz["passMark"] else "failed"
    assert Lms.value(page, "cmi.core.score.raw") == str(expected)
    assert Lms.value(page, "cmi.core.lesson_status") == status
    print(f"SCORM partly right: lesson_status={status} score.raw={expected}")


def test_the_longest_suspend_data_stays_within_scorm_limits(course_app, tmp_path, learner_page):
    """The widest module's widest draw, every answer as long as its record can be."""
    with course_app.app_context():
        widest = max(catalogue().modules, key=suspend_data_bound)
    server, module = lms_for(course_app, tmp_path, widest.slug)
    by_id = {q.id: q for q in module.assessment.questions}
    items = len(module.item_keys)
    resume = {"lesson_location": "quiz", "lesson_status": "failed", "entry": "resume"}
    try:
        page = learner_page
        frame = server.launch(page, {"suspend_data": f"L1|{items - 1}|2|50|||", "core": resume})
        # The seed that draws the questions with the longest records.
        draws = frame.evaluate(
            "() => Array.from({length: 500}, (_, n) => [(n + 1).toString(36),"
            " LinkwiseScorm.draw((n + 1).toString(36)).map(shown => shown.question.id)])"
        )
        seed, ids = max(draws, key=lambda d: sum(answer_bound(by_id[i]) for i in d[1]))
        frame = server.launch(
            page, {"suspend_data": f"L1|{items - 1}|2|50||{seed}|", "core": resume}
        )
        questions = drawn(frame)
        assert [q["id"] for q in questions] == ids
        for question in questions:
            answer(frame, question, widest=True)
        frame.locator("[data-quiz-form] button[type=submit]").focus()  # the last change is saved
        data = Lms.value(page, "cmi.suspend_data")
        answers = sum(answer_bound(by_id[i]) for i in ids)
        assert len(data) == len(f"L1|{items - 1}|2|50||{seed}|") + answers + len(ids) - 1
        header_room = len("L1|") + len(str(items)) + 1 + 3 + 1 + 3 + 1 + 1 + 1 + 7 + 1
        assert header_room + answers + len(ids) - 1 == suspend_data_bound(module)
        assert len(data) <= suspend_data_bound(module) <= SUSPEND_DATA_LIMIT
        print(
            f"worst suspend_data for {module.slug}: {len(data)} characters "
            f"(bound {suspend_data_bound(module)}, SCORM limit {SUSPEND_DATA_LIMIT})"
        )
    finally:
        server.close()


def test_failing_the_last_attempt_turns_the_progress_line_from_praise(lms, learner_page):
    page = learner_page
    frame = lms.launch(page)
    course = frame.evaluate("LinkwiseScorm.course")
    last = course["quiz"]["maxAttempts"] - 1
    resume = {"lesson_location": "quiz", "lesson_status": "failed", "entry": "resume"}
    frame = lms.launch(
        page, {"suspend_data": f"L1|{len(course['items']) - 1}|{last}|40|||", "core": resume}
    )
    line = "[data-progress] .lw-progress__text"
    assert frame.inner_text(line).startswith("Well done, you're getting there (")
    assert "out-of-attempts" not in frame.get_attribute("[data-progress] progress", "class")
    frame.click("[data-quiz-start]")
    frame.click("[data-quiz-form] button[type=submit]")  # nothing answered: 0%
    frame.wait_for_selector("[data-quiz-result]:not([hidden])")
    assert frame.inner_text(line).startswith("Quiz not passed: you have used all your attempts (")
    assert "out-of-attempts" in frame.get_attribute("[data-progress] progress", "class")


def test_after_the_last_attempt_the_learner_is_told_who_can_reset_it(lms, learner_page):
    """The package has no retake rule to wait for: the LMS's team is the way on."""
    page = learner_page
    frame = lms.launch(page)
    course = frame.evaluate("LinkwiseScorm.course")
    used = course["quiz"]["maxAttempts"]
    assert used  # the module's quiz has an attempt limit (and a retake rule on the site)
    resume = {"lesson_location": "quiz", "lesson_status": "failed", "entry": "resume"}
    frame = lms.launch(
        page, {"suspend_data": f"L1|{len(course['items']) - 1}|{used}|40|||", "core": resume}
    )
    frame.wait_for_selector("[data-quiz-result]:not([hidden])")
    text = frame.inner_text("[data-result-text]")
    assert text.startswith("You have used all your attempts at this quiz.")
    assert "ask the team that runs your organisation's learning management system" in text
    assert "reset your record of this module" in text
    assert not frame.is_visible("[data-quiz-retry]")
    assert not frame.is_visible("[data-quiz-start]")
    # The progress line says so too, not "Well done, you're getting there".
    line = frame.inner_text("[data-progress] .lw-progress__text")
    assert line.startswith("Quiz not passed: you have used all your attempts ("), line
    # Nor is its bar drawn in the green of good progress (linkwise.css).
    bar = frame.get_attribute("[data-progress] progress", "class")
    assert "lw-progress__bar--out-of-attempts" in bar.split(), bar
    assert_accessible_frame(frame, "attempts used")
    shoot(page, "scorm-attempts-used")


# Typed answers the site and the package must mark alike: an accent from a PDF (w and a
# combining circumflex), letters whose case folds to two (ß, ﬁ), spaces of other kinds.
TYPED = [
    ("dŵr", "dw\u0302r"),
    ("TY\u0302", "tŷ"),
    ("Straße", "STRASSE"),
    ("ẞ", "ss"),
    ("ﬁrst contact", "FIRST CONTACT"),
    ("care plan", "care\u00a0plan"),
    ("care plan", "care\x1cplan"),
    ("care plan", "care\x85plan"),
    ("care plan", "care\u2003 plan"),
    ("ΟΔΟΣ", "οδοσ"),
    ("Zoë", "ZOE"),
]
TYPED_QUIZ = """---
id: typed
module: m
title: Typed answers
kind: assessment
pass_mark: 80
shuffle_answers: false
shuffle_questions: false
show_correct_answers: after-pass
---
"""


def test_a_short_answer_is_marked_in_the_package_as_the_site_marks_it(lms, learner_page):
    frame = lms.launch(learner_page)
    for accepted, answer in TYPED:
        site = (
            parse_quiz(
                TYPED_QUIZ + f"ID: typed-q1\n1. Type it.\n*   {accepted}\n",
                "typed.md",
                competencies_required=False,
            )
            .quiz.questions[0]
            .mark(answer)
        )
        package = frame.evaluate(
            "([accepted, answer]) => LinkwiseScormUi.fraction("
            "{type: 'short-answer', answers: [accepted]}, answer)",
            [accepted, answer],
        )
        assert package == site, (accepted, answer, site)


DRAWS_A_SHORT_ANSWER = """() => {
  for (let n = 1; n < 5000; n++) {
    const seed = n.toString(36);
    if (LinkwiseScorm.draw(seed).some(shown => shown.question.type === "short-answer")) return seed;
  }
}"""
COUNT_COMMITS = """() => {
  window.commits = 0;
  const commit = API.LMSCommit.bind(API);
  API.LMSCommit = (value) => { window.commits += 1; return commit(value); };
}"""


def test_typing_an_answer_commits_to_the_lms_once_not_at_every_keystroke(
    course_app, tmp_path, learner_page
):
    """Each keystroke sets the answer in the runtime; the LMS is asked to store it when the
    answer is changed (leaving the box), not once a key, which floods an LMS's server."""
    server, _ = lms_for(course_app, tmp_path, "recording-impact-and-supervision")
    try:
        page = learner_page
        frame = server.launch(page)
        items = frame.evaluate("LinkwiseScorm.course")["items"]
        seed = frame.evaluate(DRAWS_A_SHORT_ANSWER)  # a draw (resumed) that asks one
        resume = {"lesson_location": "quiz", "lesson_status": "incomplete", "entry": "resume"}
        frame = server.launch(
            page, {"suspend_data": f"L1|{len(items) - 1}|0|||{seed}|", "core": resume}
        )
        typed = next(q for q in drawn(frame) if q["type"] == "short-answer")
        page.evaluate(COUNT_COMMITS)
        box = f'input[name="q.{typed["id"]}"]'
        frame.locator(box).press_sequentially("ONS personal wellbeing")
        assert page.evaluate("window.commits") == 0
        # Every keystroke is already set in the runtime, so nothing typed is lost.
        assert "ONS personal wellbeing" in Lms.value(page, "cmi.suspend_data")
        frame.locator(box).blur()  # the change: committed once
        assert page.evaluate("window.commits") == 1
        saved, _ = Lms.leave(page)  # leaving commits too
        assert page.evaluate("window.commits") == 2
        assert "ONS personal wellbeing" in saved["suspend_data"]
    finally:
        server.close()
