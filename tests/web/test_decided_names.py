"""The lists of decisions name each competency as it was decided: code and name, as recorded.

A decision records the competency's name (migration 0025), so a competency renamed or taken
out of the framework since is still listed by the name its supervisor decided on, in the
learner's updates from their supervisor and in the supervisor's list of decided requests.
"""

import lxml.html

from app.content import catalogue
from app.services import rating_recompute
from tests.web import course_files
from tests.web.course_files import app_on_copy  # noqa: F401 (fixture: the copied course)
from tests.web.journeys import pass_module
from tests.web.test_competency_left_framework import (
    own_course,  # noqa: F401 (fixture: a copy of the course for one test)
    take_out_asking_what_matters,
)
from tests.web.test_practice import decide, people, the_request  # noqa: F401
from tests.web.test_practice_record import ask


def listed(page: str, heading: str) -> list[tuple[str, str]]:
    """Return each link in the list under `heading`: its text and where it goes."""
    html = lxml.html.fromstring(page)
    [found] = html.xpath(f'//h2[normalize-space()="{heading}"]/following-sibling::ul[1]')
    return [(" ".join(a.text_content().split()), a.get("href")) for a in found.xpath(".//a")]


def test_decisions_are_listed_by_the_name_each_competency_had_when_decided(
    app,
    people,  # noqa: F811
    course,
):
    learner, sue, _ = people
    with app.app_context():
        module = catalogue().module("how-the-system-works")
    pass_module(app, learner, "learner@example.org", module)
    assert ask(learner, app, code="SPLW-1.1").status_code == 302
    confirmed = the_request(app)
    assert decide(sue, confirmed, outcome="confirmed").status_code == 302
    assert ask(learner, app, code="SPLW-1.2").status_code == 302
    returned = the_request(app)
    plan = "Show me two conversations."
    assert decide(sue, returned, outcome="returned", action_plan=plan).status_code == 302
    # Since: SPLW-1.2 is renamed, SPLW-1.1 taken out of the framework.
    framework = course / "competencies" / "splw.yaml"
    course_files.edit(framework, "name: Active listening\n", "name: Listening with care\n")
    take_out_asking_what_matters(course)
    course_files.reload(app)
    with app.app_context():
        rating_recompute.recompute_levels(catalogue())

    updates = listed(learner.get("/my/competencies").text, "Updates from your supervisor")
    assert updates == [
        ("SPLW-1.2 Active listening", "/my/competencies/SPLW-1.2#confirmation"),
        ("SPLW-1.1 Asking what matters", "#no-longer-in-framework"),
    ]
    decided = listed(sue.get("/supervise/").text, "Decided")
    assert decided == [
        ("Lee Learner, SPLW-1.2 Active listening", f"/supervise/requests/{returned}"),
        ("Lee Learner, SPLW-1.1 Asking what matters", f"/supervise/requests/{confirmed}"),
        (
            "record as PDF for Lee Learner, SPLW-1.1",
            f"/my/competencies/confirmations/{confirmed}.pdf",
        ),
    ]
    # Each decision opens as it was decided, under that name.
    opened = sue.get(f"/supervise/requests/{returned}")
    assert opened.status_code == 200 and "SPLW-1.2 Active listening</h1>" in opened.text


def test_the_latest_decision_is_listed_first_and_a_return_claims_no_comments(
    app,
    people,  # noqa: F811
    mailbox,
):
    learner, sue, _ = people
    asked = []
    for code in ("SPLW-1.1", "SPLW-1.2"):
        assert ask(learner, app, code=code).status_code == 302
        asked.append(the_request(app))
    # The later request is decided first: each list puts the latest decision on top.
    plan = "Show me two conversations."
    assert decide(sue, asked[1], outcome="returned", action_plan=plan).status_code == 302
    assert "comments" not in mailbox.body("learner@example.org")  # none were written
    assert decide(sue, asked[0], outcome="confirmed").status_code == 302
    updates = listed(learner.get("/my/competencies").text, "Updates from your supervisor")
    assert [text for text, _ in updates] == [
        "SPLW-1.1 Asking what matters",
        "SPLW-1.2 Active listening",
    ]
    decided = listed(sue.get("/supervise/").text, "Decided")
    assert [href for _, href in decided if "/supervise/" in href] == [
        f"/supervise/requests/{asked[0]}",
        f"/supervise/requests/{asked[1]}",
    ]
