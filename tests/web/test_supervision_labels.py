"""What the pages of the confirmation-of-practice journey say: each label says what it shows.

Knowledge ratings come from quiz answers; practice from a supervisor's decision. The pages
name who decided, when, until when and what they asked for, to the learner, the supervisor
and the manager, without claiming more than the records hold.
"""

# ruff: noqa: F811 (people is a fixture)
import csv
import html
import io
import re
from datetime import UTC, datetime

import openpyxl
from sqlalchemy import update

from app import db
from app.content import catalogue
from app.models import User
from app.models_practice import ConfirmationDecision
from tests.conftest import sign_in
from tests.web.test_practice import (  # noqa: F401 (people is a fixture)
    CODE,
    ask,
    decide,
    page_url,
    people,
    the_request,
    user_id,
)


def text_of(page: str) -> str:
    """Return a page's text, its tags gone and its spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def manager_of_riverside(app, make_user):
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    manager = app.test_client()
    sign_in(manager, "manager@example.org")
    return manager


def returned(app, learner, sue, plan="Shadow a colleague at two first meetings."):
    ask(learner, app)
    request_id = the_request(app)
    decision = {"outcome": "returned", "comments": "A good start.", "action_plan": plan}
    assert decide(sue, request_id, **decision).status_code == 302
    return request_id


def confirmed(app, learner, sue):
    ask(learner, app)
    request_id = the_request(app)
    decision = {"outcome": "confirmed", "comments": "Seen at three first meetings."}
    assert decide(sue, request_id, **decision).status_code == 302
    return request_id


def test_the_framework_page_calls_quiz_levels_knowledge_and_says_what_met_needs(app, client):
    client.set_cookie("linkwise_professional", "yes")
    page = text_of(client.get("/competencies/").text)
    assert "Proficiency levels" not in page
    with app.app_context():
        frameworks = catalogue().frameworks
    for framework in frameworks:
        at_least = framework.attainment.minimum_evidence
        section = page.split(framework.title, 2)[-1]
        assert "Knowledge ratings, from quiz answers" in section
        assert "a knowledge rating" in section and "knowledge level" not in section.lower()
        assert f"at least {at_least} different questions" in section
        assert "Knowledge alone does not make a competency met" in section
        assert f"A competency is met with {framework.met.describe()}" in section
    # A competency with a rule of its own says so (the referrer framework's REF-4.1).
    assert "REF-4.1" in page and "with no confirmation of practice needed" in page


def test_the_learners_competency_page_heads_the_practice_row_practice(app, people):
    learner, _, _ = people
    page = learner.get(page_url()).text
    assert '<dt class="nhsuk-summary-list__key">Practice</dt>' in page
    assert "Practice, confirmed by a supervisor" not in page
    assert "counts once a supervisor who has seen your work confirms it" in text_of(page)


def test_the_action_plan_is_the_learners_to_act_on_in_body_text(app, people):
    learner, sue, _ = people
    returned(app, learner, sue)
    page = learner.get(page_url()).text
    plan = page.split("Your supervisor&#39;s action plan", 1)[1].split("</div>", 1)[0]
    assert "Shadow a colleague at two first meetings." in plan
    assert 'class="nhsuk-inset-text' in page.split("Your supervisor&#39;s action plan")[0][-400:]
    assert "nhsuk-body-s" not in plan
    comments = page.split("A good start.")[0].rsplit("<p", 1)[1]
    assert "nhsuk-body-s" not in comments


def test_a_return_says_whose_request_on_what_went_back_with_an_action_plan(app, people):
    learner, sue, _ = people
    ask(learner, app)
    request_id = the_request(app)
    decision = {"outcome": "returned", "action_plan": "Shadow one."}
    response = decide(sue, request_id, **decision)
    page = text_of(sue.get(response.location).text)
    with app.app_context():
        name = catalogue().competency(CODE).name
    assert (
        f"You returned Lee Learner's request to confirm {CODE} {name} with your action plan."
        in page
    )
    assert "The learner's practice has been" not in page


def test_the_supervisors_own_decided_page_says_you(app, people):
    learner, sue, _ = people
    request_id = returned(app, learner, sue)
    page = text_of(sue.get(f"/supervise/requests/{request_id}").text)
    decided = page.split("Your decision", 1)[1]
    assert "Asked you on" in decided and "Returned with an action plan by you on" in decided
    assert "Asked Sue Supervisor" not in page
    # Another supervisor reading an earlier request to Sue is told her name.
    ask(learner, app, supervisor="sam@example.org")
    sam = app.test_client()
    sign_in(sam, "sam@example.org")
    theirs = text_of(sam.get(f"/supervise/requests/{the_request(app)}").text)
    assert (
        "Asked Sue Supervisor on" in theirs and "Asked you" not in theirs.split("Your decision")[0]
    )


def test_the_start_page_counts_the_requests_waiting_for_a_supervisor(app, people):
    learner, sue, _ = people
    assert "Requests to confirm practice: none waiting for you" in text_of(sue.get("/").text)
    ask(learner, app)
    page = text_of(sue.get("/").text)
    assert "Requests to confirm practice: 1 waiting for you" in page
    assert "Learn social prescribing and build evidence of your competence" in page
    assert "show your competence" not in page
    assert "Requests to confirm practice" not in text_of(learner.get("/").text)


def test_the_grid_marks_a_confirmed_practice_and_an_action_plan(app, people, make_user):
    learner, sue, _ = people
    manager = manager_of_riverside(app, make_user)
    confirmed(app, learner, sue)  # knowledge not yet secure: not met
    page = manager.get("/manage/?profession=link-worker").text
    key = text_of(page.split('class="nhsuk-body-s">Knowledge:', 1)[1].split("</p>", 1)[0])
    assert "P practice confirmed by a supervisor" in key
    assert "AP returned with an action plan" in key
    row = page.split(">Lee Learner</a>", 1)[1].split("</tr>", 1)[0]
    assert '<span aria-hidden="true">–<br>P</span>' in row
    assert "practice Confirmed; not met" in row
    # A second competency returned with an action plan.
    other = "SPLW-1.1"
    ask_other = f"/my/competencies/{other}/request"
    from tests.conftest import post_form

    post_form(learner, ask_other, {"supervisor": str(user_id(app, "sue@example.org"))},
              page=f"/my/competencies/{other}")  # fmt: skip
    decide(sue, the_request(app), outcome="returned", action_plan="Try again.")
    row = manager.get("/manage/?profession=link-worker").text.split(">Lee Learner</a>", 1)[1]
    assert '<span aria-hidden="true">–<br>AP</span>' in row.split("</tr>", 1)[0]


def test_the_export_names_the_confirmation_and_what_its_counts_count(app, people, make_user):
    learner, sue, _ = people
    manager = manager_of_riverside(app, make_user)
    confirmed(app, learner, sue)
    rows = list(csv.reader(io.StringIO(manager.get("/manage/export.csv").text)))
    header = rows[0]
    assert "Evidence count" not in header and "Last evidence" not in header
    assert header[8:14] == [
        "Quiz answers counted",
        "Last quiz answer",
        "Practice",
        "Confirmed by",
        "Confirmed on",
        "Confirmation valid until",
    ]
    lee = next(row for row in rows[1:] if row[0] == "Lee Learner" and row[4] == CODE)
    assert lee[10] == "Confirmed" and lee[11] == "Sue Supervisor"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", lee[12]) and re.fullmatch(r"\d{4}-\d\d-\d\d", lee[13])
    assert lee[13] > lee[12]
    others = [row for row in rows[1:] if row[0] == "Lee Learner" and row[4] != CODE]
    assert {tuple(row[11:14]) for row in others} == {("", "", "")}


def test_the_managers_learner_page_says_who_decided_when_and_what_they_asked(
    app, people, make_user
):
    learner, sue, _ = people
    manager = manager_of_riverside(app, make_user)
    returned(app, learner, sue)
    lee = user_id(app, "learner@example.org")
    page = manager.get(f"/manage/learners/{lee}").text
    row = text_of(page.split(f"<strong>{CODE}</strong>", 1)[1].split("</tr>", 1)[0])
    assert "Returned with an action plan by Sue Supervisor on" in row
    assert "Comments: A good start." in row
    assert "Action plan: Shadow a colleague at two first meetings." in row
    confirmed(app, learner, sue)
    page = manager.get(f"/manage/learners/{lee}").text
    row = text_of(page.split(f"<strong>{CODE}</strong>", 1)[1].split("</tr>", 1)[0])
    assert re.search(
        r"Confirmed by Sue Supervisor on \d+ \w+ \d{4}, valid until \d+ \w+ \d{4}\.", row
    )
    assert "Comments: Seen at three first meetings." in row


def test_a_lapsed_confirmation_on_the_managers_learner_page_says_it_expired(app, people, make_user):
    learner, sue, _ = people
    manager = manager_of_riverside(app, make_user)
    confirmed(app, learner, sue)
    with app.app_context():  # as time passing would: its recorded end is behind us
        session = db.session()
        session.execute(
            update(ConfirmationDecision).values(valid_until=datetime(2025, 3, 4, 12, tzinfo=UTC))
        )
        session.commit()
    lee = user_id(app, "learner@example.org")
    page = manager.get(f"/manage/learners/{lee}").text
    row = text_of(page.split(f"<strong>{CODE}</strong>", 1)[1].split("</tr>", 1)[0])
    assert re.search(
        r"Confirmation given by Sue Supervisor on \d+ \w+ \d{4}, expired on 4 March 2025\.", row
    )
    assert "valid until" not in row


def test_the_managers_learner_page_lists_its_sections_in_their_order(app, people, make_user):
    manager = manager_of_riverside(app, make_user)
    page = manager.get(f"/manage/learners/{user_id(app, 'learner@example.org')}").text
    contents = page.split("<h1>", 1)[1].split("</ul>", 1)[0]
    listed = re.findall(r'<li><a href="#([\w-]+)">', contents)
    placed = sorted(listed, key=lambda anchor: page.index(f'id="{anchor}"'))
    assert listed == placed
    assert listed.index("competencies") < listed.index("quiz-attempts")


def test_the_compliance_downloads_say_what_a_confirmed_practice_still_lacks(app, people, make_user):
    learner, sue, _ = people
    manager = manager_of_riverside(app, make_user)
    confirmed(app, learner, sue)  # knowledge not yet rated: not met
    query = "framework=splw"
    rows = list(csv.reader(io.StringIO(manager.get(f"/manage/compliance.csv?{query}").text)))
    column = next(n for n, name in enumerate(rows[0]) if name.startswith(f"{CODE} "))
    lee = next(row for row in rows[1:] if row[0] == "Lee Learner")
    assert lee[column] == "Not met: knowledge not yet enough"
    assert not any(row[column].startswith("Not met:") for row in rows[1:] if row is not lee)
    assert "Not met" in lee[column + 1 :]  # a competency with neither says "Not met", as before
    book = openpyxl.load_workbook(
        io.BytesIO(manager.get(f"/manage/compliance.xlsx?{query}").data), read_only=True
    )
    sheet = [list(r) for r in book["Compliance"].iter_rows(values_only=True)]
    assert sheet[0][column] == rows[0][column]
    assert next(r for r in sheet if r[0] == "Lee Learner")[column] == lee[column]
    page = text_of(manager.get(f"/manage/compliance?{query}").text)
    assert "Not met: knowledge not yet enough" in page


def test_a_supervisors_name_that_reads_as_a_formula_is_no_formula_in_the_export(
    app, people, make_user
):
    learner, sue, _ = people
    manager = manager_of_riverside(app, make_user)
    with app.app_context():
        session = db.session()
        session.execute(
            update(User).where(User.email == "sue@example.org").values(full_name="=Sue, S")
        )
        session.commit()
    confirmed(app, learner, sue)
    text = manager.get("/manage/export.csv").text
    assert '"\'=Sue, S",' in text and ",=Sue" not in text and ',"=Sue' not in text
    lee = next(row for row in csv.reader(io.StringIO(text)) if row[4] == CODE)
    assert lee[11] == "'=Sue, S"
