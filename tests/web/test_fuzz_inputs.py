"""Hostile input to every form and every URL parameter answers 4xx, never 500.

Hypothesis sends NUL bytes, control characters, very long values, huge and negative
numbers and odd Unicode to every field of every form a learner, a manager and an
administrator can reach, and to every parameter of every route (path and query string).
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models_teams import Team
from app.rate_limits import limiter
from app.services import learning
from tests.conftest import confirm_professional, post_form, sign_in
from tests.web.journeys import pass_module, user_id

# Each of these goes into every field and every parameter, one at a time; then Hypothesis
# mixes them with arbitrary text.
SPECIALS = [
    "",
    "\x00",
    "a\x00b",
    "x" * 300,
    "é" * 2000,
    "2147483648",
    "-1",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "../../etc/passwd",
    "%00",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "\r\n\t",
    "\u202e\u200b",
    # Digits to isdigit() that int() refuses ('²', '①'), digits int() reads that no form
    # sends (Arabic-Indic, full-width), and more digits than int() converts at all.
    "²",
    "1²",
    "①",
    "٣",
    "１２",
    "1" * 5000,
    # The last and first days dates hold: a To day ends at the start of the next one.
    "9999-12-31",
    "0001-01-01",
]
HOSTILE = st.one_of(
    st.sampled_from(SPECIALS), st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
)
QUERY_NAMES = (
    "page",
    "check",
    "sort",
    "profession",
    "module",
    "next",
    "since",
    "until",
    "kind",
    "email",
    "answered",
    "years",
    "team",
    "status",
    "framework",
    "code",
    "q",
    "x",
)
FUZZ = settings(
    max_examples=8,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class _Forms(HTMLParser):
    """Collect every POST form on a page: its action and its field names."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self.forms.append((attrs.get("action") or "", {}))
        elif tag in ("input", "textarea", "select", "button") and self.forms:
            name = attrs.get("name")
            if name and name != "csrf_token":
                # What the page itself would send: the field's own value, else a plain word.
                self.forms[-1][1].setdefault(name, attrs.get("value") or "Sam")


def forms_on(client, url):
    parser = _Forms()
    parser.feed(client.get(url).text)
    return [(action or url, fields, url) for action, fields in parser.forms]


# Each test runs in parts that xdist can spread over its workers: the forms by whose they
# are (the learner's quiz attempt, a third of the posts, on its own), the routes by blueprint.
# A blueprint named in no group is in "other", so none is left out.
FORM_PARTS = ("visitor", "trainer", "admin", "manager", "learner", "learner-attempt")
RULE_GROUPS = {
    "staff": {"manage", "admin", "credential_admin", "people_admin", "author"},
    "learning": {"learn", "quiz", "my", "certificates", "competencies", "practice", "supervise"},
}
URL_PARTS = (*RULE_GROUPS, "other", "learner-pages")
# The forms each part finds today (40 in all): a part that finds fewer lost some.
FORMS_AT_LEAST = {
    "visitor": 5,
    "trainer": 0,
    "admin": 5,
    "manager": 5,
    "learner": 24,
    "learner-attempt": 1,
}


@dataclass(frozen=True)
class World:
    """The people of a part, signed in, and what their pages are about."""

    clients: dict
    modules: list
    attempt: str
    code: str


@pytest.fixture
def people(app, make_user, monkeypatch):
    """Return a function that builds the same world for every part and signs in whom it names.

    A learner mid-way and certified, a manager with a team, an administrator and a trainer
    always exist, so a page holds the same forms whichever part opens it. The learner and
    the manager make the world through the pages; the others sign in only when asked for.
    """
    # Explore the handlers, not the throttle. The limiter reads RATELIMIT_ENABLED only as
    # an app is made, so setting it here did nothing: most posts to sign-in and to delete
    # the account were answered 429 before reaching their handlers.
    monkeypatch.setattr(limiter, "enabled", False)

    def build(*roles):
        make_user(email="manager@example.org", role="manager", org="Riverside PCN")
        make_user(email="admin@example.org", role="admin")
        make_user(email="learner@example.org", org="Riverside PCN")
        learner = app.test_client()
        sign_in(learner, "learner@example.org")
        with app.app_context():
            modules = [m for m in catalogue().modules if m.assessment]
        code = pass_module(app, learner, "learner@example.org", modules[0])
        # The second module's screens are read, so its quiz opens: an attempt in progress.
        with app.app_context():
            for key in modules[1].screen_item_keys:
                learning.record(user_id(app, "learner@example.org"), modules[1].slug, key)
            db.session().commit()
        attempt = post_form(learner, f"/modules/{modules[1].slug}/quiz/", {}).location
        assert "/attempts/" in attempt, attempt
        manager = app.test_client()
        sign_in(manager, "manager@example.org")
        post_form(manager, "/manage/teams", {"name": "Blue team"})  # to place learners in
        make_user(email="trainer@example.org", role="trainer")
        clients = {"learner": learner, "manager": manager}
        for role in ("admin", "trainer"):
            if role in roles:
                clients[role] = app.test_client()
                sign_in(clients[role], f"{role}@example.org")
        if "visitor" in roles:
            clients["visitor"] = app.test_client()
            confirm_professional(clients["visitor"])
        return World(clients, modules, attempt, code)

    return build


def _page_urls(modules, attempt):
    module = modules[0]
    screen = module.screens[0]
    return [
        "/sign-in",
        "/register",
        "/forgot-password",
        "/confirm-professional",
        "/account/",
        "/account/details",
        "/account/email",
        "/account/organisation",
        "/account/data",
        "/account/delete",
        f"/modules/{module.slug}/",
        f"/modules/{module.slug}/{screen.slug}/",
        *(f"/modules/{m.slug}/{s.slug}/" for m in modules for s in m.screens if s.knowledge_check),
        f"/modules/{module.slug}/certificate/",
        f"/modules/{modules[1].slug}/quiz/",
        attempt,
    ]


def _staff_page_urls(app, modules, code):
    """Pages with forms for managers, administrators and trainers, and the learner's others."""
    learner = user_id(app, "learner@example.org")
    with app.app_context():
        competency = catalogue().framework_for("practice-nurse").competencies[0].code
        team = db.session().scalar(select(Team.id))
    quiz = modules[0].assessment.id
    return {
        # Last: leaving takes the learner out of the organisation.
        "learner": ["/my/team", f"/my/competencies/{competency}", "/account/organisation/leave"],
        "manager": [
            "/manage/assignments",
            "/manage/teams",
            "/manage/managers",
            f"/manage/teams/{team}",
            f"/manage/learners/{learner}",
            f"/manage/learners/{learner}/supervisor?named=yes",  # the learner page's question
            f"/manage/learners/{learner}/remove",  # last: it may take the learner away
        ],
        "admin": [
            f"/admin/credentials/?code={code}",
            f"/admin/people/{learner}/role",
            f"/admin/people/{learner}",
            f"/admin/people/{learner}/erase",  # last: it erases the learner
        ],
        "trainer": [
            "/author/quizzes",
            f"/author/quizzes/{quiz}/items",
            f"/author/learners/{learner}",
        ],
        "visitor": ["/credentials/check"],
    }


@pytest.mark.parametrize("part", FORM_PARTS)
def test_every_form_field_answers_4xx_never_500(app, people, part):
    role = part.partition("-")[0]
    world = people(role)
    client = world.clients[role]
    staff = _staff_page_urls(app, world.modules, world.code)
    urls = {
        "visitor": ["/sign-in", "/register", "/forgot-password", "/confirm-professional"],
        "learner": _page_urls(world.modules, world.attempt),
        "learner-attempt": [world.attempt],
    }.get(part, [])
    targets, seen = [], set()
    for url in [*urls, *staff.get(part, [])]:
        for action, fields, page in forms_on(client, url):
            # Signing out (the header's form on every page) would leave the rest of the
            # forms answering the sign-in page: it goes last, below.
            if action in seen or action == "/sign-out":
                continue
            if (action == world.attempt) == (part == "learner-attempt"):
                seen.add(action)
                targets.append((action, {"action": "save", **fields}, page))
    assert len(targets) >= FORMS_AT_LEAST[part], [t[0] for t in targets]
    for action, fields, page in targets:
        token = _token_on(client.get(page).text)
        for name in fields:
            for value in SPECIALS:
                data = {**fields, name: value, "csrf_token": token}
                response = client.post(action, data=data)
                assert response.status_code < 500, (action, name, value, response.status_code)
                # The handler answered, not the throttle in front of it.
                assert response.status_code != 429, (action, name, value)
        _fuzz_form(client, action, sorted(fields), token)
    if role == "visitor":
        return  # never signed in
    # Signed in throughout: the forms' own handlers answered, not the sign-in.
    account = client.get("/account/")
    assert account.status_code == 200
    token = _token_on(account.text)
    for value in SPECIALS:
        response = client.post("/sign-out", data={"csrf_token": token, "next": value})
        assert response.status_code < 500, ("/sign-out", value, response.status_code)


def _token_on(page: str) -> str:
    """Return the CSRF token in a page's forms, or "" for a page without one."""
    if "csrf_token" not in page:
        return ""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert match, "a csrf_token field without its value"
    return match.group(1)


def _fuzz_form(client, action, fields, token):
    @FUZZ
    @given(st.fixed_dictionaries({name: HOSTILE for name in fields}))
    def post(values):
        response = client.post(action, data={**values, "csrf_token": token})
        assert response.status_code < 500, (action, values, response.status_code)

    post()


@pytest.mark.parametrize("part", URL_PARTS)
def test_every_url_and_query_parameter_answers_4xx_never_500(app, people, part):
    world = people("admin", "trainer")
    learner, manager, admin, trainer = (
        world.clients[role] for role in ("learner", "manager", "admin", "trainer")
    )
    if part == "learner-pages":
        # The learner's own pages, at their real addresses: a parameter only a page that
        # exists reads (a knowledge check's ?check=) is never reached through a fuzzed path.
        for url in _page_urls(world.modules, world.attempt):
            for value in SPECIALS:
                response = learner.get(f"{url}?{urlencode(dict.fromkeys(QUERY_NAMES, value))}")
                assert response.status_code < 500, (url, value, response.status_code)
        return
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and _group(r) == part]
    assert rules, part
    viewers = [learner, manager, admin, trainer]
    for rule in rules:
        # The viewer the route is for: a manager's pages to the manager, and so on.
        viewer = {
            "manage": manager,
            "admin": admin,
            "credential_admin": admin,
            "people_admin": admin,
            "author": trainer,
        }.get(rule.endpoint.partition(".")[0], learner)
        for value in SPECIALS:
            path = re.sub(r"<[^<>]+>", quote(value, safe="") or "x", rule.rule)
            response = viewer.get(f"{path}?{urlencode(dict.fromkeys(QUERY_NAMES, value))}")
            response.close()  # a streamed export holds its request open until closed
            assert response.status_code < 500, (path, value, response.status_code)
        _fuzz_rule(rule, viewers)


def _group(rule) -> str:
    blueprint = rule.endpoint.partition(".")[0]
    return next((name for name, group in RULE_GROUPS.items() if blueprint in group), "other")


def _fuzz_rule(rule, viewers):
    @FUZZ
    @given(
        st.fixed_dictionaries({name: HOSTILE for name in rule.arguments}),
        st.dictionaries(st.sampled_from(QUERY_NAMES), HOSTILE, max_size=3),
        st.sampled_from(viewers),
    )
    def get(path_values, query, viewer):
        path = re.sub(
            r"<(?:[^:<>]+:)?([^<>]+)>",
            lambda m: quote(path_values[m.group(1)], safe="") or "x",
            rule.rule,
        )
        query_string = urlencode(query)
        response = viewer.get(f"{path}?{query_string}" if query_string else path)
        response.close()
        assert response.status_code < 500, (path, query, response.status_code)

    get()
