"""What the LRS is told about certificates: nothing that leads to the learner, and a
revocation as a voiding statement (xAPI 1.0.3), checked against Ralph's LRS."""

from __future__ import annotations

import json

from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import Certificate, User
from app.models_credentials import Credential
from tests.xapi.test_lrs_delivery import learner_client, outbox, send, walk_module


def _certificate(app):
    with app.app_context():
        session = db.session()
        certificate = session.scalars(select(Certificate)).one()
        credential = session.scalars(select(Credential)).one_or_none()
        user = session.get(User, certificate.user_id)
        return certificate, credential, user


def test_no_statement_leads_to_the_learner_by_the_certificate(lrs_app, lrs, make_user_for):
    client = learner_client(lrs_app, make_user_for)
    walk_module(lrs_app, client)
    certificate, credential, user = _certificate(lrs_app)
    report = send(lrs_app)
    assert report.sent and report.rejected == 0
    sent = {row.statement_id for row in outbox(lrs_app)}
    stored = [s for s in lrs.stored() if s["id"] in sent]
    assert len(stored) == len(sent)
    # Every string that a public page or the credential resolves to the person.
    leads = [certificate.code, "/certificates/", "/credentials/", user.email, user.full_name]
    if credential is not None:
        leads.append(credential.credential_id)
    for statement in stored:
        text = json.dumps(statement)
        for lead in leads:
            assert lead.lower() not in text.lower(), (lead, statement["verb"]["id"])
    module = "https://linkwise.test/modules/how-the-system-works/"
    completed = [
        s for s in stored if s["verb"]["id"].endswith("/completed") and s["object"]["id"] == module
    ]
    assert len(completed) == 1 and completed[0]["result"]["success"] is True
    # CPD time is not the time the experience took (result.duration): an extension says it.
    assert "duration" not in completed[0]["result"]
    with lrs_app.app_context():
        minutes = catalogue().module("how-the-system-works").cpd_minutes
    extensions = completed[0]["result"]["extensions"]
    assert extensions == {"https://linkwise.test/xapi/extensions/cpd-minutes": minutes}


def _voiding(stored, original_id):
    return [
        s
        for s in stored
        if s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided"
        and s["object"] == {"objectType": "StatementRef", "id": original_id}
    ]


def _certificate_statement(app):
    module = "https://linkwise.test/modules/how-the-system-works/"
    return next(
        row.statement_id
        for row in outbox(app)
        if row.statement["verb"]["id"].endswith("/completed")
        and row.statement["object"]["id"] == module
    )


def test_revoking_a_credential_voids_its_certificates_statement_in_the_lrs(
    lrs_app, lrs, make_user_for
):
    client = learner_client(lrs_app, make_user_for)
    walk_module(lrs_app, client)
    certificate, credential, _ = _certificate(lrs_app)
    assert credential is not None
    original = _certificate_statement(lrs_app)
    assert send(lrs_app).rejected == 0
    runner = lrs_app.test_cli_runner()
    result = runner.invoke(
        args=["revoke-credential", certificate.code, "--reason", "Issued in error"]
    )
    assert result.exit_code == 0, result.output
    rows = outbox(lrs_app)
    queued = [row for row in rows if row.sent_at is None]
    assert len(queued) == 1 and queued[0].statement["object"]["id"] == original
    report = send(lrs_app)
    assert (report.sent, report.rejected) == (1, 0)
    voiding = _voiding(lrs.stored(), original)
    assert len(voiding) == 1
    assert voiding[0]["actor"] == queued[0].statement["actor"]
    assert "context" not in voiding[0]  # no platform on a statement about a statement
    # A second revocation changes nothing, so it voids nothing again.
    runner.invoke(args=["revoke-credential", certificate.code, "--reason", "Again"])
    assert len(outbox(lrs_app)) == len(rows)


def test_erasure_voids_the_statements_of_the_certificates_it_withdraws(lrs_app, lrs, make_user_for):
    from app.services import erasure

    client = learner_client(lrs_app, make_user_for)
    walk_module(lrs_app, client)
    _, _, user = _certificate(lrs_app)
    original = _certificate_statement(lrs_app)
    send(lrs_app)
    with lrs_app.app_context():
        assert erasure.erase(user.id, via="cli")
    report = send(lrs_app)
    assert (report.sent, report.rejected) == (1, 0)
    assert len(_voiding(lrs.stored(), original)) == 1


def test_an_administrators_revocation_on_the_site_voids_the_statement_too(
    lrs_app, lrs, make_user_for
):
    from app.services import account_admin
    from tests.conftest import DEMO_PASSWORD, sign_in
    from tests.web.revoking import revoke

    client = learner_client(lrs_app, make_user_for)
    walk_module(lrs_app, client)
    certificate, _, _ = _certificate(lrs_app)
    original = _certificate_statement(lrs_app)
    send(lrs_app)
    with lrs_app.app_context():
        account_admin.create_user(
            email="ada-admin@example.org",
            full_name="Ada Admin",
            password=DEMO_PASSWORD,
            profession="practice-nurse",
            role="admin",
            organisation_name=None,
        )
    admin = lrs_app.test_client()
    sign_in(admin, "ada-admin@example.org")
    assert revoke(admin, certificate.code, "Sat by a colleague").status_code == 302
    report = send(lrs_app)
    assert (report.sent, report.rejected) == (1, 0)
    assert len(_voiding(lrs.stored(), original)) == 1
