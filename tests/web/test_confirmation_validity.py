"""A confirmation of practice is valid until the date recorded when the supervisor confirmed:
a trainer changing or removing valid_for later changes no page, record, export or rating."""

import io
import json
import zipfile
from datetime import datetime, timedelta

from sqlalchemy import select, update

from app import db
from app.content import catalogue
from app.domain.competencies.durations import Duration
from app.domain.dates import uk_day
from app.domain.pdf import date_in_words
from app.models import utcnow
from app.models_practice import ConfirmationDecision
from app.services import data_rights
from app.services.rating_reads import aware
from app.services.rating_recompute import recompute_levels
from tests.conftest import sign_in
from tests.web import course_files
from tests.web.test_practice import (  # noqa: F401 (people is a fixture)
    CODE,
    decide,
    page_url,
    people,
    the_request,
    user_id,
)
from tests.web.test_practice_record import (  # noqa: F401 (own_competencies is a fixture)
    ask,
    csrf_on,
    own_competencies,
    pdf_text,
    seen_on,
    stored,
)

NOT_RECORDED = "Not recorded (confirmed before Linkwise kept how long it is valid)"


def between(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


def exported(app) -> dict:
    """Return the learner's data export: their confirmation and their rating in CODE."""
    lee = user_id(app, "learner@example.org")
    with app.app_context():
        archive = data_rights.export_archive(lee, catalogue(), actor_id=lee)
    data = json.loads(zipfile.ZipFile(io.BytesIO(archive)).read("linkwise-data.json"))
    rating = next(r for r in data["competency_levels"] if r["competency"] == CODE)
    return {"confirmation": data["practice"]["confirmation_requests"][-1], "rating": rating}


def everything_shown(app, learner, sue, manager, request_id) -> dict[str, str]:
    """Return what each place that shows the confirmation, or its standing, says about it."""
    own = learner.get(page_url()).text
    theirs = sue.get(f"/supervise/requests/{request_id}").text
    grid = manager.get("/manage/export.csv").text
    return {
        "learner's record": pdf_text(learner, request_id),
        "supervisor's record": pdf_text(sue, request_id),
        "learner's page": between(own, '<h2 id="confirmation">', "</ul>"),
        "learner's practice": between(own, "Practice</dt>", "</dd>"),
        "supervisor's page": between(theirs, '<h2 id="decision">', "</ul>"),
        "data export": json.dumps(exported(app)),
        "manager's export": next(line for line in grid.splitlines() if f",{CODE}," in line),
    }


def riverside_manager(app, make_user):
    """Return a client signed in as a manager of the people's organisation, Riverside PCN."""
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    manager = app.test_client()
    sign_in(manager, "manager@example.org")
    return manager


def confirm(app, learner, sue) -> int:
    ask(learner, app)
    request_id = the_request(app)
    assert decide(sue, request_id, outcome="confirmed").status_code == 302
    return request_id


def recorded_until(app, request_id):
    """Return the decision's moment plus valid_for as the competency files say now."""
    with app.app_context():
        decided = db.session().scalar(
            select(ConfirmationDecision.decided_at).where(
                ConfirmationDecision.request_id == request_id
            )
        )
        competency = catalogue().competency(CODE)
        lasts = competency.valid_for or catalogue().framework(competency.framework_id).valid_for
    return lasts.after(aware(decided))


def rerate(app, at=None) -> None:
    """Re-rate every learner as `linkwise recompute-levels` does after a rule changes."""
    with app.app_context():
        recompute_levels(catalogue(), now=at)


def test_a_new_valid_for_never_changes_a_confirmation_already_given(
    app,
    people,  # noqa: F811
    own_competencies,  # noqa: F811
    make_user,
):
    learner, sue, _ = people
    manager = riverside_manager(app, make_user)
    request_id = confirm(app, learner, sue)
    until = recorded_until(app, request_id)
    before = everything_shown(app, learner, sue, manager, request_id)
    day = date_in_words(uk_day(until))
    for place in ("learner's record", "supervisor's record"):
        assert f"Valid until {day}" in before[place], place
    for place in ("learner's page", "supervisor's page"):
        assert f"Valid until: {day}" in before[place], place
    confirmation = exported(app)["confirmation"]
    assert aware(datetime.fromisoformat(confirmation["valid_until"])) == until
    assert confirmation["validity_recorded"] is True
    assert "Confirmed" in before["learner's practice"]

    path = own_competencies / "splw.yaml"
    for old, new in (("valid_for: 3y\n", "valid_for: 1y\n"), ("valid_for: 1y\n", "")):
        course_files.edit(path, old, new)
        course_files.reload(app)
        rerate(app)
        after = everything_shown(app, learner, sue, manager, request_id)
        for place, shown in before.items():
            assert after[place] == shown, (new, place)


def test_the_rating_ends_a_confirmation_on_its_recorded_date(app, people, own_competencies):  # noqa: F811
    learner, sue, _ = people
    request_id = confirm(app, learner, sue)
    until = recorded_until(app, request_id)
    path = own_competencies / "splw.yaml"
    # Cut to a day: two days on, the confirmation given under three years still confirms.
    course_files.edit(path, "valid_for: 3y\n", "valid_for: 1d\n")
    course_files.reload(app)
    rerate(app, utcnow() + timedelta(days=2))
    assert stored(app).practice == "Confirmed"
    assert '<dd class="nhsuk-summary-list__value">Confirmed</dd>' in learner.get(page_url()).text
    # Removed: the confirmation still ends on the day it recorded, not never.
    course_files.edit(path, "valid_for: 1d\n", "")
    course_files.reload(app)
    rerate(app, until - timedelta(seconds=1))
    assert stored(app).practice == "Confirmed"
    rerate(app, until)
    assert stored(app).practice == "Confirmation expired"


def test_a_confirmation_given_without_an_end_keeps_none(app, people, own_competencies):  # noqa: F811
    learner, sue, _ = people
    path = own_competencies / "splw.yaml"
    course_files.edit(path, "valid_for: 3y\n", "")
    course_files.reload(app)
    request_id = confirm(app, learner, sue)
    course_files.edit(path, "renew_within: 3m\n", "valid_for: 1d\nrenew_within: 3m\n")
    course_files.reload(app)
    rerate(app, utcnow() + timedelta(days=2))
    assert stored(app).practice == "Confirmed"
    assert "Valid until No end date" in pdf_text(learner, request_id)
    assert "Valid until: No end date" in learner.get(page_url()).text
    assert exported(app)["confirmation"]["valid_until"] is None


def test_a_confirmation_given_before_validity_was_kept_says_not_recorded(app, people):  # noqa: F811
    learner, sue, _ = people
    request_id = confirm(app, learner, sue)
    with app.app_context():  # as migration 0032 leaves a decision made before it
        db.session().execute(
            update(ConfirmationDecision).values(valid_until=None, validity_recorded=False)
        )
        db.session().commit()
    assert f"Valid until {NOT_RECORDED}" in pdf_text(learner, request_id)
    assert f"Valid until: {NOT_RECORDED}" in learner.get(page_url()).text
    assert f"Valid until: {NOT_RECORDED}" in sue.get(f"/supervise/requests/{request_id}").text
    assert exported(app)["confirmation"]["validity_recorded"] is False
    # Its rating ends it valid_for after it was given, as the files say now.
    rerate(app, recorded_until(app, request_id))
    assert stored(app).practice == "Confirmation expired"


def test_a_returned_request_claims_no_validity(app, people):  # noqa: F811
    learner, sue, _ = people
    ask(learner, app)
    decide(sue, the_request(app), outcome="returned", action_plan="Observe one meeting.")
    assert "Valid until" not in learner.get(page_url()).text
    with app.app_context():
        decision = db.session().scalar(select(ConfirmationDecision))
        assert (decision.valid_until, decision.validity_recorded) == (None, False)


def test_the_supervisor_is_told_before_deciding_how_long_a_confirmation_would_count(
    app,
    people,  # noqa: F811
    own_competencies,  # noqa: F811
):
    learner, sue, _ = people
    ask(learner, app)
    url = f"/supervise/requests/{the_request(app)}"
    shown = between(sue.get(url).text, '<p id="validity">', "</p>")
    until = date_in_words(uk_day(Duration(months=36).after(utcnow())))
    assert shown == f"If you confirm today, your confirmation counts for 3 years: until {until}."
    course_files.edit(own_competencies / "splw.yaml", "valid_for: 3y\n", "")
    course_files.reload(app)
    shown = between(sue.get(url).text, '<p id="validity">', "</p>")
    assert shown.startswith("If you confirm, your confirmation has no end date")


def test_a_decision_on_a_page_shown_before_valid_for_changed_is_refused(
    app,
    people,  # noqa: F811
    own_competencies,  # noqa: F811
):
    # The page said 3 years; a confirmation recorded for 1 year would not be what was shown.
    learner, sue, _ = people
    ask(learner, app)
    request_id = the_request(app)
    url = f"/supervise/requests/{request_id}"
    shown = sue.get(url).text
    course_files.edit(own_competencies / "splw.yaml", "valid_for: 3y\n", "valid_for: 1y\n")
    course_files.reload(app)
    form = {"csrf_token": csrf_on(shown), "outcome": "confirmed", "seen": seen_on(shown)}
    refused = sue.post(url, data=form)
    assert refused.status_code == 409
    assert "Since you opened this request, how long a confirmation counts has changed" in (
        refused.text
    )
    with app.app_context():
        assert db.session().scalar(select(ConfirmationDecision.id)) is None
    assert "counts for 1 year: until" in sue.get(url).text
    assert decide(sue, request_id, outcome="confirmed").status_code == 302
    assert recorded_until(app, request_id).year == utcnow().year + 1
