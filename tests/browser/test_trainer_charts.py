"""The trainer's charts of how questions perform, in Chromium: readable on a 320 px phone and at
200% zoom, in colours that stand out from the page.

Each chart was one SVG scaled to the column, so on a phone its labels were drawn about 5 px
high and cut to 34 characters, as the dashboard's levels by domain were before 5b75582. Its
labels and figures are now page text at least as large as the page's small body text.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.chart_colours import CHART_COLOURS, low_contrasts
from tests.browser.conftest import assert_accessible, browser_sign_in
from tests.browser.test_dashboard_charts import RENDERED_TEXT_SIZES
from tests.browser.test_narrow_pages import document_width, shot
from tests.web.item_data import QUIZ, add_attempts

THREE = ["rr-q22", "rr-q23", "rr-q24"]
HAND = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0], [1, 0, 1], [0, 1, 1]]
# An option of rr-q22 longer than the 34 characters the chart once cut its labels to.
RIGHT_OPTION = "✓ Refer him herself through the route the local service has agreed"
PAGE = f"/author/quizzes/{QUIZ}/items?competencies=1"


@pytest.fixture
def trainer(app, make_user):
    """A trainer, and graded attempts at three questions of the quiz."""
    make_user(email="trainer@example.org", role="trainer")
    with app.app_context():
        add_attempts(HAND * 5, THREE)


def open_page(browser, live_server, width: int, scale: int = 1):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, device_scale_factor=scale
    )
    page = context.new_page()
    browser_sign_in(page, live_server, "trainer@example.org")
    page.goto(live_server + PAGE)
    expect(page.get_by_role("heading", name="Scores per competency")).to_be_visible()
    return page


# 640 px is a 1280 px window zoomed to 200% (WCAG 1.4.4), drawn at twice the pixels.
@pytest.mark.parametrize(
    ("width", "scale"), [(320, 1), (640, 2), (1280, 1)], ids=["320px", "200-percent", "1280px"]
)
def test_the_trainers_charts_keep_readable_labels_at_any_width(
    app, browser, live_server, trainer, width, scale
):
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("layout does not depend on the database; checked once on SQLite")
    page = open_page(browser, live_server, width, scale)
    shot(page, f"trainer-charts-{width}")

    small_text = page.locator(".lw-item p.nhsuk-body-s").first
    body_s = small_text.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    assert body_s == (16 if width > 640 else 14)  # the design system's small body text
    figures = page.locator("figure.lw-chart")
    # Scores, facility, discrimination, a score chart per competency, each question's options.
    assert figures.count() >= 7
    texts = []
    for n in range(figures.count()):
        figure = figures.nth(n)
        figure.scroll_into_view_if_needed()
        sizes = figure.evaluate(RENDERED_TEXT_SIZES)
        smallest = min(sizes, key=lambda pair: pair[1])
        assert smallest[1] >= body_s, f"at {width} px, {smallest[0]!r} is drawn {smallest[1]} px"
        texts += [text for text, _ in sizes]
        box = figure.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (n, box)
        assert figure.evaluate("f => f.scrollWidth <= f.clientWidth")
        margins = figure.evaluate(
            "f => [getComputedStyle(f).marginLeft, getComputedStyle(f).marginRight]"
        )
        assert margins == ["0px", "0px"], (n, margins)
    # Every label in full (no "…"), within the window, with its bar beside or under it.
    assert RIGHT_OPTION in texts
    assert "90-100%" in texts and any(text.endswith(" rr-q22") for text in texts)
    assert not any("…" in text for text in texts)
    bars = page.locator("figure.lw-chart svg")
    for n in range(bars.count()):
        assert 0 < bars.nth(n).bounding_box()["width"] <= width
    labels = page.locator("figure.lw-chart dt")
    assert labels.count() > 20
    assert labels.evaluate_all("dts => dts.every(dt => dt.scrollWidth <= dt.clientWidth)")
    assert document_width(page) <= width
    assert_accessible(page)
    page.context.close()


def test_the_trainers_charts_stand_out_from_the_page_and_from_the_bars_lines_cross(
    app, browser, live_server, trainer
):
    """Each bar, and each line marking a threshold, has 3:1 against the page, and each line
    3:1 against the bars it crosses (WCAG 1.4.11)."""
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("colours do not depend on the database; checked once on SQLite")
    page = open_page(browser, live_server, 1280)
    found = page.evaluate(CHART_COLOURS)
    kinds = {what for what, _, _ in found["drawn"]}
    assert {"rect.lw-bar lw-bar--figure", "rect.lw-bar lw-bar--right"} <= kinds
    assert "rect.lw-bar lw-bar--wrong" in kinds and found["crossings"]
    assert low_contrasts(found) == []
    page.context.close()


# Each flag tag in the table of figures per question, and the visible rect of its scroll box.
FLAG_TAGS = """box => {
    const seen = box.getBoundingClientRect();
    const left = seen.left + box.clientLeft;
    const inside = {left, right: left + box.clientWidth};
    const tags = [...box.querySelectorAll("tbody td:last-child .nhsuk-tag")].map(tag => {
        const drawn = tag.getBoundingClientRect();
        return {text: tag.textContent, left: drawn.left, right: drawn.right};
    });
    return {inside, tags, scrolls: box.scrollWidth > box.clientWidth};
}"""


@pytest.mark.parametrize("width", [1280, 320], ids=["1280px", "320px"])
def test_the_figures_per_question_fit_a_desktop_and_scroll_in_their_box_on_a_phone(
    app, browser, live_server, trainer, width
):
    """The table's file paths did not break, so on a desktop it was held 32 px wider than its
    box: the box scrolled and cut the flags in the last column off at its right edge."""
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("layout does not depend on the database; checked once on SQLite")
    page = open_page(browser, live_server, width)
    box = page.get_by_role("region", name="Figures per question")
    box.scroll_into_view_if_needed()
    shot(page, f"trainer-figures-per-question-{width}")
    found = box.evaluate(FLAG_TAGS)
    assert {tag["text"] for tag in found["tags"]} == {"weak discrimination", "unused distractor"}
    # A Tab stop only while it scrolls (tests/browser/test_table_tab_stops.py).
    assert (box.get_attribute("tabindex") == "0") == found["scrolls"]
    if width == 1280:
        inside = found["inside"]
        clipped = [
            tag
            for tag in found["tags"]
            if tag["left"] < inside["left"] or tag["right"] > inside["right"]
        ]
        assert clipped == [], (inside, clipped)
        assert not found["scrolls"]
    else:  # Only on a phone: the box, a named region that takes focus, scrolls.
        assert found["scrolls"]
        box.focus()
        page.keyboard.press("ArrowRight")  # arrow keys scroll it (smoothly: wait for it)
        page.wait_for_function("b => b.scrollLeft > 0", arg=box.element_handle(), timeout=2000)
    assert document_width(page) <= width
    assert_accessible(page)
    page.context.close()
