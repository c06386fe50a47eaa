"""A renewal returned with an action plan ends no confirmation: the one given earlier stands
until its recorded end, on every page and export; only after that does the action plan show."""

import csv
import io
from datetime import timedelta

from sqlalchemy import select, update

from app import db
from app.domain.dates import day
from app.models import utcnow
from app.models_practice import ConfirmationDecision
from app.services.rating_reads import aware
from tests.conftest import sign_in
from tests.web.test_confirmation_validity import (
    between,
    confirm,
    exported,
    rerate,
    riverside_manager,
)
from tests.web.test_practice import (  # noqa: F401 (people is a fixture)
    CODE,
    decide,
    page_url,
    people,
    renewal_due,
    the_request,
    user_id,
)
from tests.web.test_practice_record import ask, module, stored, take_quiz

PLAN = "Run two first meetings with Sue watching."


def csv_rows(manager, query: str = "") -> list[dict[str, str]]:
    """Return the manager's export rows for CODE."""
    found = csv.DictReader(io.StringIO(manager.get(f"/manage/export.csv{query}").text))
    return [row for row in found if CODE in row.values()]


def practice_cell(page: str, row: str) -> str:
    """Return the practice a table row states: its third cell's words before any markup
    (the decisions listed under it follow)."""
    cell = between(page, row, "</tr>").split('<td class="nhsuk-table__cell">')[2]
    return cell.split("<", 1)[0].strip()


def shown(app, learner, manager) -> dict[str, str]:
    """Return what each place that shows Lee's practice in CODE says about it."""
    lee = user_id(app, "learner@example.org")
    row = f"<strong>{CODE}</strong>"
    own = learner.get(page_url()).text
    (line,) = csv_rows(manager)
    drill = manager.get(f"/manage/learners/{lee}").text
    return {
        "learner's page": between(own, "Practice</dt>", "</dd>"),
        "learner's list": practice_cell(learner.get("/my/competencies").text, row),
        "manager's learner page": practice_cell(drill, row),
        "manager's export": ",".join(line.values()),
        "data export": exported(app)["rating"]["practice"],
    }


def renewal_returned(app, learner, sue):
    """Confirm Lee's practice, bring it due for renewal, and have Sam return the renewal."""
    first = confirm(app, learner, sue)
    renewal_due(app)
    with app.app_context():
        ends = aware(
            db.session().scalar(
                select(ConfirmationDecision.valid_until).where(
                    ConfirmationDecision.request_id == first
                )
            )
        )
    assert ask(learner, app, "sam@example.org").status_code == 302
    sam = app.test_client()
    sign_in(sam, "sam@example.org")
    renewal = the_request(app)
    assert renewal != first
    response = decide(sam, renewal, outcome="returned", action_plan=PLAN)
    assert response.status_code == 302
    return first, ends


def test_a_returned_renewal_leaves_the_confirmation_in_date_standing_until_its_end(
    app,
    people,  # noqa: F811
    make_user,
):
    learner, sue, _ = people
    manager = riverside_manager(app, make_user)
    take_quiz(app, learner, module(app), right=True)  # secure knowledge: met with a confirmation
    first, ends = renewal_returned(app, learner, sue)

    rating = stored(app)
    assert rating.practice == "Confirmed" and rating.met is True
    assert aware(rating.practice_until) == ends and aware(rating.met_until) == ends
    for place, words in shown(app, learner, manager).items():
        assert "Confirmed" in words and "Action plan" not in words, place
    # The manager's Due soon filter keeps Lee: the confirmation is in date, renewal due.
    assert len(csv_rows(manager, "?framework=splw&status=due-soon")) == 1
    assert csv_rows(manager, "?framework=splw&status=met") == []  # due soon, not met alone
    own = learner.get(page_url()).text
    assert PLAN in own  # the returned renewal is on the record, its action plan with it

    # Once the earlier confirmation has ended, the returned renewal is what shows.
    with app.app_context():
        session = db.session()
        session.execute(
            update(ConfirmationDecision)
            .where(ConfirmationDecision.request_id == first)
            .values(valid_until=utcnow() - timedelta(days=1))
        )
        session.commit()
    rerate(app)
    rating = stored(app)
    assert (rating.practice, rating.met, rating.practice_until) == ("Action plan", False, None)
    for place, words in shown(app, learner, manager).items():
        assert "Action plan" in words and "Confirmed" not in words, place
    assert csv_rows(manager, "?framework=splw&status=due-soon") == []


def test_the_renewal_says_the_confirmation_stands_whatever_is_decided(
    app,
    people,  # noqa: F811
    make_user,
):
    learner, sue, _ = people
    manager = riverside_manager(app, make_user)
    first = confirm(app, learner, sue)
    renewal_due(app)
    with app.app_context():
        ends = aware(
            db.session().scalar(
                select(ConfirmationDecision.valid_until).where(
                    ConfirmationDecision.request_id == first
                )
            )
        )
    until, today = day(ends), day(utcnow())
    page = learner.get(page_url()).text
    assert f"confirmed until {until}: it is due for renewal" in page
    assert "Whatever they decide, your confirmation stands until then." in page

    assert ask(learner, app, "sam@example.org").status_code == 302
    page = learner.get(page_url()).text
    assert "You have asked a supervisor to confirm your practice again, to renew it." in page
    assert f"the confirmation Sue Supervisor gave on {today} stands until {until}" in page
    sam = app.test_client()
    sign_in(sam, "sam@example.org")
    renewal = the_request(app)
    url = f"/supervise/requests/{renewal}"
    asked = " ".join(sam.get(url).text.split())
    assert (
        "This is a request to renew a confirmation. Lee Learner’s practice was confirmed by "
        f"Sue Supervisor on {today}, valid until {until}. That confirmation stands until then "
        "whatever you decide" in asked
    )
    # The first request, never a renewal, says nothing of the kind.
    assert "renew a confirmation" not in sue.get(f"/supervise/requests/{first}").text

    decide(sam, renewal, outcome="returned", action_plan=PLAN)
    lee = user_id(app, "learner@example.org")
    drill = " ".join(manager.get(f"/manage/learners/{lee}").text.split())
    assert f"Confirmed by Sue Supervisor on {today}, valid until {until}." in drill
    assert (
        f"Renewal returned with an action plan by Sam Second on {today}: the confirmation "
        "stands until it ends." in drill
    )
    decided = " ".join(sam.get(url).text.split())
    assert "That confirmation stands until then whatever was decided here." in decided
