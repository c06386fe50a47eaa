"""The administrators' credential page names the holder as the certificate recorded them,
and says when their account was erased (only if it was), before and after a revocation; of two
revocations (two tabs, or at once) the first stands and the second is told whose it was."""

import re

from sqlalchemy import delete, func, select

from app import db
from app.models import AuditEvent
from app.models_credentials import Credential
from app.services import erasure
from tests.conftest import csrf_token, sign_in
from tests.web.revoking import confirmation, confirmed, revoke
from tests.web.test_credentials import earned, module  # noqa: F401 (fixtures)
from tests.web.test_html_valid import nu_errors
from tests.web.test_quiz_concurrency import at_once, tab


def admin_client(app, make_user):
    """Return a client signed in as an administrator, Ada Admin."""
    admin = app.test_client()
    sign_in(admin, make_user("admin@example.org", role="admin", full_name="Ada Admin"))
    return admin


def _holder(page: str) -> str:
    found = re.search(r"Holder</dt><dd[^>]*>([^<]*)</dd>", page)
    return found.group(1).strip() if found else ""


def _account(page: str) -> str:
    found = re.search(r"Holder’s account</dt><dd[^>]*>([^<]*)</dd>", page)
    return found.group(1).strip() if found else ""


def _revoked_on(page: str) -> str:
    found = re.search(r"Revoked</dt><dd[^>]*>([^<]*)</dd>", page)
    return found.group(1).strip() if found else ""


def _revoked(app) -> tuple[str | None, int]:
    with app.app_context():
        session = db.session()
        reason = session.scalar(select(Credential.revoked_reason))
        events = session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.kind == "credential.revoked")
        )
    return reason, events


def test_a_certificate_without_a_credential_yet_is_not_said_to_be_missing(
    app,
    earned,  # noqa: F811
    make_user,
):
    # Earned before credentials existed (or loaded by seed-demo): the certificate is there,
    # its credential comes from `linkwise issue-credentials`.
    _, code, _ = earned
    with app.app_context():
        db.session().execute(delete(Credential))
        db.session().commit()
    admin = admin_client(app, make_user)
    found = admin.get(f"/admin/credentials/?code={code}")
    page = found.text
    assert f"No certificate has the code {code}" not in page
    assert f"Certificate {code} has no credential yet. Run linkwise issue-credentials" in page
    missing = admin.get("/admin/credentials/?code=LW-AAAA-BBBB-CCCC-DDDD")
    assert "No certificate has the code LW-AAAA-BBBB-CCCC-DDDD" in missing.text
    # Each an error in the form, answered 400 as a reason left out is.
    assert (found.status_code, missing.status_code) == (400, 400)
    assert admin.get("/admin/credentials/").status_code == 200


def test_the_holder_is_named_as_recorded_before_and_after_revoking(
    app,
    earned,  # noqa: F811
    make_user,
    database_url,
    tmp_path,
):
    _, code, _ = earned
    admin = admin_client(app, make_user)
    page = f"/admin/credentials/?code={code}"
    before = admin.get(page).text
    assert _holder(before) == "Sam Learner"
    assert revoke(admin, code, "Sat by a colleague", page=page).status_code == 302
    after = admin.get(page).text
    assert _holder(after) == "Sam Learner"  # not "Erased account": the holder is not erased
    # An account that is not erased needs no row: "Not erased" was noise.
    assert "Holder’s account" not in before and "Holder’s account" not in after
    assert "Not erased" not in after
    # The day in words, as everywhere else, then the UK time: "7 December 2026 at 2:05pm GMT".
    assert re.fullmatch(
        r"[1-9]\d? [A-Z][a-z]+ 20\d\d at (midday|midnight|1?\d(:\d\d)?[ap]m) (GMT|BST), "
        r"by Ada Admin",
        _revoked_on(after),
    )
    assert "Sat by a colleague" in after
    if database_url.startswith("sqlite"):
        assert nu_errors({"before": before, "after": after}, tmp_path) == []


def test_an_erased_holder_is_shown_as_erased(app, earned, make_user):  # noqa: F811
    _, code, _ = earned
    admin = admin_client(app, make_user)
    with app.app_context():
        from app.models import Certificate

        holder = db.session().scalar(select(Certificate.user_id))
        erasure.erase(holder)
    page = admin.get(f"/admin/credentials/?code={code}").text
    assert _holder(page) == "Erased account"
    assert re.fullmatch(r"Erased on [1-9]\d? [A-Z][a-z]+ 20\d\d", _account(page))
    assert "when the holder deleted their account" in page


def test_a_revocation_from_a_second_tab_is_told_the_first_stood(
    app,
    earned,  # noqa: F811
    make_user,
    database_url,
    tmp_path,
):
    _, code, _ = earned
    admin = admin_client(app, make_user)
    make_user("bo@example.org", role="admin", full_name="Bo Other")
    other = app.test_client()
    sign_in(other, "bo@example.org")
    page = f"/admin/credentials/?code={code}"
    token_b = csrf_token(other, page)
    # Both tabs at the confirmation page, each with its reason; the first is pressed first.
    shown_a, shown_b = (
        confirmation(c, code, r) for c, r in ((admin, "Reason A"), (other, "Reason B"))
    )
    first = confirmed(admin, shown_a)
    assert first.status_code == 302
    second = confirmed(other, shown_b)
    assert second.status_code == 302
    shown = other.get(second.location).text
    assert "This credential was already revoked on" in shown
    assert "by Ada Admin" in shown and "“Reason A”" in shown
    assert "Your reason was not recorded." in shown
    assert "Reason B" not in shown.split("Your reason was not recorded.", 1)[1]
    assert _revoked(app) == ("Reason A", 1)
    if database_url.startswith("sqlite"):
        assert nu_errors({"already": shown}, tmp_path) == []
    # A second tab whose reason was left empty is told the same, not asked for a reason;
    # so is one that sends its reason on to the confirmation page after the revocation.
    for step in ("/revoke/confirm", "/revoke"):
        url = f"/admin/credentials/{code}{step}"
        empty = other.post(url, data={"csrf_token": token_b, "reason": ""})
        assert empty.status_code == 302, step
        assert "This credential was already revoked on" in other.get(empty.location).text
    late = confirmation(other, code, "Reason C")
    assert late.status_code == 302
    assert "This credential was already revoked on" in other.get(late.location).text
    assert _revoked(app) == ("Reason A", 1)


def test_two_revocations_at_once_record_one_reason_and_tell_the_other(
    app,
    earned,  # noqa: F811
    make_user,
):
    _, code, _ = earned
    admin = admin_client(app, make_user)
    page = f"/admin/credentials/?code={code}"
    tabs = [tab(app, admin) for _ in range(3)]
    # Each tab at the confirmation page with its reason; the three buttons pressed at once.
    shown = [confirmation(t, code, f"Reason {n}", page=page) for n, t in enumerate(tabs)]
    answers = at_once([lambda t=t, s=s: confirmed(t, s) for t, s in zip(tabs, shown, strict=True)])
    assert [a.status_code for a in answers] == [302] * 3
    reason, events = _revoked(app)
    assert events == 1 and reason in {"Reason 0", "Reason 1", "Reason 2"}
    told = [t.get(page).text for t in tabs]
    assert sum("This credential was already revoked on" in text for text in told) == 2
    with app.app_context():
        audited = db.session().scalar(
            select(AuditEvent.detail).where(AuditEvent.kind == "credential.revoked")
        )
    assert audited["reason"] == reason


def test_revoking_asks_first_with_the_holder_module_code_and_reason(
    app,
    earned,  # noqa: F811
    make_user,
    database_url,
    tmp_path,
):
    """Revoking cannot be undone: the reason leads to a page that says what will be revoked
    and why, and only its button revokes."""
    _, code, _ = earned
    admin = admin_client(app, make_user)
    page = f"/admin/credentials/?code={code}"
    asked = admin.get(page).text
    assert f'action="/admin/credentials/{code}/revoke/confirm"' in asked
    blank = confirmation(admin, code, "  ")
    assert blank.status_code == 400 and 'href="#reason"' in blank.text
    shown = confirmation(admin, code, "Sat by a colleague")
    assert shown.status_code == 200
    assert "<h1>Revoke this credential?</h1>" in shown.text
    assert _holder(shown.text) == "Sam Learner"
    assert "Sat by a colleague" in shown.text and f"<code>{code}</code>" in shown.text
    with app.app_context():
        from app.models import Certificate

        title = db.session().scalar(select(Certificate.module_title))
    assert f'<dd class="nhsuk-summary-list__value">{title}</dd>' in shown.text
    assert "it cannot be undone" in shown.text
    assert f'href="/admin/credentials/?code={code}">Cancel' in shown.text
    assert _revoked(app) == (None, 0)  # nothing yet
    if database_url.startswith("sqlite"):
        assert nu_errors({"confirm": shown.text}, tmp_path) == []
    assert confirmed(admin, shown).status_code == 302
    assert _revoked(app) == ("Sat by a colleague", 1)
