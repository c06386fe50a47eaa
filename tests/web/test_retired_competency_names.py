"""A competency taken out of the framework is listed by the name it last had there.

Its name lived only in the framework file: the app records every competency's name as the
frameworks load (services/competency_names.py), and the pages that list a rating or a
confirmation apart read it in the statement that lists them.
"""

import html
import io
import json
import threading
import zipfile
from datetime import timedelta

from sqlalchemy import delete, select

from app import db
from app.content import catalogue
from app.models import CompetencyName, utcnow
from app.services import competency_names, data_rights, rating_recompute
from tests.conftest import sign_in
from tests.web import course_files
from tests.web.course_files import app_on_copy  # noqa: F401 (fixture: the copied course)
from tests.web.journeys import pass_module
from tests.web.statements import statements
from tests.web.test_competency_left_framework import (
    CODE,
    own_course,  # noqa: F401 (fixture: a copy of the course for one test)
    section,
    take_out_asking_what_matters,
)
from tests.web.test_practice import people, user_id  # noqa: F401
from tests.web.test_practice_record import ask

RENAMED = "Finding out what matters to the person"


def rated_then_taken_out(app, learner, course, *, rename: bool = False, forget: bool = False):
    """Pass the module that rates CODE and ask a supervisor to confirm practice in it, then
    take CODE out of the framework (renamed first, or with no name on record, as for one
    taken out before names were kept)."""
    with app.app_context():
        module = catalogue().module("how-the-system-works")
    pass_module(app, learner, "learner@example.org", module)
    assert ask(learner, app, code=CODE).status_code == 302
    if rename:
        framework = course / "competencies" / "splw.yaml"
        course_files.edit(framework, "name: Asking what matters\n", f"name: {RENAMED}\n")
        course_files.reload(app)
    if forget:
        with app.app_context():
            db.session().execute(delete(CompetencyName))
            db.session().commit()
    take_out_asking_what_matters(course)
    course_files.reload(app)
    with app.app_context():
        rating_recompute.recompute_levels(catalogue())


def exported(app, learner_id: int) -> dict:
    """Return the learner's exported rating of CODE."""
    with app.app_context():
        archive = data_rights.export_archive(learner_id, catalogue(), actor_id=learner_id)
    data = json.loads(zipfile.ZipFile(io.BytesIO(archive)).read("linkwise-data.json"))
    [kept] = [r for r in data["competency_levels"] if r["competency"] == CODE]
    return kept


def test_a_competency_renamed_then_taken_out_is_listed_by_its_last_name_in_two_statements(
    app,
    people,  # noqa: F811
    make_user,
    course,
):
    learner, sue, _ = people
    make_user(email="lead@example.org", role="manager", org="Riverside PCN")
    manager = app.test_client()
    sign_in(manager, "lead@example.org")
    rated_then_taken_out(app, learner, course, rename=True)
    lee = user_id(app, "learner@example.org")

    with statements(app) as mine_read:
        mine = learner.get("/my/competencies").text
    listed = html.unescape(section(mine))
    assert f"{CODE}</strong> {RENAMED}: knowledge shown in quizzes" in listed
    assert "Asking what matters" not in listed
    with statements(app) as theirs_read:
        theirs = html.unescape(section(manager.get(f"/manage/learners/{lee}").text))
    assert f"{CODE}</strong> {RENAMED}: knowledge shown in quizzes" in theirs
    # The name comes in the statement that lists the rating: the user, then the page.
    assert (len(mine_read), len(theirs_read)) == (2, 2)
    assert exported(app, lee)["competency_name"] == RENAMED
    # The request that waits on it has nothing left to decide, and says what it was.
    queue = html.unescape(sue.get("/supervise/").text)
    assert f"{CODE} {RENAMED}: no longer in the framework, so there is nothing to decide" in queue


def test_a_competency_whose_name_was_never_recorded_says_so(
    app,
    people,  # noqa: F811
    course,
):
    learner, sue, _ = people
    rated_then_taken_out(app, learner, course, forget=True)

    listed = html.unescape(section(learner.get("/my/competencies").text))
    assert f"{CODE}</strong> (name not recorded): knowledge shown in quizzes" in listed
    kept = exported(app, user_id(app, "learner@example.org"))
    assert kept["in_framework"] is False and kept["competency_name"] is None
    queue = html.unescape(sue.get("/supervise/").text)
    assert f"{CODE} (name not recorded): no longer in the framework" in queue


def names(app) -> dict:
    """Return every recorded name's sightings, by code, framework and name."""
    with app.app_context():
        rows = db.session().execute(select(CompetencyName)).scalars()
        return {
            (r.competency_code, r.framework_id, r.name): (r.first_seen_at, r.last_seen_at)
            for r in rows
        }


def test_the_app_records_every_competencys_name_as_it_starts_and_never_moves_a_sighting_back(
    app,
):
    with app.app_context():
        course = catalogue()
    every = {(c.code, f.id, c.name) for f in course.frameworks for c in f.competencies}
    started = names(app)
    assert set(started) == every
    engine = app.extensions["linkwise.engine"]
    later = utcnow() + timedelta(days=1)
    with engine.begin() as connection:
        competency_names.record(connection, course, later)
        # A server started from an older clock, or recording late, moves nothing back.
        competency_names.record(connection, course, later - timedelta(days=2))
    again = names(app)
    assert set(again) == every
    assert {first for first, _ in again.values()} == {first for first, _ in started.values()}
    assert {last.replace(tzinfo=None) for _, last in again.values()} == {later.replace(tzinfo=None)}


def test_two_servers_starting_at_once_record_each_name_once(app):
    with app.app_context():
        course = catalogue()
    engine = app.extensions["linkwise.engine"]
    with engine.begin() as connection:
        connection.execute(delete(CompetencyName))
    now = utcnow()
    failed = []

    def second_server():
        try:
            with engine.begin() as connection:
                competency_names.record(connection, course, now + timedelta(seconds=1))
        except Exception as error:  # noqa: BLE001 (the test reports it)
            failed.append(error)

    with engine.connect() as first:
        first.begin()
        competency_names.record(first, course, now)
        other = threading.Thread(target=second_server)
        other.start()
        other.join(0.5)
        assert other.is_alive()  # it waits for the first server's rows
        first.commit()
    other.join(20)
    assert not other.is_alive() and failed == []
    recorded = names(app)
    assert len(recorded) == sum(len(f.competencies) for f in course.frameworks)
