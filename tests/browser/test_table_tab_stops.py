"""A table's box is a Tab stop only while its table does not fit in it.

A keyboard scrolls a box that is a Tab stop, so every box is one without JavaScript. With
it, a box whose table fits leaves the Tab order (the trainer's item analysis page had some
25 stops that moved nothing) and comes back into it when the window narrows.
"""

from tests.browser.conftest import browser_sign_in, fresh_page

BOXES = ".lw-table-scroll, .lw-grid-scroll"
# Each box on the page: whether its table overflows it, and whether a Tab reaches it.
STOPS = f"""() => [...document.querySelectorAll("{BOXES}")].map(box => ({{
  label: box.getAttribute("aria-label"),
  scrolls: box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight,
  stop: box.tabIndex === 0 && box.hasAttribute("tabindex"),
}}))"""


def boxes(page) -> list[dict]:
    # The observer answers after the layout it watched: wait for a frame to be drawn.
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => setTimeout(done)))")
    return page.evaluate(STOPS)


def test_boxes_are_tab_stops_only_while_they_scroll(browser, live_server, make_user):
    make_user(email="lee@example.org", full_name="Lee Learner")
    with fresh_page(browser) as page:
        browser_sign_in(page, live_server, "lee@example.org")
        page.goto(f"{live_server}/my/competencies")
        wide = boxes(page)
        assert wide, "no table box on the page"
        assert not any(box["scrolls"] for box in wide), wide
        assert not any(box["stop"] for box in wide), wide

        page.set_viewport_size({"width": 320, "height": 800})
        narrow = boxes(page)
        assert any(box["scrolls"] for box in narrow), narrow
        assert all(box["stop"] == box["scrolls"] for box in narrow), narrow

        page.set_viewport_size({"width": 1280, "height": 900})
        assert not any(box["stop"] for box in boxes(page))


def test_without_javascript_every_box_is_a_tab_stop(browser, live_server, make_user):
    make_user(email="lee@example.org", full_name="Lee Learner")
    with fresh_page(browser, javascript=False) as page:
        browser_sign_in(page, live_server, "lee@example.org")
        page.goto(f"{live_server}/my/competencies")
        stops = page.locator(BOXES)
        assert stops.count()
        for index in range(stops.count()):
            assert stops.nth(index).get_attribute("tabindex") == "0"
