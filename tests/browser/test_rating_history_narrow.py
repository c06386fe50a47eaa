"""At 320 px a rating's history stacks each change, every value under its column's name: the
Met column is on screen, not off to the side of a scrolling table, on the learner's page and
on their manager's."""

from app.content import catalogue
from tests.browser.conftest import assert_accessible, browser_sign_in
from tests.browser.test_narrow_pages import CODE, course_in_use
from tests.web.test_rating_history import edited, recompute

NARROW = {"width": 320, "height": 900}


def met_cells_in_sight(page, table: str) -> list[tuple[float, float]]:
    """Return the left and right edges of each history row's Met value, and check it reads."""
    cells = page.locator(f"{table} tbody tr td:last-child")
    assert cells.count() >= 2
    edges = []
    for i in range(cells.count()):
        box = cells.nth(i).bounding_box()
        assert "Met" in cells.nth(i).inner_text()  # its name shown beside it: "Met Not met"
        edges.append((box["x"], box["x"] + box["width"]))
    return edges


def test_the_history_stacks_at_320_px_with_met_in_sight(app, make_user, browser, live_server):
    people = course_in_use(app, make_user, name="Asha Elm", reflection="Asked what matters.")
    with app.app_context():
        harder = edited(catalogue(), "splw", version="9.9", minimum_evidence=50)
    recompute(app, harder)
    context = browser.new_context(viewport=NARROW)
    page = context.new_page()
    browser_sign_in(page, live_server, "learner@example.org")
    page.goto(live_server + f"/my/competencies/{CODE}")
    for left, right in met_cells_in_sight(page, "table.lw-history"):
        assert left >= 0 and right <= NARROW["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert_accessible(page)
    page.context.clear_cookies()
    browser_sign_in(page, live_server, "lead@example.org")
    page.goto(live_server + f"/manage/learners/{people['learner']}")
    folded = f"#rating-history-{CODE.replace('.', chr(92) + '.')}"
    page.locator(f"{folded} summary").click()
    for left, right in met_cells_in_sight(page, f"{folded} table"):
        assert left >= 0 and right <= NARROW["width"]
    assert_accessible(page)
    context.close()
