"""A quiz attempt left unfinished when its module left the course, renamed or removed, stays
the learner's to find: My learning lists it by the title it recorded, with its address.

The course keeps no record of a rename (module.md has no earlier-slug field; the folder's
name is the slug): a module given a new slug is a new module, started afresh
(docs/authoring.md, section 1), so the attempt stays under the slug it was begun at.
"""

import html
import shutil

import pytest
from lxml import html as lxml_html
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import Attempt
from tests.conftest import post_form, sign_in
from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    module_with_test_quiz,
)
from tests.web.quiz_helpers import attempt_form
from tests.web.statements import statements
from tests.web.test_html_valid import nu_errors
from tests.web.test_quiz import finish_screens, start

EMAIL = "learner@example.org"
NEW_SLUG = "social-prescribing-explained"
LIST = "//ul[contains(@class, 'lw-unfinished')]/li"


@pytest.fixture(name="course")
def course_of_its_own(tmp_path):
    """Return a copy of the course for one test: these tests rename or remove a module."""
    return course_files.copy_course(tmp_path / "copy")


def rename(app, course, module) -> None:
    """Give the first module a new slug (its folder moved, its quizzes and the link to it
    following, the quizzes' ids kept) and serve the course so."""
    modules = course / "content" / "modules"
    shutil.move(modules / module.slug, modules / NEW_SLUG)
    for quiz in (course / "content" / "quizzes").glob(f"{module.slug}-*.md"):
        course_files.edit(quiz, f"module: {module.slug}\n", f"module: {NEW_SLUG}\n")
    course_files.edit(
        modules / "how-the-system-works" / "module.md",
        f"(module:{module.slug})",
        f"(module:{NEW_SLUG})",
    )
    course_files.reload(app)


def text_of(element) -> str:
    return " ".join(element.text_content().split())


@pytest.fixture(name="begun")
def attempt_begun(app, client, make_user, module):
    """Sign in a learner who started the first module's quiz; return the attempt's address."""
    sign_in(client, make_user(email=EMAIL))
    finish_screens(app, EMAIL, module)
    url = start(client, module)
    assert not lxml_html.fromstring(client.get("/modules/").text).xpath(LIST)
    return url


def test_an_attempt_left_when_its_module_was_renamed_is_listed_and_can_be_finished(
    app, client, module, course, begun, tmp_path
):
    rename(app, course, module)
    page = client.get("/modules/")
    [item] = lxml_html.fromstring(page.text).xpath(LIST)
    assert text_of(item).startswith(f"End-of-module quiz: {module.title} Started on ")
    assert "no longer in the course" in text_of(item) and module.slug not in text_of(item)
    assert item.xpath(".//a/@href") == [begun]
    # The module under its new slug is a new one, started afresh; the old address is gone.
    with app.app_context():
        assert catalogue().module(NEW_SLUG).title == module.title
    assert client.get(f"/modules/{NEW_SLUG}/").status_code == 200
    assert client.get(f"/modules/{module.slug}/").status_code == 404
    # The attempt opens as the form it was, and is graded when submitted.
    form = client.get(begun)
    assert form.status_code == 200 and 'name="action" value="submit"' in form.text
    shown = lxml_html.fromstring(form.text)
    [inset] = shown.xpath("//main//div[contains(@class, 'nhsuk-inset-text')]")
    assert text_of(inset) == (
        f"Information: {module.title} is no longer in the course. "
        "Your attempt is kept: you can still finish and submit it."
    )
    # Back to where it is listed: the quiz overview at its old address is no more.
    [back] = shown.xpath("//a[contains(@class, 'nhsuk-back-link')]")
    assert (back.get("href"), text_of(back)) == ("/modules/", "My learning")
    assert nu_errors({"my-learning": page.text, "attempt": form.text}, tmp_path) == []
    with app.app_context():
        attempt = db.session().scalar(select(Attempt))
        data = attempt_form(module.assessment, attempt.selection, right=True)
    assert post_form(client, begun, {**data, "action": "submit"}).status_code == 302
    assert f"you have completed <strong>{module.title}</strong>" in html.unescape(
        client.get(begun).text
    )
    assert not lxml_html.fromstring(client.get("/modules/").text).xpath(LIST)


def test_one_at_a_module_removed_is_listed_by_the_title_it_recorded_in_one_statement(
    app, client, module, course, begun
):
    course_files.remove_first_module(course, module)
    course_files.reload(app)
    with statements(app) as run:
        page = client.get("/modules/")
    # The sign-in's and the page's (test_statement_counts.TARGET): its title was recorded.
    assert len(run) == 2, run
    [item] = lxml_html.fromstring(page.text).xpath(LIST)
    assert item.xpath(".//a/@href") == [begun]
    assert text_of(item.xpath(".//a")[0]) == f"End-of-module quiz: {module.title}"


def test_one_from_before_titles_were_kept_is_named_as_last_recorded(
    app, client, module, course, begun
):
    with app.app_context():
        attempt = db.session().scalar(select(Attempt))
        attempt.module_title = None  # as an attempt from before migration 0038
        db.session().commit()
    course_files.remove_first_module(course, module)
    course_files.reload(app)
    [item] = lxml_html.fromstring(client.get("/modules/").text).xpath(LIST)
    # Nothing else recorded a title: its slug, as on every page (services/module_titles.py).
    assert text_of(item.xpath(".//a")[0]) == f"End-of-module quiz: {module.slug}"
