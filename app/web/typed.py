"""What someone typed into a form the service could not save, shown back so they can copy it.

A form sent while the database is down or only reads answers the 503 page (web/errors.py),
and ten minutes of a reflective account or a supervisor's comments would go with it. The
page shows each free-text field that was typed, under the label the form showed, to copy.
Which fields are free text is known per form: a WTForms class says so itself (its text
and email fields); a form drawn in its template is listed here with its labels
(tests/web/test_typed_kept.py checks that every such form is). Passwords, tokens and
hidden fields are never shown, nor is a form another site sent (its CSRF token failed).
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import g, request
from flask_wtf import FlaskForm

from app.domain import reflection
from app.web.account_forms import (
    ChangeEmailForm,
    DetailsForm,
    ForgotPasswordForm,
    JoinOrganisationForm,
)
from app.web.forms import RegisterForm, SignInForm

# The WTForms fields someone types free text into; a password field is a StringField too.
TEXT_FIELDS = frozenset({"StringField", "EmailField", "TextAreaField", "SearchField"})
NEVER_SHOWN = re.compile(r"password|token|secret|csrf", re.IGNORECASE)
ATTEMPT_REASON = {"reason": "Why give this learner another attempt?"}
TEAM_NAME = {"name": "Team name"}
REVOKING_REASON = {"reason": "Why are you revoking this credential?"}

# Each form's free-text fields by the endpoint it is sent to: a WTForms class, or the
# fields' names with their labels as the template draws them.
FREE_TEXT: dict[str, type[FlaskForm] | dict[str, str]] = {
    "auth.register": RegisterForm,
    "auth.sign_in": SignInForm,
    "account.details": DetailsForm,
    "account.change_email": ChangeEmailForm,
    "account.organisation": JoinOrganisationForm,
    "recovery.forgot_password": ForgotPasswordForm,
    "certificates.certificate": {
        heading.key: f"{heading.title} (optional)" for heading in reflection.HEADINGS
    },
    "practice.self_assessment": {
        "reflection": "Reflection or an example from your practice (optional)"
    },
    "supervise.decide": {
        "comments": "Comments (optional)",
        "action_plan": "Action plan (needed if you return it)",
    },
    "manage.assign": {
        "emails": "Email addresses",
        "due-day": "Due by: day",
        "due-month": "Due by: month",
        "due-year": "Due by: year",
    },
    "manage.place_learner": {"email": "Learner's email address"},
    "manage.create_team": TEAM_NAME,
    "manage.rename_team": TEAM_NAME,
    "manage.extra_attempt": ATTEMPT_REASON,
    "author.extra_attempt": ATTEMPT_REASON,
    "my.team": {"join_code": "Team code"},
    "organisation_admin.create": {"name": "Organisation name"},
    "organisation_admin.confirm_manager": {"email": "Their email address"},
    "credential_admin.confirm_revoke": REVOKING_REASON,
    # Sent on from the confirmation page, hidden there, as typed on the credential's page.
    "credential_admin.revoke": REVOKING_REASON,
    "credentials.check": {"credential": "Credential"},
}
LONGEST_BOX = 12  # rows: a longer text scrolls in its box


@dataclass(frozen=True)
class Typed:
    """One field's text as it was typed, with the label the form showed it under."""

    name: str
    label: str
    text: str

    @property
    def rows(self) -> int:
        """Return how many rows show the text whole, up to LONGEST_BOX."""
        return min(LONGEST_BOX, max(3, len(self.text.splitlines()) + 1))


def labels(endpoint: str) -> dict[str, str]:
    """Return the free-text fields of the form sent to `endpoint`, by name, with labels."""
    form = FREE_TEXT.get(endpoint, {})
    if isinstance(form, dict):
        return form
    drawn = form(formdata=None, meta={"csrf": False})
    return {field.name: field.label.text for field in drawn if field.type in TEXT_FIELDS}


def typed_in_form() -> list[Typed]:
    """Return what this request's form had typed into its free-text fields, [] if nothing.

    Only a browser's form sent with a valid CSRF token counts: not JSON (the quiz keeps its
    own answers), not a file upload, not a form from another site.
    """
    if request.method != "POST" or request.mimetype != "application/x-www-form-urlencoded":
        return []
    if not g.get("csrf_valid"):
        return []
    sent = request.form
    return [
        Typed(name, label, sent[name])
        for name, label in labels(request.endpoint or "").items()
        if not NEVER_SHOWN.search(name) and sent.get(name, "").strip()
    ]


def form_page() -> str | None:
    """Return the path of the page the form was sent from, if it was one of this site's."""
    came_from = urlsplit(request.referrer or "")
    if came_from.netloc != request.host or not came_from.path.startswith("/"):
        return None
    return came_from.path + (f"?{came_from.query}" if came_from.query else "")
