"""The quiz page states the pass mark the learner's attempt is graded against."""

import re

from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    course_copy,
    learner_on_copy,
    module_with_test_quiz,
)
from tests.web.quiz_helpers import answer_fields, attempt_questions
from tests.web.test_quiz import attempt_row, quiz_url, start, submit


def pass_mark_shown(page: str) -> str:
    """Return the text of the quiz page's "Pass mark" row."""
    found = re.search(r"Pass mark\s*</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.S)
    assert found, "no pass mark row"
    return " ".join(found.group(1).split())


def raise_pass_mark(app, course, module, to: int):
    """Edit the quiz file's pass mark and load the course again, as a restarted server would."""
    path = course_files.quiz_path(course, module.slug)
    course_files.edit(path, "pass_mark: 80", f"pass_mark: {to}")
    course_files.reload(app)


def test_an_attempt_in_progress_shows_the_pass_mark_it_started_with(app, course, learner, module):
    start(learner, module)
    raise_pass_mark(app, course, module, 95)
    assert pass_mark_shown(learner.get(quiz_url(module)).text) == (
        "80% for your attempt in progress, as when it started (the quiz now asks for 95%)"
    )


def test_a_pass_shows_the_pass_mark_it_was_graded_against(app, course, learner, module):
    url = start(learner, module)
    questions = attempt_questions(module.assessment, attempt_row(app, url).selection)
    # Four of five right: 80%, a pass at the attempt's 80%, though the quiz now asks 95%.
    data = {}
    for number, question in enumerate(questions):
        data.update(answer_fields(question, right=number > 0))
    raise_pass_mark(app, course, module, 95)
    submit(learner, url, {**data, "confirmed": "yes"})
    assert attempt_row(app, url).passed
    page = learner.get(quiz_url(module)).text
    assert "You passed this quiz with 80%" in page
    assert pass_mark_shown(page) == (
        "80% for the attempt you passed, as when it started (the quiz now asks for 95%)"
    )


def test_an_unchanged_pass_mark_reads_as_before(app, learner, module):
    start(learner, module)
    assert pass_mark_shown(learner.get(quiz_url(module)).text) == "80%"
