"""The data export gives each quiz attempt's record of its module as it started
(attempt.module_facts), in the export's own words, to the learner and to an administrator."""

import io
import json
import zipfile

from sqlalchemy import inspect, select, update

from app import db
from app.models import Attempt
from tests.conftest import post_form, sign_in
from tests.web.test_data_rights import (  # noqa: F401 (certified and module are fixtures)
    EMAIL,
    certified,
    module,
)

# Each column of the attempt table, and the key the export gives it under.
ATTEMPT_EXPORTED_AS = {
    "id": "id",
    "quiz_id": "quiz",
    "module_slug": "module",
    "module_title": "module_title",
    "number": "number",
    "status": "status",
    "started_at": "started_at",
    "submitted_at": "submitted_at",
    "points": "points",
    "points_possible": "points_possible",
    "percent": "percent",
    "passed": "passed",
    "quiz_settings": "quiz_settings",
    "module_facts": "module_as_started",
    "selection": "questions_shown",
}
# Not the learner's to read: whose it is (the export is theirs) and a save counter.
ATTEMPT_LEFT_OUT = {"user_id", "revision"}


def exported(response) -> dict:
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        return json.loads(archive.read("linkwise-data.json"))


def the_attempt(data: dict, passed) -> dict:
    [attempt] = [a for a in data["attempts"] if a["module"] == passed.slug and a["passed"]]
    return attempt


def test_each_attempt_gives_the_module_as_it_started(app, client, certified, module):  # noqa: F811
    data = exported(post_form(client, "/account/data", {}))
    attempt = the_attempt(data, module)
    with app.app_context():
        facts = db.session().scalar(select(Attempt.module_facts).where(Attempt.id == attempt["id"]))
    assert facts is not None  # what the attempt recorded when it started
    assert attempt["module_as_started"] == {
        "cpd_minutes": module.cpd_minutes,
        "learning_outcomes": list(module.learning_outcomes),
        "competencies": [{"code": code, "name": name} for code, name in facts["competencies"]],
        "clinical_reviewer": module.provenance.clinical_reviewer,
    }
    assert attempt["module_as_started"]["competencies"]  # the module names some
    # Named as the certificate its pass earned names them.
    certificate = data["certificates"][0]
    assert attempt["module_as_started"]["competencies"] == certificate["competencies"]
    assert attempt["module_as_started"]["cpd_minutes"] == certificate["cpd_minutes"]


def test_an_attempt_that_kept_no_record_of_its_module_says_null(app, client, certified, module):  # noqa: F811
    """An attempt started before the module was recorded with it (migration 0049)."""
    with app.app_context():
        db.session().execute(update(Attempt).values(module_facts=None))
        db.session().commit()
    attempt = the_attempt(exported(post_form(client, "/account/data", {})), module)
    assert attempt["module_as_started"] is None


def test_the_administrators_download_gives_it_too(app, certified, module, make_user):  # noqa: F811
    admin = app.test_client()
    sign_in(admin, make_user("ada@example.org", role="admin", full_name="Ada Admin"))
    with app.app_context():
        learner = db.session().scalar(select(Attempt.user_id).limit(1))
    page = f"/admin/people/{learner}"
    data = exported(post_form(admin, f"{page}/data", {}, page=page))
    assert data["account"]["email"] == EMAIL
    assert the_attempt(data, module)["module_as_started"]["cpd_minutes"] == module.cpd_minutes


def test_every_column_of_an_attempt_is_exported_or_deliberately_left_out(
    app,
    client,
    certified,  # noqa: F811
    module,  # noqa: F811
):
    with app.app_context():
        columns = {c["name"] for c in inspect(db.engine()).get_columns("attempt")}
    assert columns == set(ATTEMPT_EXPORTED_AS) | ATTEMPT_LEFT_OUT
    attempt = the_attempt(exported(post_form(client, "/account/data", {})), module)
    assert set(ATTEMPT_EXPORTED_AS.values()) <= set(attempt)


def test_the_download_page_says_the_module_is_kept_with_each_attempt(client, certified):  # noqa: F811
    page = " ".join(client.get("/account/data").text.split())
    assert (
        "with each end-of-module quiz attempt, what the module said when you started it (its "
        "CPD time, learning outcomes, competencies and clinical reviewer)" in page
    )
