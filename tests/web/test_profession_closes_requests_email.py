"""A change of profession that closes a waiting request emails the supervisor it waited for,
once the change commits, once: which learner, which competency, why it closed, and that
nothing is needed from them. Nobody is emailed about a request that stays open, nor a
supervisor who could no longer have decided it."""

from sqlalchemy import update

from app import db
from app.content import catalogue
from app.models import User, utcnow
from tests.web.quiz_helpers import browser_form
from tests.web.test_practice import name_supervisor, user_id
from tests.web.test_practice_record import ask
from tests.web.test_profession_closes_requests import (  # noqa: F401 (gp_asked: the fixture)
    GP,
    REF,
    change_profession,
    closure,
    gp_asked,
)
from tests.web.test_quiz_concurrency import at_once, tab

SUE = "sue@example.org"
SUBJECT = "Gita Patel changed profession: their request to you was closed"


def notices(mailbox) -> list:
    return [m for m in mailbox.messages() if m["Subject"] == SUBJECT]


def test_the_supervisor_is_emailed_once_in_plain_words(app, asked, mailbox):  # noqa: F811
    gita, _, request_id = asked
    mailbox.clear()  # the email asking Sue
    form = browser_form(gita.get("/account/details").text, "details-form")
    form["profession"] = "link-worker"
    assert gita.post("/account/details", data=form).status_code == 302
    assert closure(app, request_id) == "profession_changed"

    [notice] = notices(mailbox)
    assert notice["To"] == SUE
    with app.app_context():
        name = catalogue().competency(REF).name
    body = " ".join(notice.get_content().split())
    assert body.startswith("Hello Sue Supervisor,")
    assert (
        f"Gita Patel asked you to confirm their practice in {REF} {name}. They have since "
        "changed profession, and that competency is not in the framework for their new "
        "profession, so the request was closed without a decision." in body
    )
    assert "There is nothing for you to do: it is no longer in your list of requests." in body
    assert "http://localhost/supervise/" in body
    assert len(mailbox.messages()) == 1  # the learner is not emailed about their own change

    # The same form sent again (a double click, the back button) changes nothing, sends nothing.
    assert gita.post("/account/details", data=form).status_code == 302
    assert len(mailbox.messages()) == 1


def test_two_saves_at_once_send_one_email(app, asked, mailbox):  # noqa: F811
    gita, _, _ = asked
    mailbox.clear()
    form = browser_form(gita.get("/account/details").text, "details-form")
    form["profession"] = "link-worker"
    tabs = [tab(app, gita), tab(app, gita)]
    sent = at_once([lambda one=one: one.post("/account/details", data=form) for one in tabs])
    assert [response.status_code for response in sent] == [302, 302]
    assert [m["To"] for m in mailbox.messages()] == [SUE]


def test_each_supervisor_hears_of_their_own_request(app, asked, make_user, mailbox):  # noqa: F811
    gita, _, _ = asked
    make_user(email="sam@example.org", org="Riverside PCN", full_name="Sam Second")
    name_supervisor(app, "sam@example.org")
    assert ask(gita, app, supervisor="sam@example.org", code="REF-2.1").status_code == 302
    mailbox.clear()
    change_profession(gita, "link-worker")
    assert sorted(m["To"] for m in notices(mailbox)) == ["sam@example.org", SUE]
    assert f"practice in {REF} " in " ".join(mailbox.body(SUE).split())
    assert "practice in REF-2.1 " in " ".join(mailbox.body("sam@example.org").split())


def test_a_request_that_stays_open_sends_nothing(app, asked, mailbox):  # noqa: F811
    gita, _, request_id = asked
    mailbox.clear()
    change_profession(gita, "practice-nurse")  # the same framework as a GP's
    assert closure(app, request_id) is None
    assert mailbox.messages() == []


def test_a_supervisor_who_could_no_longer_decide_gets_no_email(app, asked, mailbox):  # noqa: F811
    """Should a request to an erased supervisor not have been closed (the erasure writes its
    closing), the change still closes it and emails nobody: the address is a placeholder."""
    gita, _, request_id = asked
    sue = user_id(app, SUE)
    with app.app_context():
        session = db.session()
        session.execute(
            update(User)
            .where(User.id == sue)
            .values(erased_at=utcnow(), email=f"erased-{sue}@erased.invalid")
        )
        session.commit()
    mailbox.clear()
    change_profession(gita, "link-worker")
    assert closure(app, request_id) == "profession_changed"
    assert mailbox.messages() == []


def test_a_refused_email_leaves_the_change_made(app, asked, mailbox):  # noqa: F811
    gita, _, request_id = asked
    mailbox.clear()
    mailbox.refuse(SUE)
    change_profession(gita, "link-worker")
    assert closure(app, request_id) == "profession_changed"
    with app.app_context():
        assert db.session().get(User, user_id(app, GP)).profession == "link-worker"
    assert mailbox.messages() == []
