"""A trainer edits the course while learners are mid-way: what each learner page then says.

A rating once earned stays shown and counted; an attempt begun keeps going; notes about
changed screens claim no more than is known; old addresses and old forms say what moved.
"""

import html
import re

import pytest
from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.models import Attempt, Completion
from tests.conftest import post_form, sign_in
from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    module_with_test_quiz,
)
from tests.web.journeys import done_before, pass_module, user_id
from tests.web.quiz_helpers import attempt_form
from tests.web.test_html_valid import nu_errors
from tests.web.test_quiz import finish_screens
from tests.web.test_screen_moved import NEW, OLD, rename_screen

ORG = "Riverside PCN"


@pytest.fixture(name="course")
def own_course(tmp_path):
    """Return a copy of the course for one test: these tests edit, rename and remove files."""
    return course_files.copy_course(tmp_path / "copy")


def competency_row(page: str, code: str) -> str:
    """Return the profile table's row for a competency ("" when it has none)."""
    parts = page.split(f"<strong>{code}</strong>", 1)
    return parts[1].split("</tr>", 1)[0] if len(parts) == 2 else ""


def not_covered(page: str) -> str:
    """Return the "Not covered by this course yet" part of a profile page ("" when none), up
    to the next heading (a manager's page goes on to each rating's history)."""
    return (
        page.split('id="not-covered"', 1)[1].split("<h2", 1)[0]
        if 'id="not-covered"' in page
        else ""
    )


def secure_count(page: str) -> str:
    """Return the headline count of competencies with secure knowledge ("3 of 34")."""
    return re.search(r"secure knowledge in <strong>(\d+) of \d+</strong>", page).group(1)


def test_a_rating_earned_stays_shown_and_counted_after_its_module_leaves_the_course(
    app, client, make_user, module, course, tmp_path
):
    make_user(email="lead@example.org", role="manager", org=ORG)
    email = make_user(profession="link-worker", org=ORG)
    sign_in(client, email)
    pass_module(app, client, email, module)
    code = module.competency_codes[0]  # the test quiz asks about it alone; no other quiz does
    before = client.get("/my/competencies").text
    assert "Secure" in competency_row(before, code) and secure_count(before) == "1"
    # A competency of the module that no other module lists (SPLW-3.1 is module 2's too).
    with app.app_context():
        unrated = next(
            c
            for c in module.competency_codes[1:]
            if [m.slug for m in catalogue().modules_for(c)] == [module.slug]
        )
    course_files.remove_first_module(course, module)
    course_files.reload(app)

    mine = html.unescape(client.get("/my/competencies").text)
    row = competency_row(mine, code)
    assert "Secure" in row and "No quiz in the course asks about it now" in row
    assert code not in not_covered(mine)
    assert secure_count(mine) == "1"
    # A competency the module covered but the learner was never rated in is not rated.
    assert unrated in not_covered(mine) and not competency_row(
        mine.split('id="not-covered"')[0], unrated
    )
    # The manager reads the same page of the learner, and the dashboard counts the rating.
    sign_in(client, "lead@example.org")
    theirs = html.unescape(client.get(f"/manage/learners/{user_id(app, email)}").text)
    assert "Secure" in competency_row(theirs, code) and code not in not_covered(theirs)
    assert secure_count(theirs) == "1"
    dashboard = client.get("/manage/?framework=splw").text
    counted = dashboard.split(f'scope="row">{code} ', 1)[1].split("</tr>", 1)[0]
    assert '--numeric">1</td>' in counted
    assert nu_errors({"competencies": mine}, tmp_path) == []


def start_attempt(client, module) -> str:
    """Start the module's quiz through its page; return the attempt's address."""
    return post_form(client, f"/modules/{module.slug}/quiz/", {}).location


def test_an_attempt_begun_before_a_screen_was_renamed_is_continued_from_the_quiz_page(
    app, client, make_user, module, course, tmp_path
):
    email = make_user()
    sign_in(client, email)
    finish_screens(app, email, module)
    attempt_url = start_attempt(client, module)
    rename_screen(app, course, module, OLD, NEW)

    page = html.unescape(client.get(f"/modules/{module.slug}/quiz/").text)
    assert "Continue your attempt" in page and "You have an attempt in progress" in page
    assert "The quiz opens once you have completed every screen" not in page
    assert post_form(client, f"/modules/{module.slug}/quiz/", {}).location == attempt_url
    assert nu_errors({"quiz": page}, tmp_path) == []


def test_a_screen_renamed_before_the_pass_is_not_said_to_be_added_since_completion(
    app, client, make_user, module, course
):
    email = make_user()
    sign_in(client, email)
    finish_screens(app, email, module)
    attempt_url = start_attempt(client, module)
    rename_screen(app, course, module, OLD, NEW)
    with app.app_context():
        attempt = db.session().get(Attempt, int(attempt_url.rstrip("/").rsplit("/", 1)[1]))
        quiz = catalogue().module(module.slug).assessment
        data = attempt_form(quiz, attempt.selection, right=True)
    assert post_form(client, attempt_url, {**data, "action": "submit"}).status_code == 302

    mine = html.unescape(client.get("/modules/").text)
    assert "since you completed" not in mine
    assert "1 screen new or changed since you went through it" in mine
    page = html.unescape(client.get(f"/modules/{module.slug}/").text)
    assert "since you completed" not in page
    assert "A screen was added or changed since you went through this module" in page


def test_an_old_screen_address_says_the_screen_moved_with_a_way_to_the_module(
    app, client, make_user, module, course, tmp_path
):
    sign_in(client, make_user())
    rename_screen(app, course, module, OLD, NEW)
    response = client.get(f"/modules/{module.slug}/{OLD}/")
    assert response.status_code == 404
    page = html.unescape(response.text)
    assert "may have moved or been removed" in page and module.title in page
    assert f'href="/modules/{module.slug}/">See the module’s contents</a>' in page
    # An address in no module at all is still the plain page.
    assert client.get("/modules/never-a-module/x/").status_code == 404
    assert nu_errors({"moved": response.text}, tmp_path) == []


def open_first_check(app, client, make_user):
    """Sign in a learner who has done the screens before the first module's first check,
    and open its screen; return the module, the screen, its address, its HTML and the
    versions of the check it was drawn with."""
    email = make_user()
    sign_in(client, email)
    with app.app_context():
        module = catalogue().modules[0]
    screen = next(s for s in module.screens if s.knowledge_check)
    done_before(app, user_id(app, email), module, screen)
    url = f"/modules/{module.slug}/{screen.slug}/"
    opened = client.get(url).text
    stamp = re.search(r'name="check_versions" value="([^"]+)"', opened).group(1)
    return module, screen, url, opened, stamp


def test_a_check_edited_while_open_says_so_and_asks_again(app, client, make_user, course):
    module, screen, url, opened, stamp = open_first_check(app, client, make_user)
    question = screen.knowledge_check.questions[0]
    right = next(c for c in question.choices if c.id in question.correct_ids)
    assert f'value="{right.form_value}"' in opened
    # The trainer rewords the choice the learner is about to pick.
    path = course / "content" / "quizzes" / f"{screen.knowledge_check.id}.md"
    course_files.edit(path, "*c) What matters to each of them", "*c) What matters to each person")
    course_files.reload(app)

    sent = {f"q.{question.id}": right.form_value, "check_versions": stamp}
    response = post_form(client, url + "check", sent, page=url)
    page = html.unescape(response.text)
    assert response.status_code == 400
    assert "choose one of the options" not in page
    assert "Question 1 changed after you opened this page" in page
    assert "What matters to each person" in page and 'id="knowledge-check-form"' in page
    with app.app_context():
        assert not db.session().scalar(
            select(func.count()).where(Completion.item_key.like("check:%"))
        )


def test_a_result_of_a_removed_module_names_it_by_its_recorded_title(
    app, client, make_user, module, course
):
    email = make_user()
    sign_in(client, email)
    pass_module(app, client, email, module)
    with app.app_context():
        attempt_id = db.session().scalar(select(Attempt.id).where(Attempt.passed))
    course_files.remove_first_module(course, module)
    course_files.reload(app)
    page = html.unescape(client.get(f"/modules/{module.slug}/quiz/attempts/{attempt_id}/").text)
    assert f"you have completed <strong>{module.title}</strong>" in page
    assert f"<strong>{module.slug}</strong>" not in page


def test_the_trainer_still_sees_the_graded_attempts_of_a_removed_module(
    app, client, make_user, module, course, tmp_path
):
    email = make_user()
    sign_in(client, email)
    pass_module(app, client, email, module)
    course_files.remove_first_module(course, module)
    course_files.reload(app)
    make_user(email="trainer@example.org", role="trainer")
    sign_in(client, "trainer@example.org")
    response = client.get(f"/author/learners/{user_id(app, email)}")
    page = html.unescape(response.text)
    section = page.split(f'<h3 class="nhsuk-heading-s">{module.title}</h3>', 1)[1]
    section = section.split("</div>", 1)[0]
    assert "This module is no longer in the course" in section
    assert "Attempt 1" in section and "100%, passed" in section
    assert nu_errors({"learner": response.text}, tmp_path) == []


def test_the_module_page_numbers_a_module_by_its_place_and_the_screen_caption_reads_plainly(
    app, client, make_user, course
):
    sign_in(client, make_user())
    with app.app_context():
        first = catalogue().modules[0]
    course_files.edit(
        course / "content" / "modules" / first.slug / "module.md", "order: 1", "order: 60"
    )
    course_files.reload(app)
    with app.app_context():
        count = len(catalogue().modules)
        assert catalogue().modules[-1].slug == first.slug
    page = client.get(f"/modules/{first.slug}/").text
    assert f"Module {count}</span>" in page and "Module 60" not in page
    screen = client.get(f"/modules/{first.slug}/{first.screens[0].slug}/").text
    caption = screen.split('class="nhsuk-caption-l">', 1)[1].split("</span>\n", 1)[0]
    assert 'visually-hidden"> - </span>' not in caption
    assert (
        f'<span class="nhsuk-u-visually-hidden">, </span>screen 1 of {len(first.screens)}'
        in caption
    )
