"""Helpers that take a signed-in learner through a module the way the pages do."""

from urllib.parse import urlsplit

from sqlalchemy import select

from app import db
from app.models import Attempt, Certificate, User
from app.services import learning
from tests.conftest import post_form
from tests.web.quiz_helpers import attempt_form


def user_id(app, email: str) -> int:
    """Return the id of the account with this email."""
    with app.app_context():
        return db.session().scalar(select(User.id).where(User.email == email))


def pass_module(app, client, email: str, module) -> str:
    """Finish every screen, then pass the module's quiz through its pages; return the code."""
    with app.app_context():
        learner = db.session().scalar(select(User.id).where(User.email == email))
        for key in module.screen_item_keys:
            learning.record(learner, module.slug, key)
        db.session().commit()
    quiz = f"/modules/{module.slug}/quiz/"
    attempt_url = post_form(client, quiz, {}).location
    with app.app_context():
        attempt = db.session().get(Attempt, int(attempt_url.rstrip("/").rsplit("/", 1)[1]))
        data = attempt_form(module.assessment, attempt.selection, right=True)
    response = post_form(client, attempt_url, {**data, "action": "submit"})
    assert response.status_code == 302, response.status_code
    with app.app_context():
        return db.session().scalar(
            select(Certificate.code).where(
                Certificate.user_id == learner, Certificate.module_slug == module.slug
            )
        )


def path_of(link: str) -> str:
    """Return the path (and query) of an absolute link from an email."""
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")
