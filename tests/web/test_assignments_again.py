"""Assigning a module again with another due date or renewal changes nothing, and says so:
the assignment there keeps its dates, named, with how to change them. A learner named whom
another assignment of the module binds sooner is told that its date still applies."""

import re
from datetime import date

from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models_assignments import Assignment
from tests.conftest import post_form, sign_in
from tests.web.test_assignments import URL, due_fields, team_id

FIRST, LATER, SOONER = date(2031, 1, 14), date(2031, 6, 30), date(2030, 11, 2)
HOW = (
    "To give an assignment a new due date or renewal, withdraw it from the list below, "
    "then assign it again."
)


def _banners(page: str) -> list[tuple[str, str]]:
    """Return each notification banner's kind (success, warning) and its text."""
    return re.findall(
        r'data-notice="(\w+)".*?<p class="nhsuk-notification-banner__heading">\s*(.*?)\s*</p>',
        page,
        re.S,
    )


def _titles(app) -> tuple[str, str, str, str]:
    with app.app_context():
        first, second = catalogue().modules[:2]
        return first.slug, first.title, second.slug, second.title


def _to_elm(app, slugs, day: date, renew: str = "0") -> dict:
    elm = str(team_id(app, "Elm Practice"))
    return {"modules": slugs, "who": "team", "team": elm, **due_fields(day), "renew": renew}


def _due_dates(app) -> list[tuple[date, int | None]]:
    with app.app_context():
        rows = db.session().execute(select(Assignment.due_on, Assignment.renew_months))
        return sorted(tuple(row) for row in rows)


def test_assigning_again_with_a_new_date_says_the_old_one_stays_and_how_to_change_it(
    app, client, pcn
):
    slug, title, other, _ = _titles(app)
    sign_in(client, "lead@example.org")
    assert post_form(client, URL, _to_elm(app, slug, FIRST, "36")).status_code == 302
    client.get(URL)
    assert post_form(client, URL, _to_elm(app, slug, LATER, "12")).status_code == 302
    assert _banners(client.get(URL).text) == [
        (
            "warning",
            "Nothing was added: it was already assigned. It stays as it was: "
            f"“{title}” for Elm Practice, due 14 January 2031, renewing every 3 years. {HOW}",
        )
    ]
    assert _due_dates(app) == [(FIRST, 36)]
    # With a module not yet assigned: that one is added, and the other named as it stays.
    assert post_form(client, URL, _to_elm(app, [slug, other], LATER)).status_code == 302
    assert _banners(client.get(URL).text) == [
        (
            "warning",
            "1 assignment added. 1 was already assigned. It stays as it was: "
            f"“{title}” for Elm Practice, due 14 January 2031, renewing every 3 years. {HOW}",
        )
    ]
    assert _due_dates(app) == [(FIRST, 36), (LATER, None)]
    # The same terms again (a double click): nothing to say but that it was there.
    assert post_form(client, URL, _to_elm(app, other, LATER)).status_code == 302
    assert _banners(client.get(URL).text) == [
        ("warning", "Nothing was added: it was already assigned.")
    ]
    assert _due_dates(app) == [(FIRST, 36), (LATER, None)]


def test_a_learner_named_is_told_their_team_s_earlier_date_still_applies(app, client, pcn):
    slug, title, *_ = _titles(app)
    sign_in(client, "lead@example.org")
    assert post_form(client, URL, _to_elm(app, slug, FIRST, "12")).status_code == 302
    client.get(URL)
    asha = {"modules": slug, "who": "learners", "emails": "asha@example.org ben@example.org"}
    assert post_form(client, URL, {**asha, **due_fields(LATER), "renew": "36"}).status_code == 302
    # Ben is in Oak Practice: nothing else binds him.
    assert _banners(client.get(URL).text) == [
        (
            "success",
            f"2 assignments added. Asha Elm already has “{title}” through an assignment to "
            "Elm Practice, due 14 January 2031 and renewing every year: that earlier date and "
            "shorter renewal still apply.",
        )
    ]


def test_a_learner_named_with_an_earlier_date_is_told_nothing_more(app, client, pcn):
    slug, *_ = _titles(app)
    sign_in(client, "lead@example.org")
    assert post_form(client, URL, _to_elm(app, slug, FIRST)).status_code == 302
    client.get(URL)
    asha = {"modules": slug, "who": "learners", "emails": "asha@example.org"}
    assert post_form(client, URL, {**asha, **due_fields(SOONER), "renew": "0"}).status_code == 302
    assert _banners(client.get(URL).text) == [("success", "1 assignment added.")]


def test_an_organisation_s_shorter_renewal_is_named_apart_from_the_team_s_earlier_date(
    app, client, pcn
):
    slug, title, *_ = _titles(app)
    sign_in(client, "lead@example.org")
    everyone = {"modules": slug, "who": "team", "team": "everyone", "renew": "12"}
    assert post_form(client, URL, {**everyone, **due_fields(LATER)}).status_code == 302
    assert post_form(client, URL, _to_elm(app, slug, FIRST)).status_code == 302
    client.get(URL)
    asha = {"modules": slug, "who": "learners", "emails": "asha@example.org", "renew": "24"}
    assert post_form(client, URL, {**asha, **due_fields(LATER)}).status_code == 302
    assert _banners(client.get(URL).text) == [
        (
            "success",
            f"1 assignment added. Asha Elm already has “{title}” through an assignment to "
            "Elm Practice, due 14 January 2031, and one to everyone in the organisation, "
            "renewing every year: that earlier date and shorter renewal still apply.",
        )
    ]
