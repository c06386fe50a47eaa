"""A trainer's wide Markdown table on a phone, in Chromium: it scrolls in its own box, which
the keyboard reaches with Tab and scrolls with the arrow keys (WCAG 2.1.1), which is named,
and which shows that it scrolls; the page itself stays as wide as the window (WCAG 1.4.10).
The same on the trainer's preview of a question holding a table."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, browser_sign_in
from tests.browser.scroll_cues import assert_scroll_cues
from tests.browser.test_narrow_pages import document_width, shot
from tests.web.wide_table import (  # noqa: F401 (the fixture: a course with wide tables)
    CAPTION,
    QUESTION_TABLE,
    UNCAPTIONED,
    app_with_wide_tables,
)

PHONE = 320


def reached_and_scrolled_by_keyboard(page, box, before) -> None:
    """Tab from the text just before the box to the box, then scroll it with the arrow key."""
    before.click()  # where the next Tab starts from, as a reader's click would set it
    page.keyboard.press("Tab")
    expect(box).to_be_focused()
    assert box.evaluate("box => box.scrollLeft") == 0
    page.keyboard.press("ArrowRight")
    page.wait_for_function("box => box.scrollLeft > 0", arg=box.element_handle())
    box.evaluate("box => { box.scrollLeft = 0; }")


def scrolls(box) -> bool:
    return box.evaluate("box => box.scrollWidth > box.clientWidth")


# How far the box's caption reaches past the box's sides, in px: 0 when it is all in sight.
CAPTION_OUT_OF_SIGHT = """box => {
  const [room, caption] = [box, box.querySelector("caption")].map(e => e.getBoundingClientRect());
  return Math.max(0, Math.round(room.left - caption.left), Math.round(caption.right - room.right));
}"""


def assert_caption_in_sight(box) -> None:
    """The caption names the table: it is all in sight at the start and at the end."""
    for scrolled in ("0", "box.scrollWidth"):
        box.evaluate(f"box => {{ box.scrollLeft = {scrolled}; }}")
        assert box.evaluate(CAPTION_OUT_OF_SIGHT) == 0, f"scrollLeft = {scrolled}"
    box.evaluate("box => { box.scrollLeft = 0; }")


def open_as(browser, live_server, email: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    browser_sign_in(page, live_server, email)
    return context, page


@pytest.mark.parametrize("width", [PHONE, 1280])
def test_a_screens_wide_tables_scroll_in_named_boxes_the_keyboard_reaches(
    app, browser, live_server, make_user, width
):
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("layout does not depend on the database; checked once on SQLite")
    with app.app_context():
        from app.content import catalogue

        module = catalogue().modules[0]
    context, page = open_as(browser, live_server, make_user(), width)
    page.goto(f"{live_server}/modules/{module.slug}/{module.screens[0].slug}/")
    captioned = page.get_by_role("region", name=CAPTION)
    uncaptioned = page.get_by_role("region", name=UNCAPTIONED)
    expect(captioned.get_by_role("table", name=CAPTION)).to_be_visible()
    captioned.scroll_into_view_if_needed()
    shot(page, f"markdown-table-{width}")
    assert document_width(page) <= width
    for box in (captioned, uncaptioned):
        assert_scroll_cues(page, box)
    assert_caption_in_sight(captioned)
    if width == PHONE:
        assert scrolls(captioned) and scrolls(uncaptioned)
        heading = page.get_by_role("heading", name="Keeping count")
        reached_and_scrolled_by_keyboard(page, captioned, heading)
        lead_in = page.get_by_text("Sometimes a sign calls for more than a community group")
        reached_and_scrolled_by_keyboard(page, uncaptioned, lead_in)
    assert_accessible(page)
    context.close()


@pytest.mark.parametrize("width", [PHONE, 1280])
def test_a_question_table_on_the_trainers_preview_scrolls_in_a_named_box_that_shows_it(
    app, browser, live_server, make_user, width
):
    """On a phone the table scrolls; on a desktop it fits, and shows no cue, until it is a
    few pixels too wide: then the whole line shows down the side with columns out of sight."""
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("layout does not depend on the database; checked once on SQLite")
    with app.app_context():
        from app.content import catalogue

        quiz_id = catalogue().modules[0].assessment.id
    email = make_user(email="trainer@example.org", role="trainer")
    context, page = open_as(browser, live_server, email, width)
    page.goto(f"{live_server}/author/quizzes/{quiz_id}/bank")
    page.get_by_role("button", name="Take it as a learner").click()
    box = page.get_by_role("region", name=QUESTION_TABLE)
    expect(box.get_by_role("table")).to_be_visible()
    box.scroll_into_view_if_needed()
    shot(page, f"markdown-table-preview-{width}")
    assert document_width(page) <= width
    assert scrolls(box) == (width == PHONE)
    assert_scroll_cues(page, box)
    if width == PHONE:
        question = page.get_by_text("Which service in the table below helps with money worries?")
        reached_and_scrolled_by_keyboard(page, box, question)
    else:
        for too_wide in (5, 10, 15):
            box.evaluate(
                f"box => {{ box.firstElementChild.style.minWidth = "
                f"`${{box.clientWidth + {too_wide}}}px`; }}"
            )
            assert box.evaluate("box => box.scrollWidth - box.clientWidth") == too_wide
            assert_scroll_cues(page, box)
    assert_accessible(page)
    context.close()
