"""Every page is valid HTML according to the Nu HTML checker (npm vnu-jar)."""

import json
import shutil
import subprocess

import pytest

from tests.conftest import PROJECT_ROOT, confirm_professional, post_form, sign_in

VNU = PROJECT_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_errors(pages: dict[str, str], folder) -> list[str]:
    """Check the pages with the Nu HTML checker and return its errors, one line each."""
    java = shutil.which("java")
    assert java, "the Nu HTML checker needs Java: apt-get install default-jre-headless"
    files = []
    for name, html in pages.items():
        path = folder / f"{name}.html"
        path.write_text(html, "utf-8")
        files.append(str(path))
    run = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=180,
    )
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    return [f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages]


def collect_pages(client, make_user) -> dict[str, str]:
    """Render every page of the foundation, in its interesting states."""
    pages = {
        name: client.get(url).text
        for name, url in [
            ("home", "/"),
            ("privacy", "/privacy"),
            ("cookies", "/cookies"),
            ("accessibility", "/accessibility"),
            ("gate", "/confirm-professional?next=/x"),
            ("declined", "/not-a-healthcare-professional"),
            ("sign-in", "/sign-in"),
            ("not-found", "/nope"),
        ]
    }
    pages["csrf-error"] = client.post("/sign-in", data={}).text
    pages["gate-error"] = post_form(client, "/confirm-professional", {}).text
    confirm_professional(client)
    pages["register"] = client.get("/register").text
    pages["register-errors"] = post_form(client, "/register", {"password": "short"}).text
    pages["sign-in-error"] = sign_in(client, "who@example.org", "wrong password x").text
    make_user()
    sign_in(client, "learner@example.org")
    pages["home-signed-in"] = client.get("/").text
    pages["account"] = client.get("/account/").text
    pages["account-errors"] = post_form(client, "/account/", {"current_password": "x"}).text
    pages["my-learning"] = client.get("/modules/").text
    pages["competencies"] = client.get("/competencies/").text
    return pages


def collect_course_pages(app, client, make_user) -> dict[str, str]:
    """Render every module page and every screen, as a trainer sees them in preview."""
    from app.content import catalogue

    sign_in(client, make_user(email="trainer@example.org", role="trainer"))
    pages = {}
    with app.app_context():
        modules = catalogue().modules
    for module in modules:
        pages[module.slug] = client.get(f"/modules/{module.slug}/").text
        for screen in module.screens:
            pages[f"{module.slug}-{screen.slug}"] = client.get(
                f"/modules/{module.slug}/{screen.slug}/"
            ).text
    return pages


def test_every_page_is_valid_html(client, make_user, tmp_path, database_url):
    if "postgresql" in database_url:
        pytest.skip("markup does not depend on the database; checked once on SQLite")
    pages = collect_pages(client, make_user)
    pages.update(
        collect_course_pages(client.application, client.application.test_client(), make_user)
    )
    errors = nu_errors(pages, tmp_path)
    assert errors == []
