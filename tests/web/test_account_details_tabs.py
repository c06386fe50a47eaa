"""Your details from two tabs: a save changes only what its form changed, never silently."""

from sqlalchemy import select

from app import db
from app.models import AuditEvent, User
from tests.web.quiz_helpers import browser_form
from tests.web.test_quiz_concurrency import at_once, tab

URL = "/account/details"


def details_form(tab_client):
    """Open the details page in a tab and return its form as the browser would send it."""
    return browser_form(tab_client.get(URL).text, "details-form")


def stored(app):
    with app.app_context():
        user = db.session().scalar(select(User).where(User.email == "learner@example.org"))
        return user.full_name, user.profession, user.registration_number


def audited(app) -> list:
    with app.app_context():
        events = db.session().scalars(
            select(AuditEvent)
            .where(AuditEvent.kind == "account.details_changed")
            .order_by(AuditEvent.id)
        )
        return [event.detail["fields"] for event in events]


def test_a_stale_tab_never_puts_back_the_name_another_tab_changed(app, signed_in):
    tab_a, tab_b = signed_in, tab(app, signed_in)
    form_a, form_b = details_form(tab_a), details_form(tab_b)  # B opened before A saves
    form_a["full_name"] = "Sam Other"
    assert tab_a.post(URL, data=form_a).status_code == 302
    form_b["registration_number"] = "NMC 12A3456E"
    assert tab_b.post(URL, data=form_b).status_code == 302
    assert stored(app) == ("Sam Other", "practice-nurse", "NMC 12A3456E")
    assert audited(app) == [["full_name"], ["registration_number"]]


def test_a_field_changed_in_both_tabs_is_refused_showing_its_value_now(app, signed_in):
    tab_a, tab_b = signed_in, tab(app, signed_in)
    form_a, form_b = details_form(tab_a), details_form(tab_b)
    form_a["full_name"] = "Sam Other"
    tab_a.post(URL, data=form_a)
    form_b["full_name"] = "Samantha Learner"
    form_b["profession"] = "gp"
    response = tab_b.post(URL, data=form_b)
    assert response.status_code == 409
    assert stored(app) == ("Sam Other", "gp", None)  # B's other change is saved
    assert audited(app) == [["full_name"], ["profession"]]
    text = response.text.replace("&#34;", '"')
    assert "There is a problem" in text and 'href="#full_name"' in text
    assert "Your other changes have been saved." in text
    assert "Your full name was changed to “Sam Other” in another tab or window" in text
    assert text.count("your change was not saved") == 2  # in the summary and at the field
    again = browser_form(response.text, "details-form")
    assert again["full_name"] == "Samantha Learner"  # what B typed is kept
    assert again["profession"] == "gp"
    # Saved again knowing the name now, B's name replaces it.
    assert tab_b.post(URL, data=again).status_code == 302
    assert stored(app) == ("Samantha Learner", "gp", None)
    assert audited(app) == [["full_name"], ["profession"], ["full_name"]]


def test_a_number_removed_in_another_tab_is_named_as_removed(app, signed_in):
    form = details_form(signed_in)
    form["registration_number"] = "NMC 12A3456E"
    signed_in.post(URL, data=form)
    tab_b = tab(app, signed_in)
    form_a, form_b = details_form(signed_in), details_form(tab_b)
    form_a["registration_number"] = ""
    signed_in.post(URL, data=form_a)
    form_b["registration_number"] = "NMC 99A9999E"
    response = tab_b.post(URL, data=form_b)
    assert response.status_code == 409
    assert "Your registration number was removed in another tab or window" in response.text
    assert stored(app)[2] is None


def test_the_same_change_sent_twice_at_once_is_saved_and_audited_once(app, signed_in):
    form = details_form(signed_in)
    form["full_name"] = "Sam Other"
    form["registration_number"] = "NMC 76A5432B"  # a practice nurse's PIN
    tabs = [tab(app, signed_in) for _ in range(3)]
    statuses = at_once([lambda t=t: t.post(URL, data=form).status_code for t in tabs])
    assert statuses == [302, 302, 302]
    assert stored(app) == ("Sam Other", "practice-nurse", "NMC 76A5432B")
    assert audited(app) == [["full_name", "registration_number"]]


def test_the_form_says_what_each_field_showed_when_drawn(signed_in):
    form = details_form(signed_in)
    assert form["shown_full_name"] == "Sam Learner"
    assert form["shown_profession"] == "practice-nurse"
    assert form["shown_registration_number"] == ""
