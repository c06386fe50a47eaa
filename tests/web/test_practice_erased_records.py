"""Decided records of an erased learner say what erasure removed; they never read as blank.

Erasure deletes what the learner wrote (reflections, typed answers) and what supervisors
wrote about them (comments, action plans); the decisions stand (services/erasure.py,
docs/competence.md). The supervisor's request page used to say "No reflection given", drop
the comments without a word and list every answer as "no answer given"; the signed-off PDF
said "None given" and "None", and its Organisation was blank, read from the organisation
the learner (no longer anyone's) is in now rather than the one the request was made in.
"""

import html
import io
import json
import re
import zipfile

from sqlalchemy import select

from app import db
from app.models import Organisation
from tests.conftest import DEMO_PASSWORD, post_form
from tests.web.test_html_valid import nu_errors
from tests.web.test_practice import (  # noqa: F401 (people is a fixture)
    CODE,
    decide,
    people,
    the_request,
)
from tests.web.test_practice_record import RATED, ask, module, pdf_text, take_quiz

REMOVED = "Removed when the learner's account was erased"
REFLECTION = "I used it with Mrs B. at the surgery"
COMMENTS = "Seen it with my own eyes"
PLAN = "Shadow a colleague for a week"


def self_assess(client, code: str, confidence: str, stage: str, reflection: str) -> None:
    url = f"/my/competencies/{code}"
    form = {"confidence": confidence, "stage": stage, "reflection": reflection}
    assert post_form(client, f"{url}/self-assessment", form, page=url).status_code == 302


def between(text: str, label: str, following: str) -> str:
    """Return what the PDF's text says between a label and the next one."""
    return text.split(label, 1)[1].split(following, 1)[0].strip()


def decided_then_erased(app, people):  # noqa: F811
    """Lee reflects, is returned with an action plan, then confirmed with comments by Sue;
    another competency is confirmed without a self-assessment sent; then Lee deletes their
    account. Return Sue's client and the two confirmed requests' ids."""
    learner, sue, _ = people
    take_quiz(app, learner, module(app), right=False)  # answers to show Sue
    self_assess(learner, RATED, "2", "before", "Never tried it")
    self_assess(learner, RATED, "4", "after", REFLECTION)
    assert ask(learner, app, code=RATED).status_code == 302
    returned = the_request(app)
    assert (
        decide(sue, returned, outcome="returned", comments="Nearly", action_plan=PLAN).status_code
        == 302
    )
    assert ask(learner, app, code=RATED).status_code == 302
    confirmed = the_request(app)
    assert decide(sue, confirmed, outcome="confirmed", comments=COMMENTS).status_code == 302
    assert ask(learner, app, code=CODE).status_code == 302
    unreflected = the_request(app)
    assert decide(sue, unreflected, outcome="confirmed").status_code == 302
    before = pdf_text(sue, confirmed)
    assert REFLECTION in before and COMMENTS in before
    assert between(before, "Organisation", "Framework") == "Riverside PCN"
    page = "/account/delete"
    deleted = post_form(learner, page, {"current_password": DEMO_PASSWORD}, page=page)
    assert deleted.status_code == 302
    return sue, confirmed, unreflected


def test_the_supervisors_request_page_says_what_erasure_removed(
    app,
    people,  # noqa: F811
    database_url,
    tmp_path,
):
    sue, confirmed, _ = decided_then_erased(app, people)
    markup = sue.get(f"/supervise/requests/{confirmed}").text
    page = html.unescape(markup)
    for written in (REFLECTION, "Never tried it", COMMENTS, PLAN):
        assert written not in page
    assert "No reflection given" not in page and "None given" not in page
    assert f'<p class="lw-prewrap" dir="auto">{REMOVED}.</p>' in page  # the reflection sent
    assert page.count(f"{REMOVED}</div></td>") == 1  # the earlier one, in the table
    decision = page.split('id="decision"', 1)[1]
    assert "Comments: removed when the learner's account was erased." in decision
    history = page.split("Earlier requests", 1)[1].split('id="decision"', 1)[0]
    assert "Comments and action plan: removed when the learner's account was erased." in (history)
    answers = re.findall(r"Answer given: ([^.]*)\.", page)
    assert answers and set(answers) == {"removed when the learner's account was erased"}
    if database_url.startswith("sqlite"):  # the markup is the same on both
        assert nu_errors({"decided": markup}, tmp_path) == []


def test_the_signed_off_record_says_what_erasure_removed_and_where_it_was_confirmed(
    app,
    people,  # noqa: F811
):
    sue, confirmed, unreflected = decided_then_erased(app, people)
    record = pdf_text(sue, confirmed)
    assert "Erased account" in record and "Lee Learner" not in record
    assert between(record, "Organisation", "Framework") == "Riverside PCN"
    assert between(record, "Learner's reflection or example", "Confirmed by") == REMOVED
    assert between(record, "Supervisor's comments", "Valid until") == REMOVED
    assert "None given" not in record and REFLECTION not in record and COMMENTS not in record
    # None was sent with this one: that is still what its record says.
    other = pdf_text(sue, unreflected)
    assert between(other, "Learner's own confidence", "Learner's reflection") == "Not given"
    assert between(other, "Learner's reflection or example", "Confirmed by") == "None given"
    assert between(other, "Supervisor's comments", "Valid until") == REMOVED


def test_the_record_names_the_organisation_it_was_confirmed_in_after_the_learner_moves(
    app,
    people,  # noqa: F811
):
    learner, sue, _ = people
    self_assess(learner, CODE, "4", "after", REFLECTION)
    assert ask(learner, app, code=CODE).status_code == 302
    confirmed = the_request(app)
    assert decide(sue, confirmed, outcome="confirmed", comments=COMMENTS).status_code == 302
    with app.app_context():
        riverside = db.session().scalar(
            select(Organisation.id).where(Organisation.name == "Riverside PCN")
        )
    leave = "/account/organisation/leave"
    assert post_form(learner, leave, {"organisation": str(riverside)}).status_code == 302
    record = pdf_text(learner, confirmed)
    assert between(record, "Organisation", "Framework") == "Riverside PCN"
    # Not erased: what was written stays.
    assert REFLECTION in record and COMMENTS in record


def test_the_supervisors_data_export_says_what_erasure_removed(
    app,
    people,  # noqa: F811
):
    sue, confirmed, unreflected = decided_then_erased(app, people)
    archive = zipfile.ZipFile(io.BytesIO(post_form(sue, "/account/data", {}).data))
    data = json.loads(archive.read("linkwise-data.json"))
    decided = {r["id"]: r for r in data["practice"]["confirmation_requests"]}
    assert len(decided) == 3 and {r["role"] for r in decided.values()} == {"supervisor"}
    returned = next(r for r in decided.values() if r["outcome"] == "returned")
    # Never an empty string, as if nothing had been written; the decisions stand.
    assert returned["comments"] == returned["action_plan"] == REMOVED
    for request in (confirmed, unreflected):
        assert decided[request]["outcome"] == "confirmed"
        assert decided[request]["comments"] == REMOVED
        assert decided[request]["action_plan"] == ""  # a confirmation has none
    assert all(r["removed_by_erasure"] is True for r in decided.values())
    assert all(r["decided_by"] == "Sue Supervisor" for r in decided.values())
    text = json.dumps(data)
    assert COMMENTS not in text and PLAN not in text and "Nearly" not in text


def test_a_supervisors_data_export_keeps_what_was_written_about_a_learner_not_erased(
    app,
    people,  # noqa: F811
):
    learner, sue, _ = people
    assert ask(learner, app, code=CODE).status_code == 302
    confirmed = the_request(app)
    assert decide(sue, confirmed, outcome="confirmed", comments=COMMENTS).status_code == 302
    archive = zipfile.ZipFile(io.BytesIO(post_form(sue, "/account/data", {}).data))
    (request,) = json.loads(archive.read("linkwise-data.json"))["practice"]["confirmation_requests"]
    assert request["comments"] == COMMENTS and request["removed_by_erasure"] is False
