"""Revoking a credential as an administrator does: the reason on the credential page, the
confirmation page that shows what will be revoked, then its button."""

import lxml.html

from tests.conftest import post_form


def confirmation(client, code: str, reason: str, *, page: str | None = None):
    """Send the reason from the credential page; return the answer (the confirmation page)."""
    page = page or f"/admin/credentials/?code={code}"
    return post_form(
        client, f"/admin/credentials/{code}/revoke/confirm", {"reason": reason}, page=page
    )


def confirmed(client, shown):
    """Press the confirmation page's Revoke credential: post its form as it stands."""
    assert shown.status_code == 200, shown.text
    form = next(f for f in lxml.html.fromstring(shown.text).forms if f.action.endswith("/revoke"))
    return client.post(form.action, data=dict(form.form_values()))


def revoke(client, code: str, reason: str, *, page: str | None = None):
    """Revoke through the confirmation page; return the answer to its button."""
    return confirmed(client, confirmation(client, code, reason, page=page))
