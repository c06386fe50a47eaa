"""The same assignment sent many times at once is stored and audited once; the requests that
found it made say it was already assigned, and a message said twice is shown once."""

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.models import AuditEvent
from app.models_assignments import Assignment
from tests.conftest import csrf_token, post_form, sign_in
from tests.web.meetings import meeting_before_writing
from tests.web.test_quiz_concurrency import at_once, tab

URL = "/manage/assignments"
SENDS = 10
DUE = date.today() + timedelta(days=30)
ADDED = "2 assignments added."
ALREADY = "Nothing was added: all 2 were already assigned."


def _form(app) -> dict:
    with app.app_context():
        slug = catalogue().modules[0].slug
    return {
        "modules": slug,
        "who": "learners",
        "emails": "asha@example.org ben@example.org",
        "due-day": str(DUE.day),
        "due-month": str(DUE.month),
        "due-year": str(DUE.year),
    }


def _audit_rows(app) -> list[dict]:
    with app.app_context():
        return (
            db.session()
            .scalars(select(AuditEvent.detail).where(AuditEvent.kind == "assignment.added"))
            .all()
        )


def _assignments(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count(Assignment.id)))


def _flashes(page: str) -> list[str]:
    """Return the text of each notification banner on the page."""
    return re.findall(r'<p class="nhsuk-notification-banner__heading">\s*(.*?)\s*</p>', page, re.S)


def test_ten_identical_assignments_at_once_are_stored_and_audited_once(app, client, pcn):
    sign_in(client, "lead@example.org")
    token, form = csrf_token(client, URL), _form(app)
    tabs = [tab(app, client) for _ in range(SENDS)]
    sends = [lambda t=t: t.post(URL, data={"csrf_token": token, **form}) for t in tabs]
    with meeting_before_writing(app, SENDS):
        codes = [response.status_code for response in at_once(sends)]
    assert codes == [302] * SENDS
    assert _assignments(app) == 2
    [audited] = _audit_rows(app)
    assert audited["added"] == 2
    # Each tab follows its own redirect: one says what it added, the others that it was there.
    said = sorted(_flashes(t.get(URL).text)[0] for t in tabs)
    assert said == [ADDED] + [ALREADY] * (SENDS - 1)


def test_an_assignment_sent_again_writes_no_audit_row_and_says_so(app, client, pcn):
    sign_in(client, "lead@example.org")
    form = _form(app)
    assert post_form(client, URL, form).status_code == 302
    assert _flashes(client.get(URL).text) == [ADDED]
    assert post_form(client, URL, form).status_code == 302
    assert _flashes(client.get(URL).text) == [ALREADY]
    assert _assignments(app) == 2 and len(_audit_rows(app)) == 1
    # One module more: only what was added is audited, and the rest is named as already there.
    with app.app_context():
        second = catalogue().modules[1].slug
    wider = {**form, "modules": [form["modules"], second]}
    assert post_form(client, URL, wider).status_code == 302
    assert _flashes(client.get(URL).text) == ["2 assignments added. 2 were already assigned."]
    assert [row["added"] for row in _audit_rows(app)] == [2, 2]


def test_the_same_message_twice_is_shown_once(app, client, pcn):
    """Sends that flash before a page shows what they said (a double click, two tabs): each
    message once, in the order said."""
    sign_in(client, "lead@example.org")
    token, form = csrf_token(client, URL), _form(app)
    for _ in range(3):  # no page in between: a page shown would take the messages
        assert client.post(URL, data={"csrf_token": token, **form}).status_code == 302
    assert _flashes(client.get(URL).text) == [ADDED, ALREADY]
    with app.app_context():
        first = db.session().scalar(select(func.min(Assignment.id)))
    withdraw = f"{URL}/{first}/withdraw"
    for _ in range(3):
        sent = client.post(withdraw, data={"csrf_token": token, "confirmed": "yes"})
        assert sent.status_code == 302
    shown = _flashes(client.get(URL).text)
    assert len(shown) == 2, shown
    assert "has been withdrawn" in shown[0] and "was already withdrawn on" in shown[1]
