"""A module completed before a screen was added: the pages that say so are accessible."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_accessible,
    assert_accessible_without_javascript,
    browser_sign_in,
)
from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    learner_on_copy,
    module_with_test_quiz,
)
from tests.web.test_quiz_record import take
from tests.web.test_record_content_edits import add_screen


@pytest.fixture(name="course")
def own_course(tmp_path):
    """Return a copy of the course for this test alone: it adds a screen."""
    return course_files.copy_course(tmp_path)


def test_the_added_screen_note_and_my_learning_are_accessible(
    app, learner, module, course, live_server, page
):
    take(app, learner, module, right=True)
    slug = add_screen(course, module)
    course_files.reload(app)
    browser_sign_in(page, live_server, "learner@example.org")
    page.goto(f"{live_server}/modules/")
    expect(page.get_by_text("1 screen new or changed since you went through it")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server}/modules/{module.slug}/")
    expect(
        page.get_by_text("A screen was added or changed since you went through this module")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="What changed in 2027").first.click()
    expect(page).to_have_url(f"{live_server}/modules/{module.slug}/{slug}/")
    assert_accessible(page)


def test_the_certificate_of_a_removed_module_is_accessible_with_and_without_javascript(
    app, learner, module, course, live_server, page, no_js_page, browser
):
    take(app, learner, module, right=True)
    course_files.remove_first_module(course, module)
    course_files.reload(app)
    browser_sign_in(page, live_server, "learner@example.org")
    page.goto(f"{live_server}/my/record")
    page.get_by_role("link", name=f"View certificate for {module.title}").click()
    expect(page).to_have_url(f"{live_server}/modules/{module.slug}/certificate/")
    expect(page.get_by_text("This module is no longer in the course")).to_be_visible()
    assert_accessible(page)

    # Without JavaScript: the reflective account is still written and saved.
    browser_sign_in(no_js_page, live_server, "learner@example.org")
    no_js_page.goto(f"{live_server}/modules/{module.slug}/certificate/")
    no_js_page.get_by_label("What you learned (optional)").fill("Referral routes are wide.")
    no_js_page.get_by_role("button", name="Save reflective account").click()
    expect(no_js_page.get_by_text("Your reflective account has been saved")).to_be_visible()
    expect(no_js_page.get_by_label("What you learned (optional)")).to_have_value(
        "Referral routes are wide."
    )
    assert_accessible_without_javascript(no_js_page, browser)
