"""Read what an attempt form sent: which button, the revision it showed, its fields.

The question types read their own fields (app/domain/quizzes); this only reads the parts
every attempt form shares.
"""

from flask import Request
from werkzeug.datastructures import MultiDict

from app.domain.numbers import whole_number
from app.services.submissions import AttemptForm


def attempt_form(form: MultiDict, *, autosave: bool) -> AttemptForm:
    """Return the form's action ("autosave", "submit" or "save"), revision and fields."""
    action = "submit" if form.get("action") == "submit" else "save"
    return AttemptForm(
        action="autosave" if autosave else action,
        revision=parse_revision(form.get("revision")),
        confirmed=form.get("confirmed") == "yes",
        fields=form,
    )


def autosaves(current: Request) -> bool:
    """Say whether a POST of an attempt form is the page's autosave (it asks for JSON)."""
    return current.accept_mimetypes.best == "application/json"


def submits(current: Request) -> bool:
    """Say whether a POST of an attempt form is its final submit: Submit, not an autosave."""
    return current.form.get("action") == "submit" and not autosaves(current)


def parse_revision(text: str | None) -> int:
    """Return the revision a form sent; a missing or garbled one counts as the oldest."""
    return whole_number(text) or 0
