"""A confirmation decided before decisions kept their framework and wording (migration 0025),
on a competency already out of every framework file at that upgrade: its decision holds the
code, who decided and when, and NULL for the framework and the name. It stays on the
learner's record all the same, saying what was not recorded, and on the manager's grid."""

import html
from datetime import UTC, datetime

from sqlalchemy import select

from app import db
from app.models import CompetencyName, User
from tests.conftest import sign_in
from tests.nu_checker import nu_errors
from tests.web.confirmations import decided_request
from tests.web.statements import statements
from tests.web.test_practice import people  # noqa: F401

DECIDED = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


def confirm_before_0025(app, code: str, *, at=DECIDED, outcome="confirmed") -> None:
    """Record a decision as migration 0025 left one on a competency gone at the upgrade."""
    with app.app_context():
        session = db.session()
        lee = session.scalar(select(User).where(User.email == "learner@example.org"))
        sue = session.scalar(select(User).where(User.email == "sue@example.org"))
        decided_request(
            session,
            user_id=lee.id,
            organisation_id=lee.organisation_id,
            supervisor_id=sue.id,
            competency_code=code,
            requested_at=at,
            outcome=outcome,
            decided_by=sue.id,
            decided_by_name="Sue Supervisor",
            decided_at=at,
        )
        session.commit()


def section(page: str, anchor: str) -> str:
    return page.split(f'id="{anchor}"', 1)[1].split("</ul>", 1)[0] if anchor in page else ""


def test_a_confirmation_whose_framework_was_never_recorded_stays_on_the_record(
    app,
    people,  # noqa: F811
    make_user,
    tmp_path,
):
    learner, _, _ = people
    confirm_before_0025(app, "GONE-1")
    confirm_before_0025(app, "GONE-2", at=DECIDED.replace(month=5))
    confirm_before_0025(app, "GONE-3", outcome="returned")  # returned: nothing confirmed
    with app.app_context():  # a name recorded for one of them (it came back, then left)
        db.session().add(
            CompetencyName(
                competency_code="GONE-2",
                framework_id="old",
                name="Naming the gone",
                first_seen_at=DECIDED,
                last_seen_at=DECIDED,
            )
        )
        db.session().commit()
    with statements(app) as run:
        mine = learner.get("/my/competencies").text
    assert len(run) == 2, run
    listed = html.unescape(section(mine, "framework-not-recorded"))
    assert (
        "GONE-1</strong> (name not recorded): a supervisor confirmed your practice on "
        "4 March 2026; the framework it was in was not recorded." in listed
    )
    assert (
        "GONE-2</strong> Naming the gone: a supervisor confirmed your practice on 4 May 2026"
        in (listed)
    )
    assert "GONE-3" not in mine
    # It claims no framework: the sentence naming the learner's framework is not said of it.
    assert "These competencies have been taken out of" not in mine
    # No signed-off record is offered: its wording was never recorded.
    assert "confirmations/" not in listed

    make_user(email="lead@example.org", role="manager", org="Riverside PCN")
    manager = app.test_client()
    sign_in(manager, "lead@example.org")
    with app.app_context():
        lee = db.session().scalar(select(User.id).where(User.email == "learner@example.org"))
    theirs = html.unescape(manager.get(f"/manage/learners/{lee}").text)
    assert "GONE-1</strong> (name not recorded): a supervisor confirmed Lee Learner’s practice" in (
        theirs
    )
    grid = html.unescape(manager.get("/manage/?profession=link-worker").text)
    assert "GONE-1 (name not recorded): retired, no longer in any framework, not counted" in grid
    assert "GONE-2 Naming the gone: retired" in grid
    assert "GONE-3" not in grid
    assert nu_errors({"competencies": mine}, tmp_path) == []
