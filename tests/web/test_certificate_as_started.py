"""A certificate says what the module said when the attempt it certifies started.

A learner starts the quiz, the trainer edits the module (title, CPD time, an outcome, its
competencies, its clinical reviewer) and the content reloads, then the learner submits. The
grade is the quiz as it started; the certificate, its credential and the learner's record
take the module as it started too, never the edit made part way through.
"""

import csv
import io

import pytest
from sqlalchemy import select, update

from app import db
from app.content import catalogue
from app.domain.certificate_scope import CPD_TIME_COLUMN
from app.models import Attempt, Certificate
from tests.conftest import post_form
from tests.web import course_files
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    learner_on_copy,
    module_with_test_quiz,
)
from tests.web.quiz_helpers import attempt_form
from tests.web.test_credentials import payload
from tests.web.test_quiz import attempt_row, start, submit

NEW_TITLE = "Social prescribing basics"
NEW_OUTCOME = "Describe the link worker role in full"
NEW_REVIEWER = "Dr Ada Reviewer, GP"
ADDED_CODE = "SPLW-1.1"


@pytest.fixture(name="course")
def course_of_its_own(tmp_path):
    """Return a copy of the course for one test: these tests edit its module file."""
    return course_files.copy_course(tmp_path)


def as_it_stands(app, module) -> dict:
    """Return what a certificate issued now would record of the module."""
    with app.app_context():
        found = catalogue()
        now = found.module(module.slug)
        return {
            "module_title": now.title,
            "cpd_minutes": now.cpd_minutes,
            "learning_outcomes": list(now.learning_outcomes),
            "competencies": [[c, found.competency(c).name] for c in now.competency_codes],
            "clinical_reviewer": now.provenance.clinical_reviewer,
        }


def edit_the_module(app, course, module) -> None:
    """Rename the module, double its CPD time, reword an outcome, add a competency and name
    a clinical reviewer; load the course again, as a restarted server would."""
    path = course / "content" / "modules" / module.slug / "module.md"
    text = path.read_text("utf-8")
    reviewer = text.split("clinical_reviewer: ", 1)[1].split("\n", 1)[0]
    for old, new in (
        (f"title: {module.title}", f"title: {NEW_TITLE}"),
        (f"cpd_minutes: {module.cpd_minutes}", f"cpd_minutes: {module.cpd_minutes * 2}"),
        (module.learning_outcomes[3], NEW_OUTCOME),
        ("competencies: [", f"competencies: [{ADDED_CODE}, "),
        (f"clinical_reviewer: {reviewer}", f"clinical_reviewer: {NEW_REVIEWER}"),
    ):
        course_files.edit(path, old, new)
    course_files.reload(app)


FACTS = ("module_title", "cpd_minutes", "learning_outcomes", "competencies", "clinical_reviewer")


def certificate_facts(app, attempt_id: int) -> dict:
    """Return what the attempt's certificate recorded of the module."""
    with app.app_context():
        row = db.session().scalar(select(Certificate).where(Certificate.attempt_id == attempt_id))
        return {name: getattr(row, name) for name in FACTS}


def record_csv_row(client, title: str) -> dict[str, str]:
    """Return the learning record CSV's row for a module, by column."""
    rows = list(csv.reader(io.StringIO(client.get("/my/record.csv").text)))
    return dict(zip(rows[0], next(r for r in rows if r[0] == title), strict=True))


def test_a_certificate_says_what_the_module_said_when_its_attempt_started(
    app, course, learner, module
):
    before = as_it_stands(app, module)
    url = start(learner, module)
    attempt = attempt_row(app, url)
    form = attempt_form(module.assessment, attempt.selection, right=True)
    assert post_form(learner, url, {**form, "action": "save"}).status_code == 302
    edit_the_module(app, course, module)
    after = as_it_stands(app, module)
    assert all(after[name] != before[name] for name in FACTS), after

    submit(learner, url, {**form, "confirmed": "yes"})
    assert attempt_row(app, url).passed
    assert certificate_facts(app, attempt.id) == before

    # The certificate page, the credential and the learner's record say the same.
    # (Its back link goes to the module as it is now, by its new title.)
    page = learner.get(f"/modules/{module.slug}/certificate/").text.split('id="maincontent"')[1]
    assert before["module_title"] in page and NEW_TITLE not in page
    assert NEW_OUTCOME not in page and NEW_REVIEWER not in page
    assert f"{module.cpd_minutes} minutes" in page
    claims = payload(learner.get(f"/modules/{module.slug}/credential.jwt").text)
    achievement = claims["credentialSubject"]["achievement"]
    assert achievement["name"] == before["module_title"]
    assert achievement["creditsAvailable"] == round(module.cpd_minutes / 60, 2)
    assert NEW_OUTCOME not in str(achievement)
    aligned = [a["targetCode"] for a in achievement["alignment"]]
    assert aligned == [code for code, _ in before["competencies"]]
    # Listed under the title it was certified with, crediting the CPD time it had then.
    row = record_csv_row(learner, before["module_title"])
    assert row[CPD_TIME_COLUMN] == str(module.cpd_minutes)
    record = learner.get("/my/record").text
    assert "1 h 30 min" not in record and f"{module.cpd_minutes} min" in record


def test_an_attempt_from_before_the_module_was_kept_is_certified_from_the_module_as_it_stands(
    app, course, learner, module
):
    before = as_it_stands(app, module)
    url = start(learner, module)
    attempt = attempt_row(app, url)
    # As an attempt in progress when migration 0049 came: only its title was recorded.
    with app.app_context():
        db.session().execute(
            update(Attempt).where(Attempt.id == attempt.id).values(module_facts=None)
        )
        db.session().commit()
    edit_the_module(app, course, module)
    form = attempt_form(module.assessment, attempt.selection, right=True)
    submit(learner, url, {**form, "confirmed": "yes"})
    after = as_it_stands(app, module)
    assert certificate_facts(app, attempt.id) == {
        **after,
        "module_title": before["module_title"],
    }
