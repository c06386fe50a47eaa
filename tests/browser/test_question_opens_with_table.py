"""A question that opens with a table, as a learner meets it in Chromium.

The table is read first, as written, after the question's number; the fieldset's legend
holds the question itself, so a screen reader names the group of answers by it, not by
"Question 1" alone. axe finds nothing, with JavaScript and without.
"""

import pytest
from playwright.sync_api import expect

from app.content import catalogue
from tests.browser.conftest import (
    assert_accessible,
    assert_accessible_without_javascript,
    browser_sign_in,
)
from tests.browser.quiz_steps import shot
from tests.web import course_files
from tests.web.test_quiz import finish_screens

QUESTION = """
ID: table-q1
Competencies: {code}
Outcomes: 1
1.  | Wellbeing score | What it suggests |
    | --- | --- |
    | 0 to 4 | Low wellbeing |
    | 5 to 10 | Moderate to high wellbeing |

    Mr A gives his life satisfaction a score of 3. What does the table suggest?

    - Scores are out of 10.
*a) Low wellbeing
b)  Moderate to high wellbeing

ID: table-q2
Competencies: {code}
Outcomes: 1
2.  How many sessions is typical? Give a whole number.
=   [6, 12]
"""
ASKED = "Mr A gives his life satisfaction a score of 3. What does the table suggest?"


@pytest.fixture(name="app")
def app_with_a_table_first(database_url, tmp_path):
    """Return an app on a copy of the course whose first module's quiz opens with a table."""
    from app import content
    from tests.conftest import PROJECT_ROOT

    root = course_files.copy_course(tmp_path)
    module = content.load(PROJECT_ROOT / "content", PROJECT_ROOT / "competencies").catalogue
    module = module.modules[0]
    front = course_files.FRONT.format(module=module.slug, attempts=3, extra="")
    course_files.quiz_path(root, module.slug).write_text(
        front + QUESTION.format(code=module.competency_codes[0]), "utf-8"
    )
    served = course_files.make_app(database_url, root)
    yield served
    course_files.clean(served)


def test_a_question_opening_with_a_table_is_named_by_its_question(
    app, live_server, page, browser, make_user
):
    with app.app_context():
        module = catalogue().modules[0]
    email = make_user(email="tables@example.org")
    finish_screens(app, email, module)
    browser_sign_in(page, live_server, email)
    page.goto(f"{live_server}/modules/{module.slug}/quiz/")
    page.get_by_role("button", name="Start the quiz").click()

    box = page.locator('[data-question="table-q1"]')
    group = box.get_by_role("group")
    # The group of answers is named by the question, not by "Question 1" alone.
    expect(group).to_have_accessible_name(ASKED)
    # Read in the order written: the number, the table, then the question and its answers.
    order = box.evaluate(
        """box => [...box.querySelectorAll('.nhsuk-caption-m, table, legend, ul, input')]
            .map(e => e.tagName === 'P' ? e.textContent.trim() : e.tagName)"""
    )
    assert order[:5] == ["Question 1", "TABLE", "LEGEND", "UL", "INPUT"], order
    expect(
        box.get_by_role("region", name="Table: Wellbeing score, What it suggests")
    ).to_be_visible()
    expect(box.get_by_role("radio", name="Low wellbeing")).to_be_visible()
    assert_accessible(page)
    shot(page, "question-opens-with-table")

    with_scripts_off = browser.new_context(java_script_enabled=False)
    try:
        plain = with_scripts_off.new_page()
        browser_sign_in(plain, live_server, email)
        plain.goto(page.url)
        expect(
            plain.locator('[data-question="table-q1"]').get_by_role("group")
        ).to_have_accessible_name(ASKED)
        assert_accessible_without_javascript(plain, browser)
    finally:
        with_scripts_off.close()
