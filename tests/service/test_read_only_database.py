"""A database that only reads (a failover, a maintenance window): people still sign in and read.

A learner signs in for the certificate an appraisal asks for, a manager reads the dashboard
and downloads the export; what they change answers the 503 page and is written by nobody.
The bookkeeping left unwritten (the sign-in time, the audit events of those reads) goes to
the log instead. Each test makes its own throwaway database read-only, never another.
"""

import io
import json
import logging
import zipfile

import pytest
from sqlalchemy import func, select

from app import create_app, db
from app.content import catalogue
from app.models import AuditEvent, User
from app.rate_limits import limiter
from app.services import account_admin
from app.web.errors import CSV_CUT_SHORT
from tests.conftest import DEMO_PASSWORD, post_form, sign_in
from tests.domain.test_certificates import pdf_text
from tests.mailbox import free_port
from tests.service.postgres import (
    set_read_only,
    throwaway_database,
)
from tests.service.served import answer
from tests.web.journeys import pass_module, user_id

LEARNER, MANAGER = "nurse@example.org", "lead@example.org"


@pytest.fixture
def world(request, server, smtp_server):
    """An app on a database of its own: a learner who has passed a module, and a manager.

    Its rate limits count in memory, or (param "redis down") in a Redis that nothing
    answers at: each process then counts in its own memory, and nothing else may fail.
    """
    rate_limits = {}
    if getattr(request, "param", None) == "redis down":
        rate_limits = {
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0",
            "RATELIMIT_TIMEOUT": 0.5,
        }
    with throwaway_database(server) as url:
        app = create_app(
            {
                "LINKWISE_ENV": "test",
                "DATABASE_URL": url.render_as_string(hide_password=False),
                "SMTP_URL": smtp_server.url,
                **rate_limits,
            }
        )
        with app.app_context():
            account_admin.create_organisation("Riverside PCN")
            for email, role, name in (
                (LEARNER, "learner", "Ali Nurse"),
                (MANAGER, "manager", "Kim Lead"),
            ):
                account_admin.create_user(
                    email=email,
                    full_name=name,
                    password=DEMO_PASSWORD,
                    profession="practice-nurse",
                    role=role,
                    organisation_name="Riverside PCN",
                )
            module = next(m for m in catalogue().modules if m.assessment)
        learner = app.test_client()
        sign_in(learner, LEARNER)
        code = pass_module(app, learner, LEARNER, module)
        try:
            yield app, module, code
        finally:
            set_read_only(app, False)
            app.extensions["linkwise.engine"].dispose()
            if not rate_limits:  # a Redis that is down has nothing to reset
                limiter.reset()


def written(app, email: str) -> tuple:
    """Return what signing in and reading write: the account's sign-in time, the events."""
    with app.app_context():
        session = db.session()
        stamp = session.scalar(select(User.last_signed_in_at).where(User.email == email))
        events = session.scalar(select(func.count(AuditEvent.id)))
        return stamp, events


def not_recorded(caplog) -> list[str]:
    """Return the log's lines for events the read-only database did not record."""
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    return [r.getMessage() for r in caplog.records if "not recorded" in r.getMessage()]


@pytest.mark.parametrize("world", ["rate limits in memory", "redis down"], indirect=True)
def test_a_learner_signs_in_and_downloads_their_certificate_while_the_database_only_reads(
    world, caplog
):
    app, module, code = world
    before = written(app, LEARNER)
    client, anyone = app.test_client(), app.test_client()
    certificate = f"/modules/{module.slug}/certificate/"
    set_read_only(app, True)
    try:
        with caplog.at_level(logging.WARNING):
            signed_in = answer(lambda: sign_in(client, LEARNER))
            assert signed_in.status_code == 302, signed_in.status_code
            pages = {
                url: answer(lambda url=url: client.get(url))
                for url in ("/my/record", "/my/competencies", certificate)
            }
            pdf = answer(lambda: client.get(f"/modules/{module.slug}/certificate.pdf"))
            jwt = answer(lambda: client.get(f"/modules/{module.slug}/credential.jwt"))
            verified = answer(lambda: anyone.get(f"/certificates/{code}"))
            wrong = answer(lambda: sign_in(anyone, LEARNER, "not the password at all"))
            typed = {"reflection": "I will ask what matters to the person first."}
            saved = answer(lambda: post_form(client, certificate, typed))
            data = answer(lambda: post_form(client, "/account/data", {}))
    finally:
        set_read_only(app, False)
    for url, response in pages.items():
        assert response.status_code == 200, url
        assert "Ali Nurse" in response.text, url
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "Ali Nurse" in pdf_text(pdf.data) and module.title in pdf_text(pdf.data)
    assert jwt.status_code == 200 and jwt.mimetype == "application/vc+jwt"
    assert verified.status_code == 200 and "Ali Nurse" in verified.text
    assert wrong.status_code == 401
    assert "Enter a correct email address and password" in wrong.text
    # The certificate page comes back as sent, saying nothing was saved (test_typed_kept_outage).
    assert saved.status_code == 503 and "<title>Not saved: " in saved.text
    assert saved.headers["Retry-After"] == "30"
    # Everything held about them downloads as on any day, their certificate's PDF included.
    assert data.status_code == 200 and data.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(data.data)) as archive:
        held = json.loads(archive.read("linkwise-data.json"))
        pdfs = [name for name in archive.namelist() if name.endswith(".pdf")]
    assert held["account"]["full_name"] == "Ali Nurse" and len(pdfs) == 1
    assert written(app, LEARNER) == before  # nothing was written, the reflection neither
    learner = user_id(app, LEARNER)
    assert not_recorded(caplog) == [
        f"database read-only: not recorded: sign_in.success actor={learner} address=127.0.0.1",
        "database read-only: not recorded: sign_in.failure "
        f"subject={learner} address=127.0.0.1 reason=password",
        "database read-only: not recorded: data.exported "
        f"actor={learner} subject={learner} via=web address=127.0.0.1",
    ]
    # Once the database writes again, signing in is stamped as before.
    assert sign_in(app.test_client(), LEARNER).status_code == 302
    stamp, events = written(app, LEARNER)
    assert stamp > before[0] and events == before[1] + 1


def test_a_manager_reads_the_dashboard_and_exports_while_the_database_only_reads(world, caplog):
    app, module, code = world
    manager = app.test_client()
    sign_in(manager, MANAGER)  # before the window: the pages must not write either
    learner = user_id(app, LEARNER)
    before = written(app, MANAGER)
    set_read_only(app, True)
    try:
        with caplog.at_level(logging.WARNING):
            pages = {
                url: answer(lambda url=url: manager.get(url))
                for url in (
                    "/manage/",
                    f"/manage/learners/{learner}",
                    f"/manage/learners/{learner}/remove",  # its confirmation, not the removal
                    "/manage/compliance",
                )
            }
            export = manager.get("/manage/export.csv")
            exported = export.get_data()  # read to its end, in the thread that began it
            compliance = answer(lambda: manager.get("/manage/compliance.csv"))
            assigned = answer(
                lambda: post_form(
                    manager,
                    "/manage/assignments",
                    {
                        "modules": module.slug,
                        "who": "team",
                        "team": "everyone",
                        **{"due-day": "14", "due-month": "1", "due-year": "2031"},
                        "confirmed": "yes",
                    },
                )
            )
    finally:
        set_read_only(app, False)
    for url, response in pages.items():
        assert response.status_code == 200, url
        assert "Ali Nurse" in response.text or url == "/manage/compliance", url
    assert export.status_code == 200 and exported.startswith(b"Learner,Email,")
    assert b"Ali Nurse" in exported and not exported.endswith(CSV_CUT_SHORT)
    assert compliance.status_code == 200 and b"Ali Nurse" in compliance.data
    assert assigned.status_code == 503
    assert "Sorry, the service is unavailable" in assigned.text
    assert written(app, MANAGER) == before
    manager_id = user_id(app, MANAGER)
    assert not_recorded(caplog) == [
        f"database read-only: not recorded: learner.viewed actor={manager_id} subject={learner}",
        f"database read-only: not recorded: learner.viewed actor={manager_id} subject={learner}",
        f"database read-only: not recorded: export.competencies actor={manager_id} organisation=1",
        f"database read-only: not recorded: export.compliance actor={manager_id} format=csv",
    ]


def test_signing_out_while_the_database_only_reads_signs_this_browser_out(world, caplog):
    app, module, code = world
    client, other = app.test_client(), app.test_client()
    for browser in (client, other):
        sign_in(browser, LEARNER)
    set_read_only(app, True)
    try:
        with caplog.at_level(logging.WARNING):
            signed_out = answer(lambda: post_form(client, "/sign-out", {}, page="/account/"))
            assert signed_out.status_code == 302, signed_out.status_code
            home = client.get(signed_out.location)
            record = client.get("/my/record")
    finally:
        set_read_only(app, False)
    assert "You have signed out of this browser" in home.text
    assert "could not be signed out of your other browsers" in home.text
    assert record.status_code == 302 and "/sign-in" in record.location
    assert other.get("/my/record").status_code == 200  # its session could not be ended
    learner = user_id(app, LEARNER)
    assert not_recorded(caplog) == [f"database read-only: not recorded: sign_out actor={learner}"]
