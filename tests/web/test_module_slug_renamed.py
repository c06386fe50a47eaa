"""A trainer renames a module's folder (its slug) and keeps its quiz's id: the module under
its new slug starts afresh, as its record says, and its quiz page neither claims the pass of
the old one nor links to pages that are not there."""

import html

import pytest

from app.content import catalogue
from tests.conftest import post_form, sign_in
from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    module_with_test_quiz,
)
from tests.web.journeys import pass_module
from tests.web.test_quiz import finish_screens

NEW = "social-prescribing-basics"


@pytest.fixture(name="course")
def own_course(tmp_path):
    """Return a copy of the course for one test: it renames a module."""
    return course_files.copy_course(tmp_path / "copy")


def rename_module(root, module) -> None:
    """Move the module's folder to NEW and point its quizzes and the link to it there."""
    content = root / "content"
    (content / "modules" / module.slug).rename(content / "modules" / NEW)
    for quiz in (content / "quizzes").glob(f"{module.slug}-*.md"):
        course_files.edit(quiz, f"module: {module.slug}\n", f"module: {NEW}\n")
    course_files.edit(
        content / "modules" / "how-the-system-works" / "module.md",
        f"(module:{module.slug})",
        f"(module:{NEW})",
    )


def test_a_renamed_module_starts_afresh_and_its_quiz_can_be_taken(
    app, client, make_user, module, course
):
    email = make_user()
    sign_in(client, email)
    pass_module(app, client, email, module)
    rename_module(course, module)
    course_files.reload(app)

    assert "Ready to start" in client.get(f"/modules/{NEW}/").text
    quiz = f"/modules/{NEW}/quiz/"
    page = html.unescape(client.get(quiz).text)
    assert "You passed this quiz" not in page and "Get your CPD certificate" not in page
    for link in ("/quiz/attempts/", "/certificate/"):
        assert f'href="/modules/{NEW}{link}' not in page
    # Once its screens are done, the quiz opens for a first attempt at the module.
    with app.app_context():
        renamed = catalogue().module(NEW)
    finish_screens(app, email, renamed)
    started = post_form(client, quiz, {})
    assert started.status_code == 302 and started.location.startswith(f"/modules/{NEW}/quiz/")
    assert "attempt 1 of 3" in client.get(started.location).text
