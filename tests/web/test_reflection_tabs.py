"""The reflective account from two tabs: a save writes only the parts its form changed."""

import pytest
from sqlalchemy import select

from app import db
from app.components import RENDERED_COMPONENTS
from app.content import catalogue
from app.domain import reflection
from app.models import Certificate
from tests.web.journeys import pass_module
from tests.web.quiz_helpers import browser_form
from tests.web.test_quiz_concurrency import at_once, tab


@pytest.fixture
def page(app, signed_in):
    """Return the certificate page of a module the signed-in learner passed."""
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    pass_module(app, signed_in, "learner@example.org", module)
    return f"/modules/{module.slug}/certificate/"


def reflection_form(tab_client, url):
    """Open the certificate page in a tab; return its reflection form as a browser sends it."""
    return browser_form(tab_client.get(url).text, "reflection-form")


def stored(app) -> dict:
    with app.app_context():
        return db.session().scalar(select(Certificate.reflective_account))


def test_a_stale_tab_never_wipes_what_another_tab_wrote(app, signed_in, page):
    tab_a, tab_b = signed_in, tab(app, signed_in)
    form_a, form_b = reflection_form(tab_a, page), reflection_form(tab_b, page)
    form_a["activity"] = "A referral that went nowhere."
    assert tab_a.post(page, data=form_a).status_code == 302
    form_b["learned"] = "Ask what matters first."
    assert tab_b.post(page, data=form_b).status_code == 302
    assert stored(app) == {
        "activity": "A referral that went nowhere.",
        "learned": "Ask what matters first.",
    }


def test_a_part_changed_in_both_tabs_keeps_both_texts_and_says_so(app, signed_in, page):
    tab_a, tab_b = signed_in, tab(app, signed_in)
    form_a, form_b = reflection_form(tab_a, page), reflection_form(tab_b, page)
    form_a["activity"] = "Written in tab A.\r\nA second line <b>here</b>."
    tab_a.post(page, data=form_a)
    form_b["activity"] = "Written in tab B."
    form_b["practice"] = "I follow up each referral."
    response = tab_b.post(page, data=form_b)
    assert response.status_code == 409
    assert stored(app) == {
        "activity": "Written in tab A.\nA second line <b>here</b>.",
        "practice": "I follow up each referral.",  # B's other change is saved
    }
    text = response.text
    assert "<title>Error: " in text and 'href="#reflection-activity"' in text
    assert "Your other changes have been saved." in text
    assert text.count("The text under “What happened” was changed in another tab or window") == 2
    # Both texts are on the page: A's as saved (escaped), B's in the box.
    assert "Written in tab A.</p>" in text and "A second line &lt;b&gt;here&lt;/b&gt;." in text
    assert 'aria-describedby="reflection-activity-saved' in text
    again = browser_form(text, "reflection-form")
    assert again["activity"] == "Written in tab B."
    assert again["practice"] == "I follow up each referral."
    # Saved again, knowing what A wrote, B's text replaces it.
    assert tab_b.post(page, data=again).status_code == 302
    assert stored(app)["activity"] == "Written in tab B."


def test_a_part_too_long_is_refused_and_nothing_is_saved_or_cut(app, signed_in, page):
    form = reflection_form(signed_in, page)
    form["learned"] = "Kept as saved."
    signed_in.post(page, data=form)
    form = reflection_form(signed_in, page)
    long_text = "x" * (reflection.MAX_LENGTH + 1)
    form["activity"] = long_text
    form["learned"] = "Changed too."
    response = signed_in.post(page, data=form)
    assert response.status_code == 400
    assert stored(app) == {"learned": "Kept as saved."}
    assert "The text under “What happened” must be 2500 characters or fewer" in response.text
    assert 'href="#reflection-activity"' in response.text
    again = browser_form(response.text, "reflection-form")
    assert again["activity"] == long_text and again["learned"] == "Changed too."
    assert "has been saved" not in response.text


def test_the_same_save_sent_twice_at_once_is_saved_once(app, signed_in, page):
    form = reflection_form(signed_in, page)
    form["learned"] = "Ask what matters first."
    tabs = [tab(app, signed_in) for _ in range(3)]
    statuses = at_once([lambda t=t: t.post(page, data=form).status_code for t in tabs])
    assert statuses == [302, 302, 302]
    assert stored(app) == {"learned": "Ask what matters first."}


def test_a_reflection_is_not_kept_in_the_shared_component_cache(app, signed_in, page):
    """The NHS.UK components rendered once and reused across requests and learners keep the
    parameters they were drawn with: a learner's reflective account is not among them."""
    form = reflection_form(signed_in, page)
    form["activity"] = "Mrs K's daughter told me about the debt letters."
    assert signed_in.post(page, data=form).status_code == 302
    RENDERED_COMPONENTS.clear()  # the process's: what this page draws, and nothing else
    assert "Mrs K&#39;s daughter told me about the debt letters." in signed_in.get(page).text
    assert RENDERED_COMPONENTS.keys()  # the page drew components through the cache
    held = repr(RENDERED_COMPONENTS.keys())
    assert "debt letters" not in held
