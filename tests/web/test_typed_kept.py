"""A form sent while the database is gone: the 503 page shows what was typed, to copy.

Never a password, a token or a hidden field, never a form another site sent, never for the
quiz's autosave (JSON), and every form drawn in a template names its free-text fields in
app/web/typed.py, with the labels the form shows.
"""

import re
from pathlib import Path

import lxml.html
import pytest

from app import create_app
from app.domain import reflection
from app.web import typed
from tests.nu_checker import nu_errors

TEMPLATES = Path(__file__).resolve().parents[2] / "app/templates"
# Forms whose field names or labels the template builds: what they come to.
DRAWN_BY_LOOP = {
    ("certificates.certificate", "params"): [h.key for h in reflection.HEADINGS],
    ("manage.assign", "due-{{ part }}"): ["due-day", "due-month", "due-year"],
}
SENT_BY = {"{{ action }}": ["manage.extra_attempt", "author.extra_attempt"]}
# Labels the template builds (with a learner's name, or from whether they have a team).
LABEL_BUILT = {"my.team", "manage.extra_attempt", "author.extra_attempt"}
REFLECTION = "I asked what mattered to her first.\nThen we planned <b>together</b> & it worked."


def posted_forms():
    """Yield (template, endpoint, field name, the template's text) per free-text field."""
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        for form in re.finditer(r'<form[^>]*method="post"[^>]*>(.*?)</form>', text, re.S):
            body = form.group(1)
            names = [
                re.search(r'"name":\s*("?[^,\n]+)', call.group(1)).group(1).strip('"')
                for call in re.finditer(
                    r"(?:textarea|nhsukTextarea|nhsukInput|input)\(\{(.*?)\}\)", body, re.S
                )
            ]
            names += re.findall(r"text_field\(form\.(\w+)", body)
            names += re.findall(r'nhsuk\("(?:textarea|input)", (\w+)', body)
            # A file chosen is not typed text (the 503 page could not show it back).
            names += re.findall(
                r'<(?:textarea|input)(?![^>]*type="(?:hidden|radio|checkbox|file))[^>]*name="([^"]+)"',
                body,
            )
            if not names:
                continue
            action = re.search(r'action="([^"]*)"', form.group(0)).group(1)
            named = re.search(r"url_for\('([\w.]+)'", action)
            for endpoint in [named.group(1)] if named else SENT_BY[action]:
                for name in names:
                    # A loop draws its labels too: they are not in the text as they read.
                    looped = DRAWN_BY_LOOP.get((endpoint, name))
                    for field in looped or [name]:
                        yield path.name, endpoint, field, "" if looped else text


def test_every_form_names_its_free_text_fields_with_the_labels_it_shows(gone):
    client, _token = gone
    found = list(posted_forms())
    assert len(found) >= 20  # the scan still finds the forms
    with client.application.test_request_context():
        for template, endpoint, field, text in found:
            labels = typed.labels(endpoint)
            assert field in labels, f"{template}: {endpoint} does not list its field {field}"
            listed = typed.FREE_TEXT[endpoint]
            if isinstance(listed, dict) and endpoint not in LABEL_BUILT and text:
                label = labels[field]
                assert label in text, f"{template}: {endpoint}'s {field} is not {label!r}"
        assert "password" not in typed.labels("auth.sign_in")  # a WTForms password field
        assert "shown_full_name" not in typed.labels("account.details")  # nor a hidden one


@pytest.fixture
def gone(tmp_path):
    """Return a client of an app whose database cannot be opened, and a CSRF token for it."""
    app = create_app({"LINKWISE_ENV": "test", "DATABASE_URL": f"sqlite:///{tmp_path}/gone/no.db"})
    client = app.test_client()
    sign_in_page = client.get("/sign-in")  # drawn without the database
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', sign_in_page.text).group(1)
    return client, token


def boxes(page: str) -> dict[str, str]:
    """Return the 503 page's read-only boxes: each label's text with the box's text."""
    html = lxml.html.fromstring(page)
    shown = {}
    for box in html.xpath("//textarea"):
        assert box.get("readonly") == "readonly"
        label = html.xpath(f'//label[@for="{box.get("id")}"]')[0]
        shown[label.text_content().strip()] = box.text or ""
    return shown


def test_a_reflection_sent_while_the_database_is_gone_is_shown_to_copy(gone, tmp_path):
    client, token = gone
    with client.session_transaction() as session:
        session["_user_id"] = "1:token"  # signed in before the database went
    form = {"confidence": "4", "stage": "after", "reflection": REFLECTION, "csrf_token": token}
    response = client.post(
        "/my/competencies/SPLW-1.4/self-assessment",
        data=form,
        headers={"Referer": "http://localhost/my/competencies/SPLW-1.4"},
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    assert "What you typed has not been saved" in response.text
    assert boxes(response.text) == {
        "Reflection or an example from your practice (optional)": REFLECTION
    }
    assert "<b>together</b>" not in response.text  # escaped, shown as typed
    assert token not in response.text.split("</header>", 1)[1]
    assert '<a href="/my/competencies/SPLW-1.4">Go back to the form</a>' in response.text
    errors = nu_errors({"service-unavailable-typed": response.text}, tmp_path)
    assert errors == [], "\n".join(errors)


def test_a_reflective_account_is_shown_under_its_headings_and_empty_ones_are_left_out(gone):
    client, token = gone
    with client.session_transaction() as session:
        session["_user_id"] = "1:token"
    account = {"activity": "The module on referrals.", "learned": "", "practice": "I ask first."}
    response = client.post(
        "/modules/any/certificate/",
        data={**account, "code": "  ", "shown-activity": "older text", "csrf_token": token},
    )
    assert response.status_code == 503
    assert boxes(response.text) == {
        "What happened (optional)": "The module on referrals.",
        "How it changed your practice (optional)": "I ask first.",
    }
    assert "older text" not in response.text  # a hidden field is not shown
    assert "Go back to the form" not in response.text  # no page of ours sent it


def test_a_password_is_never_shown_nor_anything_to_json_a_get_or_a_form_without_text(gone):
    client, token = gone
    secret = "correct horse battery staple"
    response = client.post(
        "/sign-in", data={"email": "nurse@example.org", "password": secret, "csrf_token": token}
    )
    assert response.status_code == 503
    assert boxes(response.text) == {"Email address": "nurse@example.org"}
    assert secret not in response.text
    with client.session_transaction() as session:
        session["_user_id"] = "1:token"
    autosave = client.post(
        "/my/competencies/SPLW-1.4/self-assessment",
        data={"reflection": REFLECTION, "csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert autosave.status_code == 503 and autosave.is_json
    assert REFLECTION not in autosave.text
    for response in (
        client.get("/my/competencies/SPLW-1.4"),
        client.post("/sign-out", data={"csrf_token": token}),
    ):
        assert response.status_code == 503
        assert "What you typed" not in response.text and "<textarea" not in response.text
