"""A reflection typed in the browser, then the database goes: the 503 page keeps it to copy.

With JavaScript on or off, at 320 px and 1280 px: the typed text is in a labelled read-only
box, whole, and the page passes axe. The app runs on a SQLite file of its own, whose folder
is moved away to take the database from it.
"""

import contextlib
import os

import pytest
from playwright.sync_api import expect

from app import create_app
from tests.browser.conftest import (
    assert_accessible_as_shown,
    browser_sign_in,
    fresh_page,
)
from tests.browser.quiz_steps import shot
from tests.databases import database_at

CODE = "SPLW-1.4"
REFLECTION = "\n".join(
    f"Visit {n}: she chose the walking group; I booked a follow-up call." for n in range(1, 16)
)


@pytest.fixture
def app(tmp_path, smtp_server):
    """An app on a SQLite database in a folder of its own (this module's, not the run's)."""
    folder = tmp_path / "db"
    folder.mkdir()
    with database_at("sqlite", folder, "head", "typed") as url:
        built = create_app(
            {"LINKWISE_ENV": "test", "DATABASE_URL": url, "SMTP_URL": smtp_server.url}
        )
        built.config["DB_FOLDER"] = folder
        yield built
        built.extensions["linkwise.engine"].dispose()


@contextlib.contextmanager
def database_gone(app):
    """Move the database's folder away (new connections cannot open it), then back."""
    folder = app.config["DB_FOLDER"]
    away = folder.with_name("db-away")
    os.rename(folder, away)
    app.extensions["linkwise.engine"].dispose()
    try:
        yield
    finally:
        os.rename(away, folder)
        app.extensions["linkwise.engine"].dispose()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_reflection_typed_before_the_database_went_is_shown_to_copy(
    app, browser, live_server, make_user, javascript
):
    if app.extensions["linkwise.engine"].dialect.name != "sqlite":
        pytest.skip("the page does not depend on the database")
    make_user(profession="link-worker")
    with fresh_page(browser, javascript) as page:
        browser_sign_in(page, live_server, "learner@example.org")
        page.goto(f"{live_server}/my/competencies/{CODE}")
        page.get_by_label("4: Confident").check()
        page.get_by_label("After").check()
        page.get_by_label("Reflection or an example from your practice").fill(REFLECTION)
        with database_gone(app):
            page.get_by_role("button", name="Save self-assessment").click()
            page.wait_for_load_state()
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Sorry, the service is unavailable"
            )
            expect(
                page.get_by_role("heading", name="What you typed has not been saved")
            ).to_be_visible()
            box = page.get_by_label("Reflection or an example from your practice (optional)")
            expect(box).to_have_value(REFLECTION)
            expect(box).not_to_be_editable()
            expect(page.get_by_role("link", name="Go back to the form")).to_have_attribute(
                "href", f"/my/competencies/{CODE}"
            )
            for width in (1280, 320):
                page.set_viewport_size({"width": width, "height": 900})
                # The box is as wide as the column: nothing runs off a narrow screen.
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                assert_accessible_as_shown(page, browser, javascript)
                shot(page, f"typed-kept-503-{width}-{'js' if javascript else 'no-js'}")
