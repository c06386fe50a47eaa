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


def done_before(app, learner: int, module, screen) -> None:
    """Record every screen before this one as done, as going through them would."""
    with app.app_context():
        for earlier in module.screens[: module.screens.index(screen)]:
            for key in earlier.item_keys:
                learning.record(learner, module.slug, key)
        db.session().commit()


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
    return latest_code(app, learner, module.slug)


def latest_code(app, learner: int, module_slug: str) -> str | None:
    """Return the code of the learner's latest certificate for the module."""
    with app.app_context():
        return db.session().scalar(
            select(Certificate.code)
            .where(Certificate.user_id == learner, Certificate.module_slug == module_slug)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
            .limit(1)
        )


def renewal_attempt(app, learner: int, module_slug: str) -> str:
    """Open another attempt at the module's quiz after a pass, as a renewal would; return its URL.

    The quiz's opening rules (whether and when a passed quiz opens again) are not these
    tests' subject: the attempt is added as starting one adds it, with the last attempt's
    questions in their order.
    """
    with app.app_context():
        session = db.session()
        last = session.scalar(
            select(Attempt)
            .where(Attempt.user_id == learner, Attempt.module_slug == module_slug)
            .order_by(Attempt.number.desc())
            .limit(1)
        )
        again = Attempt(
            user_id=learner,
            quiz_id=last.quiz_id,
            module_slug=module_slug,
            number=last.number + 1,
            selection=last.selection,
            quiz_settings=last.quiz_settings,
        )
        session.add(again)
        session.commit()
        return f"/modules/{module_slug}/quiz/attempts/{again.id}/"


def renew(app, client, learner: int, module) -> str:
    """Pass the module's quiz again through its submit page; return the latest code."""
    attempt_url = renewal_attempt(app, learner, module.slug)
    with app.app_context():
        attempt = db.session().get(Attempt, int(attempt_url.rstrip("/").rsplit("/", 1)[1]))
        data = attempt_form(module.assessment, attempt.selection, right=True)
    response = post_form(client, attempt_url, {**data, "action": "submit"})
    assert response.status_code == 302, response.status_code
    return latest_code(app, learner, module.slug)


def path_of(link: str) -> str:
    """Return the path (and query) of an absolute link from an email."""
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")
