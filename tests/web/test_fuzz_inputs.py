"""Hostile input to every form and every URL parameter answers 4xx, never 500.

Hypothesis sends NUL bytes, control characters, very long values, huge and negative
numbers and odd Unicode to every field of every form a learner, a manager and an
administrator can reach, and to every parameter of every route (path and query string).
"""

import re
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models_teams import Team
from app.services import learning
from tests.conftest import confirm_professional, csrf_token, sign_in
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


@pytest.fixture
def clients(app, make_user):
    """A learner mid-way and certified, a manager and an administrator, signed in."""
    app.config["RATELIMIT_ENABLED"] = False  # explore the handlers, not the throttle
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    make_user(email="admin@example.org", role="admin")
    make_user(email="learner@example.org", org="Riverside PCN")
    learner = app.test_client()
    sign_in(learner, "learner@example.org")
    with app.app_context():
        modules = [m for m in catalogue().modules if m.assessment]
    code = pass_module(app, learner, "learner@example.org", modules[0])
    from tests.conftest import post_form

    # The second module's screens are read, so its quiz opens: an attempt in progress.
    with app.app_context():
        for key in modules[1].screen_item_keys:
            learning.record(user_id(app, "learner@example.org"), modules[1].slug, key)
        db.session().commit()
    attempt = post_form(learner, f"/modules/{modules[1].slug}/quiz/", {}).location
    assert "/attempts/" in attempt, attempt
    others = []
    for email in ("manager@example.org", "admin@example.org"):
        client = app.test_client()
        sign_in(client, email)
        others.append(client)
    post_form(others[0], "/manage/teams", {"name": "Blue team"})  # a team to place learners in
    visitor = app.test_client()
    confirm_professional(visitor)
    make_user(email="trainer@example.org", role="trainer")
    trainer = app.test_client()
    sign_in(trainer, "trainer@example.org")
    return {
        "learner": (learner, modules, attempt),
        "manager": others[0],
        "admin": others[1],
        "visitor": visitor,
        "trainer": trainer,
        "code": code,
    }


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
            f"/manage/learners/{learner}/remove",  # last: it may take the learner away
        ],
        "admin": [f"/admin/credentials/?code={code}"],
        "trainer": [
            "/author/quizzes",
            f"/author/quizzes/{quiz}/items",
            f"/author/learners/{learner}",
        ],
        "visitor": ["/credentials/check"],
    }


def test_every_form_field_answers_4xx_never_500(app, clients):
    learner, modules, attempt = clients["learner"]
    staff = _staff_page_urls(app, modules, clients["code"])
    targets, seen = [], set()
    for client, urls in (
        (
            clients["visitor"],
            [
                "/sign-in",
                "/register",
                "/forgot-password",
                "/confirm-professional",
                *staff["visitor"],
            ],
        ),
        (clients["trainer"], staff["trainer"]),
        (clients["admin"], staff["admin"]),
        (clients["manager"], staff["manager"]),
        (learner, [*_page_urls(modules, attempt), *staff["learner"]]),
    ):
        for url in urls:
            for action, fields, page in forms_on(client, url):
                # Signing out (the header's form on every page) would leave the rest of the
                # forms answering the sign-in page: it goes last, below.
                if action != "/sign-out" and (id(client), action) not in seen:
                    seen.add((id(client), action))
                    targets.append((client, action, {"action": "save", **fields}, page))
    assert len(targets) >= 30, [t[1] for t in targets]
    for client, action, fields, page in targets:
        token = csrf_token(client, page) if "csrf_token" in client.get(page).text else ""
        for name in fields:
            for value in SPECIALS:
                data = {**fields, name: value, "csrf_token": token}
                response = client.post(action, data=data)
                assert response.status_code < 500, (action, name, value, response.status_code)
        _fuzz_form(client, action, sorted(fields), token)
    # Everyone was signed in throughout: the forms' own handlers answered, not the sign-in.
    signed_in = [learner, clients["manager"], clients["admin"], clients["trainer"]]
    for client in signed_in:
        assert client.get("/account/").status_code == 200
    for client in signed_in:
        token = csrf_token(client, "/account/")
        for value in SPECIALS:
            response = client.post("/sign-out", data={"csrf_token": token, "next": value})
            assert response.status_code < 500, ("/sign-out", value, response.status_code)


def _fuzz_form(client, action, fields, token):
    @FUZZ
    @given(st.fixed_dictionaries({name: HOSTILE for name in fields}))
    def post(values):
        response = client.post(action, data={**values, "csrf_token": token})
        assert response.status_code < 500, (action, values, response.status_code)

    post()


def test_every_url_and_query_parameter_answers_4xx_never_500(app, clients):
    learner, modules, _attempt = clients["learner"]
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods]
    viewers = [learner, clients["manager"], clients["admin"], clients["trainer"]]
    for rule in rules:
        # The viewer the route is for: a manager's pages to the manager, and so on.
        viewer = {
            "manage": viewers[1],
            "admin": viewers[2],
            "credential_admin": viewers[2],
            "author": viewers[3],
        }.get(rule.endpoint.partition(".")[0], learner)
        for value in SPECIALS:
            path = re.sub(r"<[^<>]+>", quote(value, safe="") or "x", rule.rule)
            response = viewer.get(f"{path}?{urlencode(dict.fromkeys(QUERY_NAMES, value))}")
            response.close()  # a streamed export holds its request open until closed
            assert response.status_code < 500, (path, value, response.status_code)
        _fuzz_rule(rule, viewers)
    # The learner's own pages, at their real addresses: a parameter only a page that exists
    # reads (a knowledge check's ?check=) is never reached through a fuzzed path.
    for url in _page_urls(modules, _attempt):
        for value in SPECIALS:
            response = learner.get(f"{url}?{urlencode(dict.fromkeys(QUERY_NAMES, value))}")
            assert response.status_code < 500, (url, value, response.status_code)


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
