"""An answer the site refuses, the SCORM package (Chromium, scorm-again) refuses in the same
words: a knowledge check left blank, steps put in order with a position given twice or none.

The site's words are its own: each question type's InvalidAnswer and blank message, put after
the question's number as read_answers and the knowledge check service put them.
"""

from __future__ import annotations

import itertools

import pytest
from werkzeug.datastructures import MultiDict

from app.domain.quizzes import BLANK, InvalidAnswer
from app.domain.quizzes.attempts import Shown, read_answers
from app.domain.scorm.course_data import question_data
from tests.browser.scorm_harness import Lms
from tests.browser.test_scorm_package import (
    SHOTS,
    assert_accessible_frame,
    lms_for,
    package_app,
    package_page,
)
from tests.domain.quizzes.conftest import parse_body
from tests.question_order import FIELD_ORDER
from tests.question_order import expected as nhs_order

CHECKED = "referral-routes"  # its first knowledge check asks for every right answer ticked


@pytest.fixture(scope="module")
def checks_lms(tmp_path_factory):
    server, module = lms_for(package_app(), tmp_path_factory.mktemp("lms"), CHECKED)
    yield server, module
    server.close()


@pytest.fixture
def frame(checks_lms, browser):
    with package_page(browser) as page:
        yield checks_lms[0].launch(page)


def site_says(question, fields: dict[str, str], number: int = 1) -> str | None:
    """Return what the site's knowledge check says of a form's answer, or None if it takes it."""
    form = MultiDict({**fields, question.marker_field: "1"})
    shown = (Shown(number, question, None, tuple(question.option_ids)),)
    errors = read_answers(shown, form).errors
    if question.id in errors:
        return errors[question.id]
    try:
        taken = question.read_form(form)
    except InvalidAnswer:  # read_answers reported it above
        raise AssertionError(fields) from None
    return f"Question {number}: {question.blank_message}" if taken is BLANK else None


# As the package's knowledge check refuses an answer (linkwise-scorm-quiz.js).
PACKAGE_SAYS = """([question, answer, number]) =>
  LinkwiseScormUi.refusal(question, answer, number, true)"""

ORDERING = parse_body(
    "ID: q\nCompetencies: SPLW-1.1\nOutcomes: 1\nType: ordering\n1. Put them in order.\n"
    "1)  First\n2)  Second\n3)  Third\n",
    kind="assessment",
).quiz.questions[0]


def test_steps_in_order_are_refused_in_the_site_s_words_whatever_the_positions(frame):
    """Every way of filling three positions, blanks included: the same message, or none."""
    data = question_data(ORDERING)
    for positions in itertools.product(["", "1", "2", "3"], repeat=3):
        fields = {ORDERING.field_names()[n]: p for n, p in enumerate(positions)}
        answer = list(positions) if any(positions) else None
        expected = site_says(ORDERING, fields, number=2)
        assert frame.evaluate(PACKAGE_SAYS, [data, answer, 2]) == expected, positions
    assert site_says(ORDERING, dict(zip(ORDERING.field_names(), "112", strict=True))) == (
        "Question 1: give each step a different position, 1 to 3"
    )


def test_a_knowledge_check_left_blank_is_refused_as_the_site_refuses_it(checks_lms, frame):
    server, module = checks_lms
    screen = next(s for s in module.screens if s.knowledge_check)
    question = screen.knowledge_check.questions[0]
    assert question.type_name == "multiple-answers"
    page = frame.page
    items = len(module.item_keys)
    resume = {"lesson_location": screen.slug, "lesson_status": "incomplete", "entry": "resume"}
    frame = server.launch(page, {"suspend_data": f"L1|{items - 1}|0||||", "core": resume})
    section = f'[data-screen="{screen.slug}"] [data-check-form]'
    frame.click(f"{section} button[type=submit]")
    expected = site_says(question, {})
    assert expected == "Question 1: tick at least one answer"
    assert frame.inner_text(f"{section} [data-error-list]") == expected
    field_error = frame.inner_text(f"{section} .nhsuk-error-message")
    assert field_error.split("\n")[-1].removeprefix("Error:").strip() == expected
    # In the site's order: the question, its hint, the error; described by both.
    assert frame.evaluate(FIELD_ORDER, f"{section} fieldset") == nhs_order(True)
    assert frame.is_hidden(f'[data-screen="{screen.slug}"] [data-check-done]')
    assert_accessible_frame(frame, "knowledge check left blank")
    if SHOTS:
        frame.locator(f'[data-screen="{screen.slug}"] [data-check]').screenshot(
            path=f"{SHOTS}/scorm-check-left-blank.png"
        )
    # A right answer then completes the check, as before.
    for choice in question.choices:
        if choice.correct:
            frame.check(f'{section} input[value="{choice.form_value}"]')
    frame.click(f"{section} button[type=submit]")
    frame.wait_for_selector(f'[data-screen="{screen.slug}"] [data-check-done]:not([hidden])')
    assert Lms.value(page, "cmi.core.lesson_status") == "incomplete"
