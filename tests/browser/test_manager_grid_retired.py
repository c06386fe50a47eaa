"""A manager reads a retired competency's column on the grid and the compliance matrix.

On a phone and a tablet both tables scroll sideways, and their scroll cue shows over the
coloured and grey cells at the box's edges (tests/browser/scroll_cues.py).
"""

import os
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, browser_sign_in
from tests.browser.scroll_cues import assert_scroll_cues
from tests.web.course_files import app_on_copy  # noqa: F401 (fixture: the copied course)
from tests.web.test_competency_left_framework import CODE, own_course  # noqa: F401
from tests.web.test_practice import people  # noqa: F401
from tests.web.test_retired_in_manager_views import NAME, framework_id, retired  # noqa: F401


def test_a_retired_competency_is_a_grey_column_apart_read_out_as_not_counted(
    app,
    page,
    live_server,
    retired,  # noqa: F811
):
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_sign_in(page, live_server, "lead@example.org")
    page.goto(live_server + "/manage/?profession=link-worker#learners")
    header = page.locator("th.lw-grid__retired")
    expect(header).to_have_count(1)
    expect(header).to_contain_text(f"{CODE} {NAME}: retired, no longer in any framework")
    lee = page.locator("tr", has=page.get_by_role("link", name="Lee Learner"))
    expect(lee.locator("td.lw-level--retired")).to_contain_text("confirmed by a supervisor on")
    # Grey, not a rating's colour or a gap's.
    colour = lee.locator("td.lw-level--retired").evaluate(
        "cell => getComputedStyle(cell).backgroundColor"
    )
    assert colour == "rgb(232, 237, 238)", colour
    assert_accessible(page)
    shots = os.environ.get("LINKWISE_SHOTS_DIR")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
    cues_on_narrow_windows(page, "grid-retired", shots)
    page.goto(live_server + f"/manage/compliance?framework={framework_id(app)}#matrix")
    expect(page.locator("th.lw-grid__retired")).to_contain_text(f"{CODE} {NAME}")
    assert_accessible(page)
    cues_on_narrow_windows(page, "compliance-retired", shots)


def cues_on_narrow_windows(page, name: str, shots: str | None) -> None:
    """Check the table's scroll cue at 320 and 768 px, then go back to 1280 px."""
    box = page.locator(".lw-grid-scroll").element_handle()
    for width in (320, 768):
        page.set_viewport_size({"width": width, "height": 900})
        if shots:  # before the check: a shot of a failing cue is the one to look at
            for end, scrolled in (("start", "0"), ("end", "box.scrollWidth")):
                box.evaluate(f"box => {{ box.scrollLeft = {scrolled}; }}")
                box.scroll_into_view_if_needed()
                page.screenshot(path=f"{shots}/{name}-{width}-{end}.png", full_page=False)
            box.evaluate("box => { box.scrollLeft = 0; }")
        assert_scroll_cues(page, box)
    page.set_viewport_size({"width": 1280, "height": 900})
