"""Course figures on a 360 px phone: as wide as the text column, with text of 12 px or more."""

import os
from pathlib import Path

from playwright.sync_api import expect

from app.content import catalogue
from tests.browser.test_learning import sign_in_as_learner
from tests.course.checks import svg_text_sizes
from tests.course.test_course import MIN_FIGURE_TEXT_PX, PHONE_FIGURE_WIDTH


def test_figures_fill_the_column_and_keep_text_readable_on_a_360_px_phone(
    app, browser, live_server, make_user
):
    with app.app_context():
        course = catalogue()
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in_as_learner(page, live_server, make_user, role="trainer")
    measured = {}
    for module in course.modules:
        for screen in (s for s in module.screens if "<figure" in s.html):
            page.goto(f"{live_server}/modules/{module.slug}/{screen.slug}/")
            figure = page.locator("figure img").first
            expect(figure).to_be_visible()
            width = figure.bounding_box()["width"]
            name = figure.get_attribute("src").rsplit("/", 1)[-1]
            view_width, texts = svg_text_sizes(Path(module.media[name]))
            smallest = min(size for _, size in texts) * width / view_width
            measured[name] = (width, smallest)
            if shots := os.environ.get("LINKWISE_PHONE_SHOTS"):
                figure.scroll_into_view_if_needed()
                page.screenshot(path=f"{shots}/{module.slug}-{screen.slug}.png")
    context.close()
    assert len(measured) >= 5
    for name, (width, smallest) in measured.items():
        assert abs(width - PHONE_FIGURE_WIDTH) <= 1, (name, width)
        assert smallest >= MIN_FIGURE_TEXT_PX, (name, smallest)
