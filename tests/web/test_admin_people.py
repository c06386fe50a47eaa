"""The administrators' People pages: everyone searched and paged, a person's account with
its sign-in lock, and changing their role, lifting the lock, downloading their data and
erasing the account, each through the service its command uses, audited with the
administrator as the actor, and each told (never a second record) when sent twice."""

import html
import io
import json
import re
import zipfile

import pytest
from sqlalchemy import func, select

from app import db
from app.models import AuditEvent, Organisation, User
from app.models_practice import ConfirmationRequest, Supervisor
from app.models_teams import Leaver
from app.services import people_actions, people_admin
from tests.conftest import (
    DEMO_PASSWORD,
    confirm_professional,
    csrf_token,
    post_form,
    sign_in,
)
from tests.unreachable_redis import app_counting_in_unreachable_redis
from tests.web.error_summary import summary_of
from tests.web.statements import statements
from tests.web.test_dashboard_counts import differences
from tests.web.test_quiz_concurrency import at_once, tab
from tests.web.test_statement_counts import TARGET

ORG, OTHER = "Riverside PCN", "Hillside PCN"
PEOPLE = "/admin/people/"


def _admin(app, make_user, email="ada@example.org"):
    admin = app.test_client()
    sign_in(admin, make_user(email, role="admin", full_name="Ada Admin"))
    return admin


def _id(app, email) -> int:
    with app.app_context():
        return db.session().scalar(select(User.id).where(User.email == email))


def _events(app, kind) -> list[AuditEvent]:
    with app.app_context():
        found = select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id)
        return db.session().scalars(found).all()


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.text)


def _plain(response) -> str:
    """Return the page's words, without its tags."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.text))


def _words(response) -> str:
    """Return the page's words as read: no tags, entities unescaped."""
    return html.unescape(_plain(response))


def _person(user_id: int) -> str:
    return f"{PEOPLE}{user_id}"


def test_the_list_shows_name_email_role_and_organisation_in_two_statements(app, make_user):
    make_user("sam@example.org", org=ORG, full_name="Sam Learner")
    make_user("tess@example.org", role="trainer", full_name="Tess Trainer")
    admin = _admin(app, make_user)
    with statements(app) as run:
        page = admin.get(PEOPLE)
    assert page.status_code == 200
    assert len(run) <= TARGET, list(run)
    row = re.search(
        r"<tr[^>]*>\s*<td[^>]*><div[^>]*><a[^>]*>Sam Learner</a>.*?</tr>", page.text, re.S
    )
    assert "sam@<wbr>example.org" in row.group(0)
    assert ">Learner<" in row.group(0) and ">Riverside PCN<" in row.group(0)
    assert "Tess Trainer" in page.text and ">Trainer<" in page.text
    assert "3 people." in page.text
    assert f'href="{PEOPLE}"' in admin.get("/admin/audit").text  # in the navigation
    assert "<title>People - " in page.text


def test_the_lists_statements_stay_two_however_many_people_there_are(app, make_user):
    admin = _admin(app, make_user)
    for n in range(60):
        make_user(f"p{n:02d}@example.org", org=ORG if n % 2 else OTHER, full_name=f"P {n:02d}")
    for path in (PEOPLE, PEOPLE + "?page=2", PEOPLE + "?q=p1", PEOPLE + "?q=P&page=3"):
        with statements(app) as run:
            page = admin.get(path)
        assert len(re.findall(r'href="/admin/people/\d+"', page.text)) >= 10, path
        assert len(run) <= TARGET, (path, list(run))
    with statements(app) as run:  # a page past the last reads the last: one more
        page = admin.get(PEOPLE + "?page=99")
    assert "page 3 of 3" in page.text
    assert len(run) <= TARGET + 1, list(run)


def test_searching_finds_names_and_addresses_in_any_case_and_pages_keep_the_search(app, make_user):
    for n in range(27):
        make_user(f"smith{n:02d}@riverside.example", full_name=f"Alex Smith {n:02d}")
    make_user("jo@hillside.example", full_name="Jo Jones")
    admin = _admin(app, make_user)
    first = admin.get(PEOPLE + "?q=SMITH")
    assert "27 people have a name or email address containing ‘SMITH’, page 1 of 2" in _plain(first)
    assert "Jo Jones" not in first.text and "Alex Smith 00" in first.text
    assert "Alex Smith 26" not in first.text
    assert "?page=2&amp;q=SMITH" in first.text  # the next page keeps the search
    second = admin.get(PEOPLE + "?q=SMITH&page=2")
    assert "Alex Smith 26" in second.text and "page 2 of 2" in second.text
    by_address = _plain(admin.get(PEOPLE + "?q=%40hillside"))
    assert "Jo Jones" in by_address and "1 person has" in by_address
    assert "Alex Smith" not in by_address
    everyone = admin.get(PEOPLE).text
    assert "29 people, page 1 of 2." in everyone


def test_no_match_and_an_empty_search_are_each_told(app, make_user):
    make_user("sam@example.org", full_name="Sam Learner")
    admin = _admin(app, make_user)
    none = admin.get(PEOPLE + "?q=%3Cb%3Ezz%25_")
    assert none.status_code == 200
    assert "No one found" in none.text
    assert "No account has a name or email address containing ‘&lt;b&gt;zz%_’" in _plain(none)
    assert "<b>zz" not in none.text
    assert f'<a href="{PEOPLE}">Show everyone</a>' in none.text
    empty = admin.get(PEOPLE + "?q=+++")
    assert "You did not enter a name or email address, so everyone is listed." in empty.text
    assert "Sam Learner" in empty.text
    assert "You did not enter" not in admin.get(PEOPLE).text


def test_an_erased_account_is_listed_and_shown_without_anything_it_held(app, make_user):
    make_user("sam@example.org", org=ORG, full_name="Sam Learner")
    admin = _admin(app, make_user)
    sam = _id(app, "sam@example.org")
    assert (
        post_form(admin, _person(sam) + "/erase", {}, page=_person(sam) + "/erase").status_code
        == 302
    )
    admin.get(_person(sam))  # the notice read
    listed = admin.get(PEOPLE).text
    assert f"Erased account {sam}" in listed
    assert "Sam Learner" not in listed and "sam@" not in listed and "erased-" not in listed
    assert "Erased account" not in admin.get(PEOPLE + "?q=erased").text  # never found by name
    page = admin.get(_person(sam)).text
    assert f"<h1>Erased account {sam}</h1>" in page
    assert "Sam Learner" not in page and "sam@" not in page and "erased-" not in page
    assert "Lift the sign-in lock" not in page and "Download their data" not in page


def test_a_persons_page_shows_their_account_and_that_sign_in_is_not_locked(app, runner, make_user):
    make_user("sam@example.org", org=ORG, full_name="Sam Learner", profession="link-worker")
    assert runner.invoke(args=["create-team", ORG, "Elm Practice"]).exit_code == 0
    assert (
        runner.invoke(args=["place-in-team", "sam@example.org", ORG, "Elm Practice"]).exit_code == 0
    )
    assert runner.invoke(args=["set-supervisor", "sam@example.org"]).exit_code == 0
    admin, sam = _admin(app, make_user), _id(app, "sam@example.org")
    with statements(app) as run:
        page = admin.get(_person(sam))
    assert page.status_code == 200
    assert len(run) <= TARGET, list(run)
    said = _text(page)
    for key, value in (
        ("Email address", "sam@example.org"),
        ("Role", "Learner"),
        ("Organisation", '<span class="lw-user-text">Riverside PCN</span>'),
        ("Team", '<span class="lw-user-text">Elm Practice</span>'),
        ("Profession", "Social prescribing link worker"),
        ("Supervisor", 'Yes, of <span class="lw-user-text">Riverside PCN</span>'),
        ("Last signed in", "Never"),
        ("Sign-in", "Not locked: no failed sign-ins or wrong current passwords"),
    ):
        row = f'__key">{key}</dt><dd class="nhsuk-summary-list__value">{value}'
        assert row in said, key
    assert "Account created</dt>" in said
    assert "<title>Sam Learner - " in said
    assert f'href="{PEOPLE}"' in said  # the back link


def _fail_sign_ins(app, email, times=5):
    guesser = app.test_client()
    confirm_professional(guesser)
    for _ in range(times):
        post_form(guesser, "/sign-in", {"email": email, "password": "not the password"})


def test_a_locked_account_is_shown_locked_and_lifting_it_is_audited_with_the_administrator(
    app, make_user
):
    make_user("sam@example.org", full_name="Sam Learner")
    admin = _admin(app, make_user)
    sam = _id(app, "sam@example.org")
    _fail_sign_ins(app, "sam@example.org")
    shown = _text(admin.get(_person(sam)))
    assert re.search(
        r"Stopped now: signing in to this account from ([\d.]+), for 1[45] more minutes "
        r"\(5 of 5 failed sign-ins from \1\)\.",
        shown,
    )
    lifted = post_form(admin, _person(sam) + "/unlock", {}, page=_person(sam))
    assert lifted.status_code == 302 and lifted.location.endswith(_person(sam))
    told = _text(admin.get(_person(sam)))
    lifted_said = (
        r"For sam@example.org: 5 of 5 failed sign-ins from ([\d.]+) forgotten, so they can "
        r"sign in from \1 again; 5 of 50 failed sign-ins from any address forgotten\."
    )
    assert re.search(lifted_said, told)
    assert "Not locked: no failed sign-ins" in told
    sam_client = app.test_client()
    assert sign_in(sam_client, "sam@example.org").status_code == 302  # signs in at once
    [event] = _events(app, "sign_in.unlocked")
    assert (event.actor_id, event.subject_id, event.via) == (
        _id(app, "ada@example.org"),
        sam,
        "web",
    )
    assert event.detail["was_locked"] is True and "os_user" not in event.detail
    # Nothing counted now: told so, and nothing recorded.
    post_form(admin, _person(sam) + "/unlock", {}, page=_person(sam))
    again = _text(admin.get(_person(sam)))
    assert "There was no sign-in lock on sam@example.org" in again
    assert len(_events(app, "sign_in.unlocked")) == 1


def test_a_rate_limit_store_that_cannot_be_reached_is_said_in_one_sentence(
    database_url, smtp_server
):
    with app_counting_in_unreachable_redis(database_url, smtp_server) as (app, where):
        with app.app_context():
            from app.services import account_admin

            for email, role in (("ada@example.org", "admin"), ("sam@example.org", "learner")):
                account_admin.create_user(
                    email=email,
                    full_name="Sam Learner",
                    password=DEMO_PASSWORD,
                    profession="gp",
                    role=role,
                )
        admin = app.test_client()
        sign_in(admin, "ada@example.org")
        sam = _id(app, "sam@example.org")
        page = admin.get(_person(sam))
        assert page.status_code == 200
        said = _text(page)
        assert f"We cannot tell: the sign-in counts at {where} cannot be reached just now." in said
        assert "hunter2" not in said
        lifted = post_form(admin, _person(sam) + "/unlock", {}, page=_person(sam))
        assert lifted.status_code == 302
        told = _text(admin.get(_person(sam)))
        assert f"Nothing was lifted: the sign-in counts at {where} cannot be reached" in told
        assert _events(app, "sign_in.unlocked") == []


def _change(admin, user_id, role, organisation=""):
    form = _person(user_id) + "/role"
    return post_form(admin, form, {"role": role, "organisation": organisation}, page=form)


def test_a_role_is_changed_after_confirming_and_audited_once_of_two_clicks(app, make_user):
    make_user("sam@example.org", org=ORG, full_name="Sam Learner")
    admin = _admin(app, make_user)
    sam = _id(app, "sam@example.org")
    form = _person(sam) + "/role"
    assert admin.get(form).status_code == 200
    shown = post_form(admin, form + "/confirm", {"role": "trainer", "organisation": ""}, page=form)
    assert shown.status_code == 200
    assert "<h1>Make them a trainer?</h1>" in shown.text
    assert "their role changes from learner to trainer" in shown.text
    assert _events(app, "role.changed") == []  # nothing changed yet
    token, tabs = csrf_token(admin, form), (admin, tab(app, admin))
    sent = at_once(
        [lambda c=c: c.post(form, data={"csrf_token": token, "role": "trainer", "organisation": ""})
         for c in tabs]
    )  # fmt: skip
    assert [r.status_code for r in sent] == [302, 302]
    told = " ".join(_text(c.get(_person(sam))) for c in tabs)
    assert "Sam Learner is now a trainer of Riverside PCN." in told
    assert "Sam Learner is already a trainer of Riverside PCN: nothing was changed." in told
    [event] = _events(app, "role.changed")
    assert (event.actor_id, event.subject_id, event.via) == (
        _id(app, "ada@example.org"),
        sam,
        "web",
    )
    assert (event.detail["old"], event.detail["new"]) == ("learner", "trainer")
    assert "os_user" not in event.detail


def test_moving_someone_to_another_organisation_names_both_in_the_event(app, make_user):
    make_user("sam@example.org", org=ORG, full_name="Sam Learner")
    make_user("hal@example.org", org=OTHER)
    admin = _admin(app, make_user)
    sam = _id(app, "sam@example.org")
    with app.app_context():
        from app.models import Organisation

        other = db.session().scalar(select(Organisation.id).where(Organisation.name == OTHER))
    form = _person(sam) + "/role"
    assert f'<option value="{other}" >{OTHER}</option>' in _text(admin.get(form))
    shown = post_form(
        admin, form + "/confirm", {"role": "manager", "organisation": str(other)}, page=form
    )
    said = _text(shown)
    assert 'they leave <span class="lw-user-text">Riverside PCN</span> as a leaver' in said
    assert 'they see every learner of <span class="lw-user-text">Hillside PCN</span>' in said
    assert _change(admin, sam, "manager", str(other)).status_code == 302
    [event] = _events(app, "role.changed")
    assert (event.detail["old_organisation"], event.detail["new_organisation"]) == (ORG, OTHER)
    assert event.detail["new"] == "manager"
    assert ">Hillside PCN<" in admin.get(_person(sam)).text


def test_a_role_change_that_cannot_be_made_is_told_inline_and_in_the_summary(app, make_user):
    make_user("sam@example.org", full_name="Sam Learner")  # in no organisation
    admin = _admin(app, make_user)
    sam = _id(app, "sam@example.org")
    form = _person(sam) + "/role"
    for role, organisation, field, said in (
        ("", "", "#role", "Select the role Sam Learner should have"),
        ("owner", "", "#role", "Select the role Sam Learner should have"),
        ("manager", "", "#organisation", "Select the organisation Sam Learner will manage"),
        ("learner", "99999", "#organisation", "Select an organisation from the list"),
        ("learner", "x", "#organisation", "Select an organisation from the list"),
    ):
        for step in ("/confirm", ""):
            refused = post_form(
                admin, form + step, {"role": role, "organisation": organisation}, page=form
            )
            assert refused.status_code == 400, (role, step)
            assert summary_of(refused).links == [field], (role, step)
            assert refused.text.count(said) == 2, (role, step)  # the summary and inline
            assert "<title>Error: " in refused.text
    assert _events(app, "role.changed") == []


def test_the_role_someone_has_is_said_to_be_theirs_and_records_nothing(app, make_user):
    make_user("sam@example.org", org=ORG, full_name="Sam Learner")
    admin = _admin(app, make_user)
    sam = _id(app, "sam@example.org")
    form = _person(sam) + "/role"
    for step in ("/confirm", ""):
        sent = post_form(admin, form + step, {"role": "learner", "organisation": ""}, page=form)
        assert sent.status_code == 302
        told = _text(admin.get(_person(sam)))
        assert "Sam Learner is already a learner of Riverside PCN: nothing was changed." in told
    assert _events(app, "role.changed") == []


def test_the_last_administrator_is_not_demoted(app, make_user):
    admin = _admin(app, make_user)
    ada = _id(app, "ada@example.org")
    form = _person(ada) + "/role"
    assert "(the only administrator)" in admin.get(_person(ada)).text
    for step in ("/confirm", ""):
        refused = post_form(admin, form + step, {"role": "learner", "organisation": ""}, page=form)
        assert refused.status_code == 400
        assert summary_of(refused).links == ["#role"]
        said = (
            "Ada Admin is the only administrator. Make someone else an administrator before "
            "you change their role"
        )
        assert refused.text.count(said) == 2
    assert _events(app, "role.changed") == []
    # With a second administrator, one steps down (here, themselves: told what it means).
    make_user("bo@example.org", role="admin", full_name="Bo Other")
    shown = post_form(admin, form + "/confirm", {"role": "learner", "organisation": ""}, page=form)
    assert "this is your own account, so you will not reach these pages either" in shown.text
    assert _change(admin, ada, "learner").status_code == 302
    assert admin.get(PEOPLE).status_code == 404


def test_two_administrators_stepping_each_other_down_at_once_leave_one(app, make_user):
    ada_client = _admin(app, make_user)
    bo_client = app.test_client()
    sign_in(bo_client, make_user("bo@example.org", role="admin", full_name="Bo Other"))
    ada, bo = _id(app, "ada@example.org"), _id(app, "bo@example.org")
    tokens = [csrf_token(c, _person(u) + "/role") for c, u in ((ada_client, bo), (bo_client, ada))]
    down = {"role": "learner", "organisation": ""}
    sent = at_once(
        [
            lambda: ada_client.post(_person(bo) + "/role", data={"csrf_token": tokens[0], **down}),
            lambda: bo_client.post(_person(ada) + "/role", data={"csrf_token": tokens[1], **down}),
        ]
    )
    assert sorted(r.status_code for r in sent) in ([302, 400], [302, 404])
    with app.app_context():
        admins = db.session().scalar(select(func.count(User.id)).where(User.role == "admin"))
    assert admins == 1
    assert len(_events(app, "role.changed")) == 1


def test_the_data_download_is_what_export_user_writes_and_is_audited(app, make_user):
    make_user("sam@example.org", org=ORG, full_name="Sam Learner")
    admin = _admin(app, make_user)
    sam = _id(app, "sam@example.org")
    sent = post_form(admin, _person(sam) + "/data", {}, page=_person(sam))
    assert sent.status_code == 200 and sent.mimetype == "application/zip"
    assert f'filename="linkwise-data-{sam}.zip"' in sent.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(sent.data)) as archive:
        data = json.loads(archive.read("linkwise-data.json"))
    assert "sam@example.org" in json.dumps(data)
    [event] = _events(app, "data.exported")
    assert (event.actor_id, event.subject_id, event.via) == (
        _id(app, "ada@example.org"),
        sam,
        "web",
    )


def test_erasing_says_what_happens_and_a_second_click_is_told_it_was_erased(app, make_user):
    make_user("sam@example.org", org=ORG, full_name="Sam Learner")
    admin = _admin(app, make_user)
    sam = _id(app, "sam@example.org")
    url = _person(sam) + "/erase"
    shown = _text(admin.get(url))
    assert "<title>Erase Sam Learner's account? - " in shown
    assert "Important: this cannot be undone" in shown and "nhsuk-card--warning" in shown
    for fact in (
        "the account is anonymised",
        "their certificates are withdrawn",
        "free text about them is deleted",
        'they are taken out of <span class="lw-user-text">Riverside PCN</span> as a leaver',
        "that no one has decided are closed",
    ):
        assert fact in shown, fact
    assert _events(app, "account.erased") == []  # nothing changed yet
    token, tabs = csrf_token(admin, url), (admin, tab(app, admin))
    sent = at_once([lambda c=c: c.post(url, data={"csrf_token": token}) for c in tabs])
    assert [r.status_code for r in sent] == [302, 302]
    told = " ".join(_text(c.get(_person(sam))) for c in tabs)
    assert f"The account of sam@example.org is erased: it is now account {sam}, anonymised." in told
    assert "This account was already erased: nothing was changed." in told
    [event] = _events(app, "account.erased")
    assert (event.actor_id, event.subject_id, event.via) == (
        _id(app, "ada@example.org"),
        sam,
        "web",
    )
    assert "os_user" not in event.detail
    with app.app_context():  # taken out of the organisation, once
        from app.models_teams import Leaver

        assert db.session().get(User, sam).organisation_id is None
        assert db.session().scalar(select(func.count(Leaver.id))) == 1
    # Every other action on the erased account changes nothing and says why.
    for action in ("/role", "/unlock", "/data"):
        sent = post_form(admin, _person(sam) + action, {"role": "trainer"}, page=_person(sam))
        assert sent.status_code == 302, action
        assert "This account was erased on" in admin.get(_person(sam)).text
    assert _events(app, "role.changed") == [] and _events(app, "data.exported") == []


def test_an_administrator_cannot_erase_their_own_account_here(app, make_user):
    admin = _admin(app, make_user)
    make_user("bo@example.org", role="admin", full_name="Bo Other")
    ada = _id(app, "ada@example.org")
    assert "This is your own account: you cannot erase it here." in admin.get(_person(ada)).text
    url = _person(ada) + "/erase"
    refused = post_form(admin, url, {}, page=url)
    assert refused.status_code == 400
    assert summary_of(refused).links == ["#erase"]
    said = "You cannot erase your own account here. Another administrator can erase it"
    assert refused.text.count(said) == 2
    assert _events(app, "account.erased") == []
    assert admin.get(PEOPLE).status_code == 200  # still signed in, still an administrator


def test_the_last_administrator_is_not_erased(app, make_user):
    make_user("sam@example.org", full_name="Sam Learner")
    make_user("ada@example.org", role="admin", full_name="Ada Admin")
    with app.app_context():  # only reachable by a race: no other administrator is acting
        ada = people_admin.person(_id(app, "ada@example.org"))
        with pytest.raises(people_actions.ErasureRefused) as refused:
            people_actions.erase(_id(app, "sam@example.org"), ada)
    assert "Ada Admin is the only administrator" in refused.value.message
    assert _events(app, "account.erased") == []


def test_unknown_ids_are_not_found(app, make_user):
    admin = _admin(app, make_user)
    for path in ("/999999", "/999999/role", "/999999/erase"):
        assert admin.get(PEOPLE + path.lstrip("/")).status_code == 404, path
    token = csrf_token(admin, PEOPLE + str(_id(app, "ada@example.org")))
    for path in ("/role/confirm", "/role", "/unlock", "/data", "/erase"):
        sent = admin.post(f"{PEOPLE}999999{path}", data={"csrf_token": token, "role": "learner"})
        assert sent.status_code == 404, path


def test_other_roles_find_none_of_these_pages(app, make_user):
    make_user("sam@example.org", org=ORG)
    sam = _id(app, "sam@example.org")
    paths = [PEOPLE, _person(sam), _person(sam) + "/role", _person(sam) + "/erase"]
    posts = [_person(sam) + p for p in ("/role/confirm", "/role", "/unlock", "/data", "/erase")]
    for role in ("learner", "trainer", "manager"):
        client = app.test_client()
        sign_in(client, make_user(f"{role}@example.org", role=role, org=ORG))
        token = csrf_token(client, "/account/details")
        for path in paths:
            assert client.get(path).status_code == 404, (role, path)
        for path in posts:
            sent = client.post(path, data={"csrf_token": token, "role": "admin"})
            assert sent.status_code == 404, (role, path)
        assert f'href="{PEOPLE}"' not in client.get("/account/").text
    kinds = ("role.changed", "account.erased", "data.exported", "sign_in.unlocked")
    assert not [e for kind in kinds for e in _events(app, kind)]


def _org_id(app, name) -> int:
    with app.app_context():
        return db.session().scalar(select(Organisation.id).where(Organisation.name == name))


def _confirm(admin, user_id, role, organisation=""):
    form = _person(user_id) + "/role"
    sent = {"role": role, "organisation": organisation}
    return post_form(admin, form + "/confirm", sent, page=form)


def test_wrong_current_passwords_say_they_stop_only_the_pages_that_ask_for_it(app, make_user):
    make_user("sam@example.org", full_name="Sam Learner")
    admin = _admin(app, make_user)
    sam = _id(app, "sam@example.org")
    signed_in = app.test_client()
    sign_in(signed_in, "sam@example.org")
    for _ in range(5):
        wrong = {"email": "sam.new@example.org", "current_password": "wrong"}
        assert post_form(signed_in, "/account/email", wrong).status_code == 400
    assert sign_in(app.test_client(), "sam@example.org").status_code == 302  # signs in
    shown = _plain(admin.get(_person(sam)))
    assert "Locked now" not in shown
    assert (
        "Stopped now: changing their password or email address and deleting their account, for "
    ) in shown
    assert "(5 of 5 failed current passwords). They can still sign in: only the pages" in shown
    post_form(admin, _person(sam) + "/unlock", {}, page=_person(sam))
    told = _plain(admin.get(_person(sam)))
    assert "sign-in lock on sam@example.org is lifted" not in told
    assert (
        "For sam@example.org: 5 of 5 failed current passwords forgotten, so they can change "
        "their password or email address, or delete their account, again."
    ) in told


def test_an_address_at_its_limit_for_everyone_is_said_to_stop_sign_in_from_there(app, make_user):
    make_user("sam@example.org", full_name="Sam Learner")
    admin = _admin(app, make_user)
    sam = _id(app, "sam@example.org")
    _fail_sign_ins(app, "sam@example.org", 2)
    for number in range(6):
        _fail_sign_ins(app, f"colleague{number}@example.org", 3)
    shown = _plain(admin.get(_person(sam)))
    assert "Not locked" not in shown
    assert "Not stopped: 2 of 5 failed sign-ins from " in shown
    assert re.search(
        r"Stopped now for everyone: signing in from [\d.]+, at any account, for 1[45] more "
        r"minutes \(20 of 20 failed sign-ins from that address\)\. Lifting does not end this",
        shown,
    )
    post_form(admin, _person(sam) + "/unlock", {}, page=_person(sam))
    told = _plain(admin.get(_person(sam)))
    assert re.search(
        r"For sam@example.org: 2 of 5 failed sign-ins from [\d.]+ forgotten; 2 of 50 failed "
        r"sign-ins from any address forgotten; none of these was stopping anything\.",
        told,
    )
    assert "are still stopped for everyone there: 20 of 20 failed sign-ins" in told


def test_making_someone_a_trainer_says_which_learners_they_will_see(app, make_user):
    make_user("sam@example.org", full_name="Sam Learner")  # in no organisation
    make_user("kim@example.org", org=ORG, full_name="Kim Learner")
    admin = _admin(app, make_user)
    hint = _words(admin.get(_person(_id(app, "sam@example.org")) + "/role"))
    assert "Writes and previews" not in hint
    assert "looks up learners' quiz attempts and gives extra attempts" in hint
    nowhere = _words(_confirm(admin, _id(app, "sam@example.org"), "trainer"))
    assert (
        "they can look up every learner on the site, of every organisation by email address, "
        "see their email address, organisation and quiz attempts, and give them extra attempts"
    ) in nowhere
    assert "written as files in the course's folder" not in nowhere  # the page's own words
    assert "trainers write them as files in the course's folder, not on this site" in nowhere
    of_organisation = _plain(_confirm(admin, _id(app, "kim@example.org"), "trainer"))
    assert "they can look up any learner of Riverside PCN by email address" in of_organisation
    assert "every learner on the site" not in of_organisation


def test_an_administrator_who_demotes_themselves_lands_on_a_page_they_reach(app, make_user):
    admin = _admin(app, make_user)
    make_user("bea@example.org", role="admin", full_name="Bea Admin")
    ada = _id(app, "ada@example.org")
    sent = _change(admin, ada, "learner")
    assert sent.status_code == 302 and sent.location.endswith("/account/")
    landed = admin.get(sent.location)
    assert landed.status_code == 200
    assert "Ada Admin is now a learner." in _plain(landed)
    assert admin.get(_person(ada)).status_code == 404


def test_moving_a_manager_says_only_what_is_true_and_leaves_no_leaver_row(app, runner, make_user):
    make_user("mo@example.org", role="manager", org=ORG, full_name="Mo Manager")
    make_user("kim@example.org", org=ORG, full_name="Kim Learner")
    make_user("hal@example.org", org=OTHER)
    for team in ("Elm Practice", "Oak Practice"):
        assert runner.invoke(args=["create-team", ORG, team]).exit_code == 0
    confine = ["set-manager-teams", "mo@example.org", ORG, "Oak Practice", "Elm Practice"]
    assert runner.invoke(args=confine).exit_code == 0
    admin = _admin(app, make_user)
    mo, other = _id(app, "mo@example.org"), _org_id(app, OTHER)
    said = _plain(_confirm(admin, mo, "manager", str(other)))
    assert "no longer count among its learners" not in said
    assert "their competency levels count in its figures" not in said
    assert "as a leaver" not in said
    assert (
        "they manage Hillside PCN instead: they see every learner of it, and no longer those of "
        "Riverside PCN; the teams they were kept to are let go: Elm Practice, Oak Practice"
    ) in said
    assert "as a manager they were not among its learners, so its figures and list" in said
    assert "they join Hillside PCN; as a manager they do not count among its learners" in said
    to_learner = _plain(_confirm(admin, mo, "learner"))
    assert "the teams they were kept to are let go: Elm Practice, Oak Practice" in to_learner
    assert _change(admin, mo, "manager", str(other)).status_code == 302
    with app.app_context():
        assert db.session().scalar(select(func.count(Leaver.id))) == 0
    assert differences(app) == 0
    # The command's move is the same service: a manager moved back leaves no leaver row.
    moved = runner.invoke(args=["set-role", "mo@example.org", "manager", "--org", ORG])
    assert moved.exit_code == 0, moved.output
    with app.app_context():
        assert db.session().scalar(select(func.count(Leaver.id))) == 0
    # A learner moved is a leaver, as before; the counts still agree.
    assert (
        runner.invoke(args=["set-role", "kim@example.org", "learner", "--org", OTHER]).exit_code
        == 0
    )
    with app.app_context():
        [leaver] = db.session().scalars(select(Leaver)).all()
        assert leaver.user_id == _id(app, "kim@example.org")
    assert differences(app) == 0


@pytest.mark.parametrize("searched", ["ærø", "ÆRØ", "zoË"])
def test_searching_folds_every_letters_case_as_postgresql_does(app, make_user, searched):
    make_user("zoe@example.org", full_name="Zoë Ærøskøbing")
    make_user("sam@example.org", full_name="Sam Learner")
    admin = _admin(app, make_user)
    found = _plain(admin.get(PEOPLE + "?q=" + searched))
    assert "Zoë Ærøskøbing" in found and "1 person has" in found
    assert "Sam Learner" not in found


def test_a_learner_made_a_manager_is_told_what_they_keep(app, runner, make_user):
    make_user("sam@example.org", org=ORG, full_name="Sam Learner")
    make_user("kim@example.org", org=ORG, full_name="Kim Learner")
    make_user("sue@example.org", org=ORG, full_name="Sue Supervisor")
    assert runner.invoke(args=["create-team", ORG, "Elm Practice"]).exit_code == 0
    place = ["place-in-team", "sam@example.org", ORG, "Elm Practice"]
    assert runner.invoke(args=place).exit_code == 0
    for email in ("sam@example.org", "sue@example.org"):
        assert runner.invoke(args=["set-supervisor", email]).exit_code == 0
    sam, kim, sue, org = (
        _id(app, "sam@example.org"),
        _id(app, "kim@example.org"),
        _id(app, "sue@example.org"),
        _org_id(app, ORG),
    )
    with app.app_context():
        session = db.session()
        for learner, supervisor in ((kim, sam), (kim, sam), (sam, sue)):
            session.add(
                ConfirmationRequest(
                    user_id=learner,
                    organisation_id=org,
                    supervisor_id=supervisor,
                    competency_code="SP-01",
                )
            )
        session.commit()
    admin = _admin(app, make_user)
    said = _plain(_confirm(admin, sam, "manager"))
    assert "they stay in their team, Elm Practice" in said
    assert (
        "they stay a supervisor of Riverside PCN, with 2 requests to confirm practice waiting "
        "for them to decide"
    ) in said
    assert "the 1 request to confirm practice they sent, not yet decided, stay open" in said
    assert _change(admin, sam, "manager").status_code == 302  # the behaviour is unchanged
    then = _plain(_confirm(admin, sam, "trainer"))
    assert "they no longer see the learners of Riverside PCN" in then
    assert "they stay a supervisor of Riverside PCN, with 2 requests" in then
    with app.app_context():
        assert db.session().scalar(select(Supervisor.user_id).where(Supervisor.user_id == sam))


def test_own_erasure_is_refused_before_the_button(app, make_user):
    admin = _admin(app, make_user)
    make_user("bea@example.org", role="admin", full_name="Bea Admin")
    page = admin.get(_person(_id(app, "ada@example.org")) + "/erase")
    assert page.status_code == 200
    said = _plain(page)
    assert "You cannot erase your own account here. Another administrator can erase it." in said
    assert 'id="erase"' not in page.text and "this cannot be undone" not in said


def test_an_erased_accounts_role_form_says_it_is_erased_and_shows_nothing_it_held(app, make_user):
    make_user("sam@example.org", org=ORG, full_name="Sam Learner")
    admin = _admin(app, make_user)
    sam = _id(app, "sam@example.org")
    post_form(admin, _person(sam) + "/erase", {}, page=_person(sam) + "/erase")
    admin.get(_person(sam))  # the notice read
    form = admin.get(_person(sam) + "/role")
    assert form.status_code == 302
    told = _plain(admin.get(form.location))
    assert "it has no role to change." in told and "nothing was changed" not in told
    assert "Riverside PCN" not in told and ">Learner<" not in admin.get(_person(sam)).text
    listed = admin.get(PEOPLE)
    row = re.search(
        rf"<tr[^>]*>\s*<td[^>]*><a[^>]*>Erased account {sam}</a>.*?</tr>", listed.text, re.S
    )
    assert "Riverside PCN" not in row.group(0) and "Learner" not in row.group(0)


def test_role_changes_erasures_and_unlocks_record_the_address(app, make_user):
    make_user("sam@example.org", org=ORG, full_name="Sam Learner")
    make_user("kim@example.org", full_name="Kim Learner")
    admin = _admin(app, make_user)
    sam, kim = _id(app, "sam@example.org"), _id(app, "kim@example.org")
    _fail_sign_ins(app, "kim@example.org", 2)
    assert _change(admin, sam, "trainer").status_code == 302
    post_form(admin, _person(kim) + "/unlock", {}, page=_person(kim))
    post_form(admin, _person(sam) + "/erase", {}, page=_person(sam) + "/erase")
    [unlocked] = _events(app, "sign_in.unlocked")
    assert unlocked.address == "127.0.0.1"
    [erased] = _events(app, "account.erased")
    assert erased.address == "127.0.0.1"
    # Erasure forgets the addresses of events about the person, the role change's too.
    assert [e.address for e in _events(app, "role.changed")] == [None]
    assert _change(admin, kim, "trainer").status_code == 302
    assert _events(app, "role.changed")[-1].address == "127.0.0.1"


def test_the_confirmation_pages_back_link_keeps_the_role_and_organisation(app, make_user):
    make_user("sam@example.org", org=ORG, full_name="Sam Learner")
    make_user("hal@example.org", org=OTHER)
    admin = _admin(app, make_user)
    sam, other = _id(app, "sam@example.org"), _org_id(app, OTHER)
    shown = _confirm(admin, sam, "manager", str(other))
    back = re.search(r'class="nhsuk-back-link[^"]*"[^>]*href="([^"]+)"', shown.text).group(1)
    form = admin.get(back.replace("&amp;", "&")).text
    assert re.search(r'value="manager"[^>]*checked', form)
    assert re.search(rf'<option value="{other}" selected', form)


def test_lifting_does_not_say_sign_in_is_freed_while_the_address_stays_stopped(app, make_user):
    make_user("sam@example.org", full_name="Sam Learner")
    admin = _admin(app, make_user)
    sam = _id(app, "sam@example.org")
    _fail_sign_ins(app, "sam@example.org", 5)
    for number in range(5):
        _fail_sign_ins(app, f"colleague{number}@example.org", 3)
    post_form(admin, _person(sam) + "/unlock", {}, page=_person(sam))
    told = _plain(admin.get(_person(sam)))
    assert re.search(
        r"For sam@example.org: 5 of 5 failed sign-ins from ([\d.]+) forgotten, though signing "
        r"in from \1 stays stopped \(below\); 5 of 50 failed sign-ins from any address "
        r"forgotten\.",
        told,
    )
    assert "so they can sign in" not in told
    assert "are still stopped for everyone there: 20 of 20 failed sign-ins" in told


def test_erasing_a_trainer_of_an_organisation_leaves_no_leaver_row(app, make_user):
    """Its figures and list of leavers count learners: a trainer erased is taken out of the
    organisation without a leaver row, as a move takes them, and the page says so."""
    make_user("tess@example.org", role="trainer", org=ORG, full_name="Tess Trainer")
    admin = _admin(app, make_user)
    tess = _id(app, "tess@example.org")
    url = _person(tess) + "/erase"
    shown = _text(admin.get(url))
    assert "so it keeps no leaver row for them" in shown and "as a leaver" not in shown
    assert post_form(admin, url, {}).status_code == 302
    with app.app_context():
        assert db.session().get(User, tess).organisation_id is None
        assert db.session().scalar(select(func.count(Leaver.id))) == 0
    assert differences(app) == 0
