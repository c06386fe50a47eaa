"""A copy of everything held about you, and erasure that leaves nothing that names you."""

import io
import json
import re
import zipfile
from datetime import datetime, timedelta

import pytest
from sqlalchemy import inspect, select, text

from app import db
from app.content import catalogue
from app.models import AuditEvent, Base, Certificate, User
from app.services import manage
from tests.conftest import DEMO_PASSWORD, post_form, sign_in
from tests.domain.test_certificates import pdf_text
from tests.web.journeys import pass_module, user_id
from tests.web.test_dashboard_counts import differences

NAME, EMAIL = "Sam Learner", "learner@example.org"


@pytest.fixture
def module(app):
    with app.app_context():
        return next(m for m in catalogue().modules if m.assessment)


@pytest.fixture
def certified(app, client, make_user, module):
    """A learner in Riverside PCN who passed a module and wrote a reflective account."""
    make_user(org="Riverside PCN")
    with app.app_context():
        db.session().execute(
            text("UPDATE user_account SET registration_number = 'NMC-99X1234' WHERE email = :e"),
            {"e": EMAIL},
        )
        db.session().commit()
    sign_in(client, EMAIL)
    code = pass_module(app, client, EMAIL, module)
    page = f"/modules/{module.slug}/certificate/"
    post_form(client, page, {"learned": "My colleague Jo Bloggs taught me to ask first."})
    return code


def test_download_holds_everything_as_json_and_the_certificates(app, client, certified, module):
    page = client.get("/account/data").text
    assert "Download your data" in page
    assert "your practice records" in page and "requests made to you" in page
    response = post_form(client, "/account/data", {})
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("linkwise-data.json"))
    assert data["account"]["email"] == EMAIL
    assert data["account"]["registration_number"] == "NMC-99X1234"
    assert data["account"]["organisation"] == "Riverside PCN"
    assert {c["item"] for c in data["completions"]} >= set(module.screen_item_keys)
    assert data["attempts"][0]["passed"] is True and data["attempts"][0]["answers"]
    assert data["certificates"][0]["code"] == certified
    # What the certificate certifies, as recorded when it was issued.
    assert data["certificates"][0]["holder_registration_number"] == "NMC-99X1234"
    assert data["certificates"][0]["module_title"] == module.title
    assert data["certificates"][0]["cpd_minutes"] == module.cpd_minutes
    assert data["certificates"][0]["clinical_reviewer"].startswith("Awaiting named")
    assert data["certificates"][0]["clinical_review"].startswith("Not yet reviewed by a named")
    assert "Jo Bloggs" in data["certificates"][0]["reflective_account"]["learned"]
    assert data["evidence"] and data["competency_levels"]
    assert "sign_in.success" in {e["event"] for e in data["security_log"]}
    assert "password_hash" not in json.dumps(data) and "session_token" not in json.dumps(data)
    pdf = archive.read(f"certificates/{module.slug}.pdf")
    assert pdf.startswith(b"%PDF")
    with app.app_context():
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.kind == "data.exported"))
    assert event.actor_id == event.subject_id == user_id(app, EMAIL)


TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _times(value, path="") -> list[tuple[str, str]]:
    """Return (where, text) of every time in exported JSON: a string that reads as one, or
    any value of a field named like one (..._at, ..._until)."""
    if isinstance(value, dict):
        return [found for key, v in value.items() for found in _field(f"{path}.{key}", key, v)]
    if isinstance(value, list):
        return [found for i, v in enumerate(value) for found in _times(v, f"{path}[{i}]")]
    return [(path, value)] if isinstance(value, str) and TIME.match(value) else []


def _field(path: str, key: str, value) -> list[tuple[str, str]]:
    if isinstance(value, str) and key.endswith(("_at", "_until")):
        return [(path, value)]
    return _times(value, path)


def test_every_time_in_the_export_is_utc_with_its_offset(app, client, certified):
    post_form(
        client,
        "/my/competencies/REF-1.1/self-assessment",
        {"confidence": "3", "stage": "after", "reflection": ""},
        page="/my/competencies/REF-1.1",
    )
    archive = zipfile.ZipFile(io.BytesIO(post_form(client, "/account/data", {}).data))
    times = _times(json.loads(archive.read("linkwise-data.json")))
    named = {where.rsplit(".", 1)[-1] for where, _ in times}
    assert {"exported_at", "started_at", "saved_at", "issued_at", "assessed_at"} <= named
    for where, found in times:
        assert found.endswith("+00:00"), f"{where}: {found} has no zone"
        assert datetime.fromisoformat(found).utcoffset() == timedelta(0), where


def test_the_export_prints_a_revoked_certificate_as_revoked(app, client, runner, certified, module):
    result = runner.invoke(args=["revoke-credential", certified, "--reason", "Sat by a colleague"])
    assert result.exit_code == 0, result.output
    archive = zipfile.ZipFile(io.BytesIO(post_form(client, "/account/data", {}).data))
    printed = pdf_text(archive.read(f"certificates/{module.slug}.pdf"))
    assert "Revoked on" in printed and "Valid until" not in printed


def _organisation_figures(app, org: int):
    with app.app_context():
        summary = manage.summary(org, catalogue())
        grid = manage.grid(org, catalogue())
        return (
            summary.learners,
            summary.completed,
            summary.levels,
            summary.completions_by_month,
            grid.total,
        )


def _every_stored_text(app) -> str:
    """Return every value in every table, as text: what a database dump would show."""
    with app.app_context():
        connection = db.session().connection()
        values = []
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                values.extend(str(value) for value in row)
        return "\n".join(values)


def test_erasing_leaves_nothing_that_names_the_learner(app, client, certified, module):
    learner = user_id(app, EMAIL)
    with app.app_context():
        org = db.session().scalar(select(User.organisation_id).where(User.id == learner))
    learners, completed, levels, by_month, on_grid = _organisation_figures(app, org)
    assert (learners, on_grid, completed[module.slug]) == (1, 1, 1) and levels
    stored = _every_stored_text(app)
    assert EMAIL in stored and NAME in stored and "Jo Bloggs" in stored

    refused = post_form(client, "/account/delete", {"current_password": "not my password"})
    assert refused.status_code == 400
    assert "Your current password is not correct" in refused.text
    response = post_form(client, "/account/delete", {"current_password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert "Your account has been deleted" in client.get(response.location).text

    stored = _every_stored_text(app)
    for personal in (EMAIL, NAME, "NMC-99X1234", "Jo Bloggs", "127.0.0.1"):
        assert personal not in stored, personal
    # An erased person is nobody's learner: the organisation's figures drop them, as when a
    # manager removes a leaver, and its kept counts equal a recount.
    learners, completed, levels, by_month, on_grid = _organisation_figures(app, org)
    assert (learners, on_grid, completed[module.slug], levels) == (0, 0, 0, {})
    assert differences(app) == 0
    with app.app_context():
        events = db.session().scalars(select(AuditEvent)).all()
        assert all(
            e.email is None and e.address is None
            for e in events
            if learner in (e.actor_id, e.subject_id)
        )
        erased = db.session().scalar(select(AuditEvent).where(AuditEvent.kind == "account.erased"))
        assert erased.subject_id == learner  # the pseudonym: a number that names nobody
    assert sign_in(app.test_client(), EMAIL).status_code == 401
    assert client.get("/account/").status_code == 302


def test_a_withdrawn_certificates_public_page_says_so(app, client, certified):
    post_form(client, "/account/delete", {"current_password": DEMO_PASSWORD})
    public = app.test_client().get(f"/certificates/{certified}")
    assert public.status_code == 410
    assert "Certificate withdrawn" in public.text
    assert NAME not in public.text


def test_erasure_is_one_transaction(app, client, certified, monkeypatch):
    """A failure half-way through erasing leaves the account exactly as it was."""
    from app.services import data_rights, erasure

    def fail(*_args, **_kwargs):
        raise RuntimeError("the database went away mid-erasure")

    monkeypatch.setattr(data_rights.audit, "record", fail)
    learner = user_id(app, EMAIL)
    with app.app_context(), pytest.raises(RuntimeError):
        erasure.erase(learner)
    with app.app_context():
        user = db.session().get(User, learner)
        assert (user.email, user.full_name, user.erased_at) == (EMAIL, NAME, None)
        assert db.session().scalar(select(Certificate.withdrawn_at)) is None


def test_admins_export_and_erase_from_the_command_line_and_both_are_audited(
    app, runner, certified, tmp_path
):
    target = tmp_path / "sam.zip"
    result = runner.invoke(args=["export-user", EMAIL, "-o", str(target)])
    assert result.exit_code == 0, result.output
    data = json.loads(zipfile.ZipFile(target).read("linkwise-data.json"))
    assert data["account"]["email"] == EMAIL
    refused = runner.invoke(args=["erase-user", EMAIL], input="n\n")
    assert refused.exit_code != 0 and user_id(app, EMAIL) is not None
    result = runner.invoke(args=["erase-user", EMAIL, "--yes"])
    assert result.exit_code == 0, result.output
    assert user_id(app, EMAIL) is None
    with app.app_context():
        events = {
            e.kind: e
            for e in db.session().scalars(
                select(AuditEvent).where(AuditEvent.kind.in_(["data.exported", "account.erased"]))
            )
        }
    assert events["data.exported"].via == events["account.erased"].via == "cli"
    assert "os_user" in events["account.erased"].detail
    unknown = runner.invoke(args=["erase-user", "nobody@example.org", "--yes"])
    assert unknown.exit_code != 0 and "no account for nobody@example.org" in unknown.output


def test_the_schema_has_no_column_the_export_forgets(app):
    """Every column of a table about a person is either exported or deliberately left out."""
    left_out = {
        "password_hash",
        "session_token",
        "erased_at",
        "id",
        "user_id",
        "attempt_id",
        "organisation_id",
        "token_hash",
    }
    exported = {
        "user_account": {
            "email",
            "full_name",
            "profession",
            "profession_since",
            "organisation_joined_at",
            "registration_number",
            "role",
            "professional_confirmed_at",
            "professional_confirmed_as",
            "created_at",
            "last_signed_in_at",
            "long_idle_limit",
        },
        "completion": {"module_slug", "item_key", "completed_at", "last_completed_at"},
        "certificate": {
            "code",
            "module_slug",
            "issued_at",
            "withdrawn_at",
            "reflective_account",
            # What it certifies, as recorded at issue.
            "holder_name",
            "holder_profession",
            "holder_registration_number",
            "module_title",
            "cpd_minutes",
            "learning_outcomes",
            "competencies",
            "clinical_reviewer",
        },
    }
    with app.app_context():
        inspector = inspect(db.engine())
        for table, columns in exported.items():
            names = {c["name"] for c in inspector.get_columns(table)}
            assert names - left_out == columns, table


def test_the_last_administrator_cannot_delete_their_own_account(app, client, make_user):
    """As on the People pages, the site is never left without an administrator; once
    another account is one, deleting goes ahead."""
    sign_in(client, make_user("boss@example.org", role="admin"))
    refused = post_form(client, "/account/delete", {"current_password": DEMO_PASSWORD})
    assert refused.status_code == 400
    assert "You are the last administrator" in refused.text
    assert "error-summary" in refused.text
    with app.app_context():
        boss = db.session().scalar(select(User).where(User.email == "boss@example.org"))
        assert boss is not None and boss.erased_at is None
    make_user("deputy@example.org", role="admin")
    deleted = post_form(client, "/account/delete", {"current_password": DEMO_PASSWORD})
    assert deleted.status_code == 302
    assert "Your account has been deleted" in client.get(deleted.location).text
