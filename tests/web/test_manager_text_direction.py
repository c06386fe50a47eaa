"""Free text a manager types that pages and the audit log show back (the named learners'
addresses on Assignments, the reason for an extra attempt) refuses the characters that turn
the direction of the text after them, as names do (domain/names.py: direction_problem)."""

import html

from sqlalchemy import func, select

from app import db
from app.models import AttemptGrant, AuditEvent
from app.models_assignments import Assignment
from tests.conftest import post_form, sign_in
from tests.web.course_files import (  # noqa: F401 (fixtures: the copied course)
    app_on_copy,
    course_copy,
    module_with_test_quiz,
)
from tests.web.error_summary import summary_of
from tests.web.test_quiz import finish_screens
from tests.web.test_quiz_next_attempt import learner_id, use_every_attempt, with_quiz

RLO, PDF = "\u202e", "\u202c"
TURNED = "must not include hidden characters that change the direction of text"


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model).where(*where))


def test_named_learners_addresses_with_an_override_are_refused_naming_the_field(
    app, client, pcn, module
):
    sign_in(client, "lead@example.org")
    form = {"modules": module.slug, "who": "learners", "due-day": "1", "due-month": "1"}
    form["due-year"] = "2031"
    for typed in (RLO, f"asha@example.org {RLO}ben@example.org{PDF}"):
        refused = post_form(client, "/manage/assignments", form | {"emails": typed})
        assert refused.status_code == 400, typed
        page = html.unescape(refused.text)
        assert f"The email addresses {TURNED}" in page
        assert "Type the addresses again rather than pasting them" in page
        assert "No learner in your organisation has" not in page  # no address read
        assert 'href="#emails"' in refused.text
        summary_of(refused)
    assert _count(app, Assignment) == 0


def test_an_extra_attempts_reason_with_an_override_is_refused_and_nothing_given(
    app, client, course, module, make_user
):
    module = with_quiz(app, course, module, attempts=1)
    email = make_user(org="Riverside PCN")
    make_user(email="m@example.org", role="manager", org="Riverside PCN", full_name="Mo Manager")
    finish_screens(app, email, module)
    sign_in(client, email)
    use_every_attempt(app, client, module)
    manager = app.test_client()
    sign_in(manager, "m@example.org")
    page_url = f"/manage/learners/{learner_id(app)}"
    quiz_id = module.assessment.id
    data = {"quiz_id": quiz_id, "reason": f"Was {RLO}unwell{PDF} on the day"}
    refused = post_form(manager, page_url + "/extra-attempt", data, page=page_url)
    assert refused.status_code == 400
    assert f"Reason {TURNED}" in html.unescape(refused.text)
    assert f'href="#reason-{quiz_id}"' in refused.text
    summary_of(refused)
    assert _count(app, AttemptGrant) == 0
    assert _count(app, AuditEvent, AuditEvent.kind == "quiz.extra-attempt") == 0
