"""What shows a sighted reader that a table box scrolls sideways, as Chromium draws it.

Chromium on a phone draws no scroll bar, and a table cut off between two columns looks
whole. So the box draws a dark line down each side where columns are out of sight (3:1 with
the page, WCAG 1.4.11), and none where the table ends or fits; where Chromium can ask whether
the box scrolls, a line of text above the table says so. The line runs down the whole table:
a cell of its own colour (a rating, a retired competency's grey) once hid it.
"""

import io

from PIL import Image
from playwright.sync_api import Locator

from tests.browser.chart_colours import NON_TEXT, contrast

PAGE = (240, 244, 245)  # the page's grey, behind every table box
# A line taller than a letter's stroke and two pixels wide (a tag's border is one): the cue,
# not the text of a column the box's side cuts through. A side with a line this long is
# marked; a marked side must then be dark down every row of the table in sight.
LINE = 24
# A cover travelling with the table's end hides the line where the table ends in sight: a
# table less than the line's width too wide shows part of it.
LINE_WIDTH = 4
HINT = "Scroll sideways to see every column"


def dark_rows(image: Image.Image, x: int) -> str:
    """Return, for each row, "1" where the pixels in columns x and x + 1 both have 3:1 with
    the page, else " "."""
    # Read at once, not pixel by pixel: a box is thousands of rows tall, and that took
    # seconds a page. Each row is two RGB pixels, 6 bytes; a box is drawn in a few colours,
    # so each distinct row's contrast is worked out once.
    strip = image.crop((x, 0, x + 2, image.height)).convert("RGB").tobytes()
    rows = [strip[at : at + 6] for at in range(0, len(strip), 6)]
    dark = {
        row
        for row in set(rows)
        if min(contrast(row[:3], PAGE), contrast(row[3:], PAGE)) >= NON_TEXT
    }
    return "".join("1" if row in dark else " " for row in rows)


def sides_marked(box, table: tuple[int, int] = (0, 0)) -> dict[str, list[int]]:
    """Return the sides ("left", "right") of the box down which a dark line is drawn, each
    with the rows from `table`'s top to its bottom (box pixels) where that line is broken."""
    # Animations allowed: the line is a scroll-driven animation's, which "disabled" ends.
    shot = box.screenshot(scale="css")
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    # The second and third pixels in from each side: inside the 4 px line.
    columns = {"left": 1, "right": image.width - 3}
    marked = {}
    for side, x in columns.items():
        rows = dark_rows(image, x)
        if max(map(len, rows.split()), default=0) >= LINE:
            top, bottom = table
            marked[side] = [y for y in range(top, min(bottom, len(rows))) if rows[y] != "1"]
    return marked


# The line of text shown above the box's table ("" if none is shown), and what the checks
# need to know of the box and the browser, read at once.
STATE = """box => {
  const top = box.getBoundingClientRect().top;
  const table = box.querySelector("table").getBoundingClientRect();
  const before = getComputedStyle(box, "::before");
  return {
    label: box.getAttribute("aria-label"),
    hidden: box.scrollWidth - box.clientWidth,
    hint: before.display === "none" ? "" : before.content,
    asks: CSS.supports("container-type", "scroll-state"),
    table: [table.top - top, table.bottom - top].map(Math.round),
  };
}"""


def assert_scroll_cues(page, box) -> None:
    """Check a table box shows that it scrolls, on the side with columns out of sight, or,
    when its table fits, that it shows nothing. Leaves the box scrolled to its start."""
    if isinstance(box, Locator):
        # One element for every read below: a locator finds it again for each, and a
        # screenshot through one costs three calls to the browser, not one.
        box = box.element_handle()
    state = box.evaluate(STATE)
    label, hidden = state["label"], state["hidden"]
    if not hidden:
        marked = sides_marked(box)
        assert not marked, f"{label}: fits, yet a line runs down its {marked}"
        assert state["hint"] == "", f"{label}: fits, yet says it scrolls"
        return
    if state["asks"]:
        assert HINT in state["hint"], f"{label}: no line saying the table scrolls"
    if hidden < LINE_WIDTH:
        return  # the line shows as much of itself as the table has out of sight
    for scrolled, columns_beyond in (("0", "right"), ("box.scrollWidth", "left")):
        box.evaluate(f"box => {{ box.scrollLeft = {scrolled}; }}")
        marked = sides_marked(box, state["table"])
        beyond = f"columns out of sight on the {columns_beyond}"
        assert set(marked) == {columns_beyond}, (
            f"{label}: {beyond}, a line down {set(marked) or 'no side'}"
        )
        hidden_rows = marked[columns_beyond]
        assert not hidden_rows, (
            f"{label}: {beyond}, the line is hidden over {len(hidden_rows)} rows of the "
            f"table, from {hidden_rows[0]} px down the box"
        )
    box.evaluate("box => { box.scrollLeft = 0; }")
