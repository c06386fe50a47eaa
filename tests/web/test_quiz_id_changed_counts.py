"""A trainer gives a module's quiz a new id in the same module: the managers' dashboard still
counts the learners who completed the module, once each, and the trainer's item analysis of
the quiz still reads the attempts taken under the old id. A module given a new folder (its
quiz's id kept) starts afresh on the dashboard, as on the learner's record."""

import html

import pytest
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.domain.content import quiz_key
from app.models import Attempt, Completion, utcnow
from app.services import item_stats, learning
from tests.conftest import sign_in
from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    module_with_test_quiz,
)
from tests.web.journeys import pass_module
from tests.web.test_dashboard_counts import differences, module_completions
from tests.web.test_module_slug_renamed import NEW as NEW_SLUG
from tests.web.test_module_slug_renamed import rename_module
from tests.web.test_quiz_id_changed import NEW_ID, give_the_quiz_a_new_id


@pytest.fixture(name="course")
def own_course(tmp_path):
    """Return a copy of the course for one test: these tests rename its quiz or module."""
    return course_files.copy_course(tmp_path / "copy")


def pass_two(app, module) -> None:
    """Asha and Ben pass the module's quiz through its pages."""
    for email in ("asha@example.org", "ben@example.org"):
        learner = app.test_client()
        sign_in(learner, email)
        pass_module(app, learner, email, module)


def pass_again_under_the_new_id(app, learner: int) -> None:
    """Write a pass of the module's quiz under its new id, and its completion, as grading
    writes a renewal's (the quiz's opening rules are not these tests' subject)."""
    with app.app_context():
        session = db.session()
        last = session.scalar(select(Attempt).where(Attempt.user_id == learner))
        now = utcnow()
        session.add(
            Attempt(
                user_id=learner,
                quiz_id=NEW_ID,
                module_slug=last.module_slug,
                number=last.number + 1,
                status="graded",
                selection=last.selection,
                quiz_settings=last.quiz_settings,
                started_at=now,
                submitted_at=now,
                percent=100,
                passed=True,
            )
        )
        learning.record(learner, last.module_slug, quiz_key(NEW_ID))
        session.commit()


def completions_shown(client, module) -> list[tuple[str, str]]:
    """Return the module's completions and their month's, kept (the dashboard as it opens)
    and counted afresh (a search)."""
    found = []
    for url in ("/manage/", "/manage/?q=example.org"):
        summary, months = module_completions(client.get(url).text, module)
        found.append((" ".join(html.unescape(summary).split()), months))
    return found


def test_completions_made_under_the_old_id_still_count_and_once_each(
    app, client, course, module, pcn
):
    pass_two(app, module)
    give_the_quiz_a_new_id(app, course, module)
    # Asha passes again under the new id: a completion of each id, one learner.
    pass_again_under_the_new_id(app, pcn["asha"])
    with app.app_context():
        keys = db.session().scalars(
            select(Completion.item_key).where(
                Completion.user_id == pcn["asha"], Completion.item_key.startswith("quiz:")
            )
        )
        assert set(keys) == {f"quiz:{module.assessment.id}", f"quiz:{NEW_ID}"}
    assert differences(app) == 0

    sign_in(client, "lead@example.org")
    for summary, months in completions_shown(client, module):
        assert "2 completed" in summary
        assert 'numeric">2</td>' in months and 'numeric">3</td>' not in months


def test_a_renamed_module_starts_afresh_on_the_dashboard(app, client, course, module, pcn):
    pass_two(app, module)
    rename_module(course, module)
    course_files.reload(app)
    assert differences(app) == 0

    sign_in(client, "lead@example.org")
    with app.app_context():
        renamed = catalogue().module(NEW_SLUG)
    nobody = ("No learner", "None of the learners your filters select")  # unfiltered, a search
    for (summary, months), who in zip(completions_shown(client, renamed), nobody, strict=True):
        assert "0 completed" in summary
        assert f"{who} has completed a module yet." in months


def test_the_quizs_item_analysis_holds_the_attempts_under_its_old_id_apart(
    app, client, course, module, pcn, make_user
):
    old_id = module.assessment.id
    pass_two(app, module)
    give_the_quiz_a_new_id(app, course, module)
    make_user(email="trainer@example.org", role="trainer")
    sign_in(client, "trainer@example.org")

    page = " ".join(html.unescape(client.get(f"/author/quizzes/{NEW_ID}/items").text).split())
    assert 'Graded attempts </dt> <dd class="nhsuk-summary-list__value" > 2 </dd>' in page
    with app.app_context():
        report = item_stats.item_report(NEW_ID)
    assert report.attempts == 2
    # The versions under the old id are other versions (a version's hash holds its quiz's
    # id), and the same questions: as a question only moved in its file, their answers
    # count in today's rows (an edited question would stay apart, as an earlier version).
    rows = report.questions
    assert rows and all(row.current and row.figures.answered == 2 for row in rows)
    assert all(row.moved_from and row.version not in row.moved_from for row in rows)
    # The old id's page leads to the quiz's, with the filter kept.
    moved = client.get(f"/author/quizzes/{old_id}/items?first=1")
    assert moved.status_code == 302
    assert moved.location == f"/author/quizzes/{NEW_ID}/items?first=1"
    csv = client.get(f"/author/quizzes/{old_id}/items.csv")
    assert csv.status_code == 302 and csv.location == f"/author/quizzes/{NEW_ID}/items.csv"
    assert client.get("/author/quizzes/never-a-quiz/items").status_code == 404
