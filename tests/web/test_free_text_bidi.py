"""Right-to-left controls in free text (a reflection, a supervisor's comments and action
plan) cannot reorder the page around it: each page shows such text isolated (`dir="auto"`
on an element of its own, or `<bdi>` after a label), and the signed-off PDF drops the
explicit embedding, override and isolate controls."""

import re

from tests.web.test_confirmation_validity import riverside_manager
from tests.web.test_practice import (  # noqa: F401 (people is a fixture)
    decide,
    page_url,
    people,
    self_assess,
    the_request,
    user_id,
)
from tests.web.test_practice_record import ask, pdf_text

RLO, PDF_END = "\u202e", "\u202c"
REFLECTION = f"Met Mrs B {RLO}at home{PDF_END} and rang her GP"
COMMENTS = f"Well done {RLO}listening{PDF_END} to her"
PLAN = f"Watch two {RLO}first meetings{PDF_END} first"
# Every explicit bidi control: embeddings and overrides, then isolates.
CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def isolated(page: str, text: str) -> bool:
    """Say whether each place the page shows text, it stands alone in an isolating element:
    all of an element with dir="auto", or all of a <bdi>."""
    shown = page.count(text)
    alone = len(re.findall(r'dir="auto">' + re.escape(text) + "<", page)) + page.count(
        f"<bdi>{text}</bdi>"
    )
    return shown > 0 and alone == shown


def test_free_text_with_an_override_is_shown_isolated_and_printed_without_it(
    app,
    people,  # noqa: F811
    make_user,
):
    learner, sue, _ = people
    manager = riverside_manager(app, make_user)
    assert self_assess(learner, "4", "after", REFLECTION).status_code == 302
    ask(learner, app)
    request_id = the_request(app)
    supervisor_page = sue.get(f"/supervise/requests/{request_id}").text
    assert isolated(supervisor_page, REFLECTION)
    assert decide(sue, request_id, outcome="confirmed", comments=COMMENTS).status_code == 302

    learner_page = learner.get(page_url()).text
    assert isolated(learner_page, REFLECTION) and isolated(learner_page, COMMENTS)
    decided = sue.get(f"/supervise/requests/{request_id}").text
    assert isolated(decided, REFLECTION) and isolated(decided, COMMENTS)
    lee = user_id(app, "learner@example.org")
    assert isolated(manager.get(f"/manage/learners/{lee}").text, COMMENTS)

    printed = pdf_text(learner, request_id)
    assert not CONTROLS.search(printed)
    assert "Met Mrs B at home and rang her GP" in printed
    assert "Well done listening to her" in printed


def test_an_action_plan_with_an_override_is_shown_isolated(
    app,
    people,  # noqa: F811
    make_user,
):
    learner, sue, _ = people
    manager = riverside_manager(app, make_user)
    ask(learner, app)
    decide(sue, the_request(app), outcome="returned", action_plan=PLAN)
    assert isolated(learner.get(page_url()).text, PLAN)
    lee = user_id(app, "learner@example.org")
    assert isolated(manager.get(f"/manage/learners/{lee}").text, PLAN)
