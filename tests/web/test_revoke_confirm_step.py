"""Revoking a credential goes through its confirmation page: the page's "Change the reason"
takes the administrator back to the reason as typed (kept out of the address), and only the
page's own form revokes; a revocation posted without it is shown the page and revokes nothing."""

import lxml.html

from tests.conftest import csrf_token
from tests.web.revoking import confirmation, confirmed
from tests.web.test_credential_admin_page import _revoked, admin_client
from tests.web.test_credentials import earned, module  # noqa: F401 (fixtures)

REASON = "Sat by a colleague,\nwho used the learner's account"


def _change_the_reason(page: str) -> tuple[str, dict]:
    """Return where the confirmation page's Change the reason button posts, and what."""
    (button,) = lxml.html.fromstring(page).xpath("//button[normalize-space()='Change the reason']")
    form = button.getparent()
    while form.tag != "form":
        form = form.getparent()
    assert form.method == "POST"
    return button.get("formaction"), dict(form.form_values())


def test_change_the_reason_returns_to_the_form_with_the_reason_typed(
    app,
    earned,  # noqa: F811
    make_user,
):
    _, code, _ = earned
    admin = admin_client(app, make_user)
    shown = confirmation(admin, code, REASON)
    assert shown.status_code == 200
    # No link back that would drop the reason: the way back is a form that sends it.
    assert "nhsuk-back-link" not in shown.text
    action, sent = _change_the_reason(shown.text)
    assert action == f"/admin/credentials/{code}/revoke/change"  # the reason is in the post
    answer = admin.post(action, data=sent)
    assert answer.status_code == 200
    assert "Why are you revoking this credential?" in answer.text
    (textarea,) = lxml.html.fromstring(answer.text).xpath("//textarea[@name='reason']")
    assert textarea.text_content().strip("\n") == REASON
    assert _revoked(app) == (None, 0)  # nothing revoked by going back
    # The reason, changed, goes on to the confirmation page and revokes as usual.
    again = confirmation(admin, code, REASON + " (seen on the login record)")
    assert confirmed(admin, again).status_code == 302
    assert _revoked(app) == (REASON + " (seen on the login record)", 1)


def test_a_revocation_posted_without_the_confirmation_page_revokes_nothing(
    app,
    earned,  # noqa: F811
    make_user,
):
    _, code, _ = earned
    admin = admin_client(app, make_user)
    token = csrf_token(admin, f"/admin/credentials/?code={code}")
    url = f"/admin/credentials/{code}/revoke"
    for sent in ({}, {"confirmed": "no"}):
        hand_made = admin.post(url, data={"csrf_token": token, "reason": "Made by hand", **sent})
        # Shown the confirmation page instead, with the reason: nothing revoked.
        assert hand_made.status_code == 200
        assert "<h1>Revoke this credential?</h1>" in hand_made.text
        assert "Made by hand" in hand_made.text
        assert _revoked(app) == (None, 0)
    # Only the page's own button revokes.
    assert confirmed(admin, hand_made).status_code == 302
    assert _revoked(app) == ("Made by hand", 1)
