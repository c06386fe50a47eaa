"""A screen renamed while a learner has it open: their Next lands where they carry on."""

import re

import pytest
from sqlalchemy import func, select

from app import db
from app.models import Completion
from tests.conftest import csrf_token, sign_in
from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    module_with_test_quiz,
)
from tests.web.test_quiz import finish_screens

OLD, NEW = "what-it-is", "what-social-prescribing-is"
MOVED = "was updated while you had it open, and the screen you were on has moved"


@pytest.fixture(name="course")
def own_course(tmp_path):
    """Return a copy of the course for this test alone: these tests rename a screen."""
    return course_files.copy_course(tmp_path)


def rename_screen(app, course, module, old: str, new: str) -> None:
    """Rename a screen's file, fix every reference to it, and load the course again."""
    folder = course / "content" / "modules" / module.slug
    path = next(folder.glob(f"*-{old}.md"))
    path.rename(path.with_name(path.name.replace(old, new)))
    fixes = [(rf"\(screen:{module.slug}/{old}\)", f"(screen:{module.slug}/{new})", "**/*.md")]
    fixes.append((rf"\(screen:{old}\)", f"(screen:{new})", f"modules/{module.slug}/*.md"))
    fixes.append((rf"^(Screens:.*)\b{old}\b", rf"\g<1>{new}", f"quizzes/{module.slug}-*.md"))
    for pattern, replacement, files in fixes:
        for text_file in (course / "content").glob(files):
            text = text_file.read_text("utf-8")
            fixed = re.sub(pattern, replacement, text, flags=re.M)
            if fixed != text:
                text_file.write_text(fixed, "utf-8")
    course_files.reload(app)


def completions(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(Completion))


def screen_url(module, slug: str) -> str:
    return f"/modules/{module.slug}/{slug}/"


def test_next_on_a_renamed_screen_goes_on_with_a_notice_and_loses_nothing(
    app, course, client, make_user, module
):
    sign_in(client, make_user())
    old_url = screen_url(module, OLD)
    token = csrf_token(client, old_url)  # the learner has the screen open
    rename_screen(app, course, module, OLD, NEW)
    before = completions(app)

    response = client.post(old_url, data={"csrf_token": token})
    assert response.status_code == 302
    assert response.location == screen_url(module, NEW)  # where they carry on
    page = client.get(response.location)
    assert page.status_code == 200 and MOVED in page.text
    assert completions(app) == before  # nothing written for a screen that is gone
    assert client.get(old_url).status_code == 404  # an address, not a form: not found


def test_a_learner_further_on_resumes_where_they_were(app, course, client, make_user, module):
    email = make_user()
    sign_in(client, email)
    finish_screens(app, email, module)
    old_url = screen_url(module, module.screens[-1].slug)
    token = csrf_token(client, old_url)
    rename_screen(app, course, module, module.screens[-1].slug, "last-words")
    before = completions(app)

    response = client.post(old_url, data={"csrf_token": token})
    # The renamed screen is a new one to them; everything else they did stands.
    assert response.location == screen_url(module, "last-words")
    assert MOVED in client.get(response.location).text
    assert completions(app) == before


def test_a_check_answered_on_a_renamed_screen_goes_on_with_a_notice(
    app, course, client, make_user, module
):
    email = make_user()
    sign_in(client, email)
    finish_screens(app, email, module)
    checked = next(s for s in module.screens if s.knowledge_check)
    old_url = screen_url(module, checked.slug)
    token = csrf_token(client, old_url)
    rename_screen(app, course, module, checked.slug, "shaped-around-them")

    response = client.post(old_url + "check", data={"csrf_token": token, "answer": "a"})
    assert response.location == screen_url(module, "shaped-around-them")
    assert MOVED in client.get(response.location).text


def test_a_trainer_previewing_is_sent_to_the_module_page(app, course, client, make_user, module):
    sign_in(client, make_user(email="trainer@example.org", role="trainer"))
    old_url = screen_url(module, OLD)
    token = csrf_token(client, old_url)
    rename_screen(app, course, module, OLD, NEW)

    response = client.post(old_url, data={"csrf_token": token})
    assert response.location == f"/modules/{module.slug}/"
    assert MOVED in client.get(response.location).text
