"""Every route in app.url_map, walked from outside its owner's reach.

Three rules hold for every rule the app has, so a route added later fails here until
someone decides which table below it belongs in:

- another organisation's object is not found: each route that names something a person or
  an organisation owns answers 404 to every role of another organisation (and sends a
  visitor to sign in), and changes nothing;
- every state change is a POST with a CSRF token: a POST without one answers 400 and
  changes nothing (the two exempt routes are listed with their reasons), and reading any
  page changes nothing but the audit log;
- each area answers only the roles it is for: anyone else in the same organisation gets
  404 and changes nothing, and a manager confined to teams reaches none of another team's.
"""

import hashlib
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from app import db
from app.content import catalogue
from app.models import Attempt, Base
from app.models_assignments import Assignment
from app.models_practice import ConfirmationRequest
from app.models_teams import Team
from app.services import assignments, learning, supervisors, teams
from tests.conftest import csrf_token, post_form, sign_in
from tests.web.journeys import pass_module, user_id

A, B = "Riverside PCN", "Hillside PCN"
ROLES = ("learner", "supervisor", "manager", "trainer", "admin")
CODE, SECOND_CODE = "SPLW-1.4", "SPLW-1.1"
CSRF_REFUSED = "Your form could not be sent"


def _world(app, runner, make_user) -> dict:
    """Two organisations with one person of every role each; A's learner has passed a
    module, been confirmed in practice once and is waiting on a second request; A has a team,
    an assignment to it and a second manager to confine."""
    for org, tag in ((A, "a"), (B, "b")):
        make_user(email=f"learner.{tag}@example.org", org=org, profession="link-worker")
        make_user(email=f"supervisor.{tag}@example.org", org=org, full_name="Sue Supervisor")
        for role in ("manager", "trainer", "admin"):
            make_user(email=f"{role}.{tag}@example.org", role=role, org=org)
        with app.app_context():
            supervisors.set_supervisor(None, user_id(app, f"supervisor.{tag}@example.org"), True,
                                       via="cli")  # fmt: skip
    make_user(email="second.manager.a@example.org", role="manager", org=A)
    made = runner.invoke(args=["create-team", A, "Elm", "--join-code", "ELM11111"])
    assert made.exit_code == 0, made.output
    placed = runner.invoke(args=["place-in-team", "learner.a@example.org", A, "Elm"])
    assert placed.exit_code == 0, placed.output
    clients = {}
    for org, tag in ((A, "a"), (B, "b")):
        for role in ROLES:
            clients[(org, role)] = app.test_client()
            sign_in(clients[(org, role)], f"{role}.{tag}@example.org")
    learner = clients[(A, "learner")]
    with app.app_context():
        module = next(m for m in catalogue().modules if m.assessment)
    code = pass_module(app, learner, "learner.a@example.org", module)
    sue = user_id(app, "supervisor.a@example.org")
    confirmed = _ask(app, learner, CODE, sue)
    _decide(clients[(A, "supervisor")], confirmed, outcome="confirmed", comments="Seen it.")
    waiting = _ask(app, learner, SECOND_CODE, sue)
    open_attempt = _start_quiz(app, clients[(A, "supervisor")], sue, module)
    with app.app_context():
        session = db.session()
        team = session.scalar(select(Team.id).where(Team.name == "Elm"))
        org = session.scalar(select(Team.organisation_id).where(Team.id == team))
        asked = assignments.Request((module.slug,), assignments.today(), team_id=team)
        assignments.assign(teams.Scope(org), None, asked, catalogue())
        assignment = session.scalar(select(func.max(Assignment.id)))
        learner_id = user_id(app, "learner.a@example.org")
        attempt = session.scalar(select(Attempt.id).where(Attempt.user_id == learner_id))
    return {
        "clients": clients,
        "module": module,
        "quiz": module.assessment.id,
        "code": code,
        "learner": learner_id,
        "second_manager": user_id(app, "second.manager.a@example.org"),
        "organisation": org,
        "team": team,
        "assignment": assignment,
        "attempt": attempt,
        "open_attempt": open_attempt,
        "confirmed": confirmed,
        "waiting": waiting,
    }


def _ask(app, client, code, supervisor) -> int:
    page = f"/my/competencies/{code}"
    asked = post_form(client, f"{page}/request", {"supervisor": str(supervisor)}, page=page)
    assert asked.status_code == 302, (code, asked.status_code)
    with app.app_context():
        return db.session().scalar(select(func.max(ConfirmationRequest.id)))


def _start_quiz(app, client, person, module) -> int:
    with app.app_context():
        for key in module.screen_item_keys:
            learning.record(person, module.slug, key)
        db.session().commit()
    started = post_form(client, f"/modules/{module.slug}/quiz/", {})
    assert started.status_code == 302, started.status_code
    return int(started.location.rstrip("/").rsplit("/", 1)[1])


def _decide(client, request_id, **form):
    url = f"/supervise/requests/{request_id}"
    shown = re.search(r'name="seen" value="([^"]*)"', client.get(url).text)
    decided = post_form(client, url, {"seen": shown.group(1), **form}, page=url)
    assert decided.status_code == 302, decided.status_code


@pytest.fixture
def world(app, runner, make_user):
    return _world(app, runner, make_user)


# Every rule whose address names something a person or an organisation owns: the role in
# organisation A that owns it, its address for A's object, and a form that would act on it.
# POSTs that end what others need (a removal, a deletion) come last in the owner's check.
OWNED = {
    "manage.learner": ("manager", "/manage/learners/{learner}", None),
    "manage.extra_attempt": (
        "manager",
        "/manage/learners/{learner}/extra-attempt",
        {"quiz_id": "{quiz}", "reason": "Was off sick"},
    ),
    "manage.confirm_supervisor": (
        "manager",
        "/manage/learners/{learner}/supervisor?named=yes",
        None,
    ),
    "manage.supervisor": (
        "manager",
        "/manage/learners/{learner}/supervisor",
        {"named": "yes", "confirmed": "yes"},
    ),
    "manage.confine_manager": (
        "manager",
        "/manage/managers/{second_manager}/teams",
        {"teams": "{team}"},
    ),
    "manage.confirm_withdrawal": ("manager", "/manage/assignments/{assignment}/withdraw", None),
    "manage.withdraw": (
        "manager",
        "/manage/assignments/{assignment}/withdraw",
        {"confirmed": "yes"},
    ),
    "manage.team_page": ("manager", "/manage/teams/{team}", None),
    "manage.rename_page": ("manager", "/manage/teams/{team}/name", None),
    "manage.rename_team": ("manager", "/manage/teams/{team}/name", {"name": "Ash", "was": "Elm"}),
    "manage.place_learner": (
        "manager",
        "/manage/teams/{team}/place",
        {"email": "supervisor.a@example.org"},
    ),
    "manage.confirm_team_deletion": ("manager", "/manage/teams/{team}/delete", None),
    "manage.confirm_team_code": ("manager", "/manage/teams/{team}/join-code", None),
    "manage.replace_team_code": (
        "manager",
        "/manage/teams/{team}/join-code",
        {"was": "ELM11111"},
    ),
    "manage.confirm_removal": ("manager", "/manage/learners/{learner}/remove", None),
    "author.learner": ("trainer", "/author/learners/{learner}", None),
    "author.extra_attempt": (
        "trainer",
        "/author/learners/{learner}/extra-attempt",
        {"quiz_id": "{quiz}", "reason": "Was off sick"},
    ),
    "quiz.attempt": ("learner", "/modules/{slug}/quiz/attempts/{attempt}/", None),
    # An attempt under way: a graded one sends its confirmation page on to the result.
    "quiz.confirm": ("supervisor", "/modules/{slug}/quiz/attempts/{open_attempt}/submit", None),
    "quiz.answer": (
        "supervisor",
        "/modules/{slug}/quiz/attempts/{open_attempt}/",
        {"action": "save"},
    ),
    "certificates.earlier_certificate_pdf": (
        "learner",
        "/modules/{slug}/certificates/{code}.pdf",
        None,
    ),  # fmt: skip
    "credentials.download_of_certificate": (
        "learner",
        "/modules/{slug}/credentials/{code}.jwt",
        None,
    ),
    "practice.confirmation_pdf": (
        "learner",
        "/my/competencies/confirmations/{confirmed}.pdf",
        None,
    ),  # fmt: skip
    "supervise.request_view": ("supervisor", "/supervise/requests/{waiting}", None),
    "supervise.decide": (
        "supervisor",
        "/supervise/requests/{waiting}",
        {"outcome": "confirmed", "comments": "Seen it."},
    ),
    "practice.confirm_withdrawal": (
        "learner",
        "/my/competencies/" + SECOND_CODE + "/requests/{waiting}/withdraw",
        None,
    ),
    "practice.withdraw": (
        "learner",
        "/my/competencies/" + SECOND_CODE + "/requests/{waiting}/withdraw",
        {"confirmed": "yes"},
    ),
    "credential_admin.confirm_revoke": (
        "admin",
        "/admin/credentials/{code}/revoke/confirm",
        {"reason": "Test"},
    ),
    "credential_admin.change_reason": (
        "admin",
        "/admin/credentials/{code}/revoke/change",
        {"reason": "Test"},
    ),
    "credential_admin.revoke": (
        "admin",
        "/admin/credentials/{code}/revoke",
        {"reason": "Test", "confirmed": "yes"},
    ),
    "manage.delete_team": ("manager", "/manage/teams/{team}/delete", {"was": "Elm"}),
    "manage.remove_learner": ("manager", "/manage/learners/{learner}/remove", {}),
    "organisation_admin.organisation": ("admin", "/admin/organisations/{organisation}", None),
    "organisation_admin.confirm_manager": (
        "admin",
        "/admin/organisations/{organisation}/managers/confirm",
        {"email": "supervisor.a@example.org"},
    ),
    "organisation_admin.make_manager": (
        "admin",
        "/admin/organisations/{organisation}/managers",
        {"email": "supervisor.a@example.org"},
    ),
    "organisation_admin.confirm_step_back": (
        "admin",
        "/admin/organisations/{organisation}/managers/step-back/confirm",
        {"email": "second.manager.a@example.org"},
    ),
    "organisation_admin.step_back": (
        "admin",
        "/admin/organisations/{organisation}/managers/step-back",
        {"email": "second.manager.a@example.org"},
    ),
    "people_admin.person": ("admin", "/admin/people/{learner}", None),
    "people_admin.role_form": ("admin", "/admin/people/{learner}/role", None),
    "people_admin.confirm_erasure": ("admin", "/admin/people/{learner}/erase", None),
    "people_admin.confirm_role": (
        "admin",
        "/admin/people/{learner}/role/confirm",
        {"role": "trainer", "organisation": ""},
    ),
    # The role they have: told so, nothing changes (the people after this need them).
    "people_admin.change_role": (
        "admin",
        "/admin/people/{learner}/role",
        {"role": "learner", "organisation": ""},
    ),
    "people_admin.unlock": ("admin", "/admin/people/{learner}/unlock", {}),
    "people_admin.download": ("admin", "/admin/people/{learner}/data", {}),
    "people_admin.erase": ("admin", "/admin/people/{learner}/erase", {}),  # last: it erases
}

# Rules with arguments that name nothing anyone owns, each with the reason.
NOT_OWNED = {
    "static": "the app's own static files",
    "learn.module": "a module of the course everyone takes; the signed-in user's own progress",
    "learn.screen": "a screen of the course; the signed-in user's own progress",
    "learn.complete_screen": "a screen of the course; the signed-in user's own progress",
    "learn.media": "a figure of the course",
    "quiz.knowledge_check": "a screen's knowledge check; the signed-in user's own answers",
    "quiz.overview": "a module's quiz; the signed-in user's own attempts",
    "quiz.start": "a module's quiz; starts the signed-in user's own attempt",
    "certificates.certificate": "the signed-in user's own certificate of the module",
    "certificates.certificate_pdf": "the signed-in user's own certificate of the module",
    "credentials.download": "the signed-in user's own credential of the module",
    "certificates.verify": "public by design: anyone holding a certificate's code checks it",
    "credentials.verify_code": "public by design: a verifier checks a credential by its code",
    "credentials.achievement": "the public Open Badges description of a module",
    "credentials.public_key": "the issuer's public key, published for verifiers",
    "credentials.status_list": "the public revocation list verifiers read",
    "practice.competency": "a competency of the framework; the signed-in user's own evidence",
    "practice.ask": "a competency of the framework; asks for the signed-in user's own practice",
    "practice.self_assessment": "a competency of the framework; the user's own self-assessment",
    "manage.compliance_export": "a file format of the manager's own organisation's report",
    "author.bank": "a quiz of the course every trainer writes for",
    "author.items": "a quiz of the course every trainer writes for",
    "author.items_csv": "a quiz of the course every trainer writes for",
    "author.start_preview": "a trainer's own preview of a quiz, kept in their session",
    "author.preview_attempt": "a trainer's own preview of a quiz, kept in their session",
    "author.submit_preview": "a trainer's own preview of a quiz, kept in their session",
    "author.confirm_preview": "a trainer's own preview of a quiz, kept in their session",
    "author.preview_result": "a trainer's own preview of a quiz, kept in their session",
    "join.link": "a join code a manager shares: it shows what joining means; its POST joins",
    "account.confirm_email": "a signed token mailed to its holder is the key",
    "auth.confirm_registration": "a signed token mailed to its holder is the key",
    "auth.finish_registration": "a signed token mailed to its holder is the key",
    "recovery.reset_password": "a signed token mailed to its holder is the key",
    "unsubscribe.confirm": "a signed token mailed to its holder is the key",
    "unsubscribe.unsubscribe": "a signed token mailed to its holder is the key",
}

# Across organisations by design: administrators run the whole service; trainers with no
# organisation and administrators reach every learner (app/web/author.py, _reach).
ACROSS_ORGANISATIONS = {
    ("author.learner", "admin"),
    ("author.extra_attempt", "admin"),
    ("credential_admin.confirm_revoke", "admin"),
    ("credential_admin.change_reason", "admin"),
    ("credential_admin.revoke", "admin"),
    ("organisation_admin.organisation", "admin"),
    ("organisation_admin.confirm_manager", "admin"),
    ("organisation_admin.make_manager", "admin"),
    ("organisation_admin.confirm_step_back", "admin"),
    ("organisation_admin.step_back", "admin"),
    ("people_admin.person", "admin"),
    ("people_admin.role_form", "admin"),
    ("people_admin.confirm_erasure", "admin"),
    ("people_admin.confirm_role", "admin"),
    ("people_admin.change_role", "admin"),
    ("people_admin.unlock", "admin"),
    ("people_admin.download", "admin"),
    ("people_admin.erase", "admin"),
}

# POSTs that take no CSRF token, each with the reason; every other POST needs one.
CSRF_EXEMPT = {
    "unsubscribe.unsubscribe": "a mail program's one-click POST (RFC 8058): the signed link",
    "credentials.verify_posted": "a machine posts a credential to check; nothing changes",
}

# The areas kept to some roles (a supervisor is a learner named by their organisation).
AREAS = {
    "manage": {"manager", "admin"},
    "author": {"trainer", "admin"},
    "admin": {"admin"},
    "credential_admin": {"admin"},
    "organisation_admin": {"admin"},
    "emails_admin": {"admin"},
    "people_admin": {"admin"},
    "supervise": {"supervisor"},
}


def _fill(text: str, world: dict) -> str:
    values = {name: value for name, value in world.items() if isinstance(value, int | str)}
    return text.format(slug=world["module"].slug, **values)


def _request(world, endpoint):
    role, path, form = OWNED[endpoint]
    form = None if form is None else {name: _fill(value, world) for name, value in form.items()}
    return role, _fill(path, world), form


def snapshot(app, leaving_out=frozenset()) -> str:
    """Return a digest of every row of every table (but those left out)."""
    digest = hashlib.sha256()
    with app.app_context():
        session = db.session()
        for table in Base.metadata.sorted_tables:
            if table.name in leaving_out:
                continue
            rows = sorted(repr(tuple(row)) for row in session.execute(select(table)))
            digest.update(f"{table.name}:{rows}".encode())
    return digest.hexdigest()


def _token(client) -> str:
    return csrf_token(client, "/account/details")


def _send(client, path, form, token):
    if form is None:
        return client.get(path)
    return client.post(path, data={"csrf_token": token, **form})


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.arguments]


def _sent_to_sign_in(response) -> bool:
    where = urlsplit(response.location or "").path
    return response.status_code == 302 and where in ("/sign-in", "/confirm-professional")


def test_every_rule_with_arguments_is_owned_or_says_why_not(app):
    endpoints = {rule.endpoint for rule in _rules(app)}
    assert not OWNED.keys() & NOT_OWNED.keys()
    unplaced = endpoints - OWNED.keys() - NOT_OWNED.keys()
    assert not unplaced, f"decide whether these name something owned: {sorted(unplaced)}"
    assert not (OWNED.keys() | NOT_OWNED.keys()) - endpoints  # none left standing


def test_another_organisation_finds_nothing_of_ours_and_changes_nothing(app, world):
    clients = world["clients"]
    for endpoint in OWNED:  # each address is A's object: its owner reaches it
        role, path, form = _request(world, endpoint)
        if form is None:
            response = clients[(A, role)].get(path)
            assert response.status_code == 200, (endpoint, path, response.status_code)
    before = snapshot(app)
    tokens = {role: _token(clients[(B, role)]) for role in ROLES}
    visitor, confirmed_visitor = app.test_client(), app.test_client()
    post_form(confirmed_visitor, "/confirm-professional", {"answer": "yes", "next": "/"})
    visitors = [(anyone, csrf_token(anyone, "/sign-in")) for anyone in (visitor, confirmed_visitor)]
    wrong = []
    for endpoint in OWNED:
        _, path, form = _request(world, endpoint)
        for role in ROLES:
            if (endpoint, role) in ACROSS_ORGANISATIONS:
                continue
            response = _send(clients[(B, role)], path, form, tokens[role])
            if response.status_code != 404:
                wrong.append((endpoint, f"{B} {role}", response.status_code))
        for anyone, token in visitors:
            response = _send(anyone, path, form, token)
            if response.status_code != 404 and not _sent_to_sign_in(response):
                wrong.append((endpoint, "visitor", response.status_code, response.location))
    assert not wrong, wrong
    assert snapshot(app) == before
    # Then each POST as its owner: the address is real, so the 404s above were ownership's.
    for endpoint in OWNED:
        role, path, form = _request(world, endpoint)
        if form is not None:
            response = clients[(A, role)].post(
                path, data={"csrf_token": _token(clients[(A, role)]), **form}
            )
            assert response.status_code != 404, (endpoint, path)
            assert CSRF_REFUSED.encode() not in response.data, (endpoint, path)  # a zip too


def _any_path(rule, world) -> str:
    """Return an address the rule matches: A's object where it names one."""
    owned = OWNED.get(rule.endpoint)
    if owned:
        return _fill(owned[1], world)
    module = world["module"]
    area = rule.endpoint.partition(".")[0]
    samples = {
        "module_slug": module.slug,
        "screen_slug": module.screens[0].slug,
        "quiz_id": world["quiz"],
        "code": {"practice": CODE, "join": "ELM11111"}.get(area, world["code"]),
        "kind": "csv",
    }
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(samples.get(m[1], "1")), rule.rule)


def _post_as(rule) -> str | None:
    """Return the role in A that uses this route, or None for a visitor."""
    area = rule.endpoint.partition(".")[0]
    if area in {"auth", "recovery", "gate", "credentials", "unsubscribe"}:
        return None if rule.endpoint != "auth.sign_out" else "learner"
    owned = OWNED.get(rule.endpoint)
    if owned:
        return owned[0]
    return {
        "manage": "manager",
        "author": "trainer",
        "admin": "admin",
        "credential_admin": "admin",
        "organisation_admin": "admin",
        "people_admin": "admin",
        "supervise": "supervisor",
    }.get(area, "learner")


def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(app, world):
    clients, visitor = world["clients"], app.test_client()
    posts = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]
    before = snapshot(app)
    wrong, exempt = [], set()
    for rule in posts:
        role = _post_as(rule)
        client = visitor if role is None else clients[(A, role)]
        path = _any_path(rule, world)
        form = (OWNED.get(rule.endpoint) or (None, None, None))[2] or {}
        form = {name: _fill(value, world) for name, value in form.items()}
        response = client.post(path, data={"email": "learner.a@example.org", **form})
        refused = response.status_code == 400 and CSRF_REFUSED in response.text
        if rule.endpoint in CSRF_EXEMPT and not refused:
            exempt.add(rule.endpoint)
        elif rule.endpoint in CSRF_EXEMPT or not refused:
            wrong.append((rule.endpoint, path, response.status_code))
    assert not wrong, wrong
    assert exempt == CSRF_EXEMPT.keys()
    assert snapshot(app) == before


def test_each_area_answers_only_its_roles(app, world):
    clients = world["clients"]
    tokens = {role: _token(clients[(A, role)]) for role in ROLES}
    before = snapshot(app)
    wrong, walked = [], set()
    for rule in app.url_map.iter_rules():
        area = rule.endpoint.partition(".")[0]
        if area not in AREAS:
            continue
        walked.add(area)
        path = _any_path(rule, world)
        form = (OWNED.get(rule.endpoint) or (None, None, None))[2] or {}
        form = {name: _fill(value, world) for name, value in form.items()}
        for role in set(ROLES) - AREAS[area]:
            for method in rule.methods & {"GET", "POST"}:
                sent = form if method == "POST" else None
                response = _send(clients[(A, role)], path, sent, tokens[role])
                if response.status_code != 404:
                    wrong.append((rule.endpoint, method, role, response.status_code))
    assert not wrong, wrong
    assert walked == AREAS.keys()
    assert snapshot(app) == before


def test_another_organisations_ids_in_a_form_change_nothing(app, runner, make_user, world):
    """The address is the sender's own; the form names A's team, learner or supervisor."""
    made = runner.invoke(args=["create-team", B, "Birch", "--join-code", "BIR22222"])
    assert made.exit_code == 0, made.output
    make_user(email="second.manager.b@example.org", role="manager", org=B)
    with app.app_context():
        session = db.session()
        birch = session.scalar(select(Team.id).where(Team.name == "Birch"))
        a_org = session.scalar(select(Team.organisation_id).where(Team.id == world["team"]))
    clients, slug = world["clients"], world["module"].slug
    sue = user_id(app, "supervisor.a@example.org")
    second_b = user_id(app, "second.manager.b@example.org")
    sent = [
        ("manager", "/manage/assignments", {"modules": slug, "who": "team",
                                            "team": str(world["team"]), "renew": "0"}),
        ("manager", "/manage/assignments", {"modules": slug, "who": "learners",
                                            "emails": "learner.a@example.org", "renew": "0"}),
        ("manager", f"/manage/managers/{second_b}/teams", {"teams": str(world["team"])}),
        ("manager", f"/manage/teams/{birch}/place", {"email": "learner.a@example.org"}),
        ("learner", f"/my/competencies/{CODE}/request", {"supervisor": str(sue)}),
        ("learner", f"/my/competencies/{SECOND_CODE}/requests/{world['waiting']}/withdraw",
         {"confirmed": "yes"}),
        ("learner", "/account/organisation/leave", {"organisation": str(a_org)}),
        ("supervisor", f"/supervise/requests/{world['waiting']}",
         {"outcome": "returned", "comments": "No.", "plan": "No."}),
    ]  # fmt: skip
    before, changed = snapshot(app), []
    for role, path, form in sent:
        client = clients[(B, role)]
        response = client.post(path, data={"csrf_token": _token(client), **form})
        if snapshot(app) != before or response.status_code < 300:
            changed.append((path, form, response.status_code))
    assert not changed, changed


def test_a_manager_confined_to_another_team_finds_nothing_of_this_one(
    app, runner, make_user, world
):
    """Within the organisation: a manager of Oak only reaches none of Elm's learner, team,
    assignment or managers, and changes nothing."""
    made = runner.invoke(args=["create-team", A, "Oak", "--join-code", "OAK33333"])
    assert made.exit_code == 0, made.output
    make_user(email="oak.manager@example.org", role="manager", org=A)
    confined = runner.invoke(args=["set-manager-teams", "oak.manager@example.org", A, "Oak"])
    assert confined.exit_code == 0, confined.output
    oak = app.test_client()
    sign_in(oak, "oak.manager@example.org")
    token, before, wrong = _token(oak), snapshot(app), []
    for endpoint in (e for e in OWNED if e.startswith("manage.")):
        _, path, form = _request(world, endpoint)
        response = _send(oak, path, form, token)
        if response.status_code != 404:
            wrong.append((endpoint, response.status_code))
    assert not wrong, wrong
    assert snapshot(app) == before


# Reading a page records who read it where the audit log asks for that (a manager viewing
# a learner, an export): rows in the audit log only.
READS_RECORDED_IN = {"audit_event"}


def test_no_page_read_changes_anything_but_the_audit_log(app, world):
    clients = world["clients"]
    before = snapshot(app, leaving_out=READS_RECORDED_IN)
    changed = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        role = _post_as(rule) or "learner"
        path = _any_path(rule, world)
        response = clients[(A, role)].get(path)
        response.close()
        after = snapshot(app, leaving_out=READS_RECORDED_IN)
        if after != before:
            changed.append((rule.endpoint, path, response.status_code))
            before = after
    assert not changed, changed
