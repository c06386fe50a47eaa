"""A knowledge check answered twice at the same moment: each tab is shown what was recorded."""

import threading

import pytest
from sqlalchemy import select

from app import db
from app.models import Attempt
from app.services import quiz_versions, quizzes
from tests.conftest import csrf_token
from tests.web.quiz_helpers import answer_fields
from tests.web.test_knowledge_checks import PART, checked
from tests.web.test_learn import reach, screen_url
from tests.web.test_quiz_concurrency import at_once, tab

NOTE = "An answer to this check had already been recorded from another tab or window"


@pytest.fixture
def same_number(app, monkeypatch):
    """Return a function that makes the next two answers to a check find the same number.

    Both look for the next number before either stores its answer. Without this the race
    is real but not certain: one request may store its answer before the other looks.
    """

    def arm(quiz):
        # As once anyone has answered the check: its question versions are stored, so
        # neither request writes (and waits for the other's lock) before it looks.
        with app.app_context():
            quiz_versions.store(db.session(), quiz.versions.values())
            db.session().commit()
        meet = threading.Barrier(2, timeout=10)
        real = quizzes._next_number

        def next_number(user_id, quiz_id):
            number = real(user_id, quiz_id)
            meet.wait()
            return number

        monkeypatch.setattr(quizzes, "_next_number", next_number)

    return arm


def stored(app):
    with app.app_context():
        return db.session().scalars(select(Attempt)).all()


def send_both(app, client, module, screen, headers):
    """Send a wrong and a right answer from two tabs at once; return (response, was_right)."""
    question = screen.knowledge_check.questions[0]
    url = screen_url(module, screen) + "check"
    token = csrf_token(client, screen_url(module, screen))
    tabs = [tab(app, client), tab(app, client)]
    sends = [
        lambda t=tabs[n], right=right: t.post(
            url,
            data={**answer_fields(question, right=right), "csrf_token": token},
            headers=headers,
        )
        for n, right in enumerate((False, True))
    ]
    return tabs, at_once(sends)


def test_the_answer_that_lost_the_race_is_shown_the_one_recorded(app, signed_in, same_number):
    module, screen = checked(app)
    reach(signed_in, module, screen)
    same_number(screen.knowledge_check)
    _, responses = send_both(app, signed_in, module, screen, PART)
    (attempt,) = stored(app)  # one answer recorded
    assert [r.status_code for r in responses] == [200, 200]
    result = "<strong>Correct</strong>" if attempt.percent == 100 else "Not correct"
    other = "Not correct" if attempt.percent == 100 else "<strong>Correct</strong>"
    for response in responses:
        assert result in response.text and other not in response.text
    noted = [response for response in responses if NOTE in response.text]
    assert len(noted) == 1
    assert "Your answer is saved." not in noted[0].text


def test_without_javascript_the_losing_tab_lands_on_the_recorded_answer_with_the_note(
    app, signed_in, same_number
):
    module, screen = checked(app)
    reach(signed_in, module, screen)
    same_number(screen.knowledge_check)
    tabs, responses = send_both(app, signed_in, module, screen, {})
    (attempt,) = stored(app)
    assert [r.status_code for r in responses] == [302, 302]
    assert {r.location for r in responses} == {
        f"{screen_url(module, screen)}?check={attempt.id}#knowledge-check"
    }
    pages = [t.get(r.location).text for t, r in zip(tabs, responses, strict=True)]
    assert sum(NOTE in page for page in pages) == 1
    result = "<strong>Correct</strong>" if attempt.percent == 100 else "Not correct"
    assert all(result in page for page in pages)
    # The note is said once: the page shown again later is the plain feedback.
    assert all(NOTE not in t.get(r.location).text for t, r in zip(tabs, responses, strict=True))
