"""A role change confirmed from a page opened before another administrator changed the
person's role, organisation or teams changes nothing: the page is shown again as they are
now, saying in the NHS error pattern what changed; a second click stays "already"."""

import html
import re

from sqlalchemy import select

from app import db
from app.models import AuditEvent
from app.models_teams import TeamManager
from app.services import account_admin
from tests.nu_checker import nu_errors
from tests.web.error_summary import summary_of
from tests.web.held_commit import second_while_first_commits
from tests.web.test_admin_people import ORG, _admin, _confirm, _id, _person

CHANGED = (
    "Their role changed after this page was opened: Sam Person is now a manager of "
    "Riverside PCN. Nothing was changed. Check what the change does now, then confirm it again"
)


def confirming(admin, user_id, role: str):
    """Open the confirmation page; return a call that sends its form, as its button does."""
    page = _confirm(admin, user_id, role).text
    form = re.search(r'<form method="post" action="[^"]*/role">(.*?)</form>', page, re.S)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(1)))
    return lambda: admin.post(_person(user_id) + "/role", data=fields)


def words(response) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.text).split()))


def role_events(app) -> list[tuple[str, str]]:
    with app.app_context():
        found = select(AuditEvent.detail).where(AuditEvent.kind == "role.changed")
        return [(d["old"], d["new"]) for d in db.session().scalars(found.order_by(AuditEvent.id))]


def test_a_page_opened_before_another_administrators_change_changes_nothing(
    app, runner, make_user, tmp_path
):
    make_user("sam@example.org", org=ORG, full_name="Sam Person")
    ada = _admin(app, make_user)
    bea = _admin(app, make_user, "bea@example.org")
    sam = _id(app, "sam@example.org")
    stale = confirming(ada, sam, "trainer")  # "their role changes from learner to trainer"
    assert confirming(bea, sam, "manager")().status_code == 302
    assert runner.invoke(args=["create-team", ORG, "Oak Practice"]).exit_code == 0
    confine = ["set-manager-teams", "sam@example.org", ORG, "Oak Practice"]
    assert runner.invoke(args=confine).exit_code == 0
    refused = stale()
    assert refused.status_code == 409
    said = words(refused)
    assert (
        "Their role and the teams they are kept to changed after this page was opened: Sam "
        "Person is now a manager of Riverside PCN, kept to Oak Practice. Nothing was changed."
    ) in said
    assert summary_of(refused)
    assert 'href="#change-role"' in refused.text and 'id="change-role-error"' in refused.text
    assert "<title>Error: " in refused.text
    assert nu_errors({"role change refused": refused.text}, tmp_path) == []
    # Shown again as Sam is now: what confirming it would do to a manager kept to Oak.
    assert "their role changes from manager to trainer" in said
    assert "the teams they were kept to are let go: Oak Practice" in said
    assert role_events(app) == [("learner", "manager")]
    with app.app_context():
        assert db.session().scalar(select(TeamManager.user_id)) == sam
    # Confirmed from the page shown again, the change is made.
    assert confirming(ada, sam, "trainer")().status_code == 302
    assert role_events(app) == [("learner", "manager"), ("manager", "trainer")]


def test_a_page_sent_while_another_administrators_change_commits_changes_nothing(app, make_user):
    make_user("sam@example.org", org=ORG, full_name="Sam Person")
    ada = _admin(app, make_user)
    bea = _id(app, make_user("bea@example.org", role="admin", full_name="Bea Admin"))
    sam = _id(app, "sam@example.org")
    stale = confirming(ada, sam, "trainer")

    def to_manager():
        return account_admin.set_role("sam@example.org", "manager", actor_id=bea, via="web")

    made, refused = second_while_first_commits(app, to_manager, stale)
    assert made.changed
    assert refused.status_code == 409 and CHANGED in words(refused)
    assert role_events(app) == [("learner", "manager")]


def test_a_second_click_on_the_same_page_is_told_it_was_made_already(app, make_user):
    make_user("sam@example.org", org=ORG, full_name="Sam Person")
    ada = _admin(app, make_user)
    sam = _id(app, "sam@example.org")
    send = confirming(ada, sam, "trainer")
    assert send().status_code == 302
    again = send()
    assert again.status_code == 302
    told = words(ada.get(again.location))
    assert "Sam Person is already a trainer of Riverside PCN: nothing was changed." in told
    assert role_events(app) == [("learner", "trainer")]
