"""A trainer's Markdown table on the pages that show it sits in a named region the keyboard
reaches, as the app's own tables do: a learner's screen, a quiz attempt and its result, and
the trainer's question bank, preview and preview result. The pages stay valid HTML."""

import lxml.html
import pytest
from sqlalchemy import select

from app import db
from app.content import catalogue
from app.models import Attempt
from tests.conftest import post_form, sign_in
from tests.web.quiz_helpers import attempt_form
from tests.web.test_quiz import finish_screens
from tests.web.test_quiz_markdown_pages import trainer_pages
from tests.web.wide_table import (  # noqa: F401 (the fixture: a course with wide tables)
    CAPTION,
    QUESTION_TABLE,
    UNCAPTIONED,
    app_with_wide_tables,
)


def table_boxes(html: str) -> list[dict[str, str]]:
    """Return, for each table in the page's main content, the attributes of its parent."""
    main = lxml.html.fromstring(html).get_element_by_id("maincontent")
    return [dict(table.getparent().attrib) for table in main.iter("table")]


def box(name: str) -> dict[str, str]:
    return {"class": "lw-table-scroll", "role": "region", "tabindex": "0", "aria-label": name}


def learner_pages(app, make_user) -> dict[str, str]:
    """Render the module's first screen, a quiz attempt and its result, as a learner."""
    with app.app_context():
        module = catalogue().modules[0]
    client = app.test_client()
    email = make_user(email="tables@example.org")
    sign_in(client, email)
    pages = {"screen": client.get(f"/modules/{module.slug}/{module.screens[0].slug}/").text}
    finish_screens(app, email, module)
    attempt_url = post_form(client, f"/modules/{module.slug}/quiz/", {}).location
    pages["attempt"] = client.get(attempt_url).text
    with app.app_context():
        attempt = db.session().scalars(select(Attempt).where(Attempt.status == "in-progress")).one()
    wrong = attempt_form(module.assessment, attempt.selection, right=False)
    post_form(client, attempt_url, {**wrong, "action": "submit", "confirmed": "yes"})
    pages["result"] = client.get(attempt_url).text
    return pages


def test_a_screens_wide_tables_sit_in_named_regions_the_keyboard_reaches(app, make_user):
    screen = learner_pages(app, make_user)["screen"]
    assert table_boxes(screen) == [box(CAPTION), box(UNCAPTIONED)]
    assert screen.count("Interdisciplinary-review") == 2  # the words are all there


def test_a_table_in_a_question_sits_in_a_named_region_wherever_the_question_shows(app, make_user):
    pages = {**learner_pages(app, make_user), **trainer_pages(app, make_user)}
    for name in ("attempt", "result", "bank", "preview", "preview-result"):
        question_tables = [
            attributes
            for attributes in table_boxes(pages[name])
            if attributes.get("aria-label") == QUESTION_TABLE
        ]
        assert question_tables == [box(QUESTION_TABLE)], name
        assert "Telephone-or-drop-in-appointments" in pages[name], name


def test_pages_showing_markdown_tables_are_valid_html(app, make_user, database_url, tmp_path):
    if "postgresql" in database_url:
        pytest.skip("markup does not depend on the database; checked once on SQLite")
    from tests.web.test_html_valid import nu_errors

    pages = {**learner_pages(app, make_user), **trainer_pages(app, make_user)}
    errors = nu_errors(pages, tmp_path)
    assert errors == [], "\n".join(errors)
