"""The manager dashboard's charts in Chromium: readable on a 320 px phone and at 200% zoom.

The chart of levels by domain once scaled itself to the column, so on a phone its labels were
drawn about 5 px high; each chart's figure kept the browser's 40 px either side. The names in
the chart are now page text at least as large as the page's small body text, at every width.
Its bars' colours, once a yellow and a pale grey barely seen on the page's grey, each have 3:1
against the page, and two parts of a bar that meet are kept apart by a gap of the page's grey.
"""

import io
from itertools import combinations, pairwise

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.chart_colours import (
    CHART_COLOURS,
    NON_TEXT,
    contrast,
    low_contrasts,
    pixels_along,
    rgb,
    same_colour,
)
from tests.browser.conftest import assert_accessible, browser_sign_in
from tests.browser.test_narrow_pages import document_width, passed_in_earlier_months, shot
from tests.web.test_manage import add_learners

ORG = "Riverside PCN"  # the organisation passed_in_earlier_months gives its learners to

# The size each piece of visible text in an element is drawn at, in CSS pixels: an SVG's
# text is scaled with its drawing, so its font size is multiplied by the drawing's scale.
RENDERED_TEXT_SIZES = """figure => {
  const sizes = [];
  const hidden = element => element.closest(".nhsuk-u-visually-hidden, title, desc");
  for (const element of [figure, ...figure.querySelectorAll("*")]) {
    const text = [...element.childNodes]
      .filter(node => node.nodeType === Node.TEXT_NODE)
      .map(node => node.textContent.trim())
      .join("");
    if (!text || hidden(element)) continue;
    let size = parseFloat(getComputedStyle(element).fontSize);
    if (element instanceof SVGElement) size *= element.getScreenCTM().a;
    sizes.push([text, Math.round(size * 100) / 100]);
  }
  return sizes;
}"""


@pytest.fixture
def organisation(app, make_user):
    """A manager of the whole organisation, 30 learners rated in every competency, and a
    first completion in each of the last twelve months."""
    make_user(email="lead@example.org", role="manager", org=ORG, full_name="Lee Lead")
    add_learners(app, ORG, 30)
    # Link workers, whom the framework the dashboard opens on applies to, so its chart counts them.
    passed_in_earlier_months(app, lambda **user: make_user(profession="link-worker", **user))


# 640 px is a 1280 px window zoomed to 200% (WCAG 1.4.4), drawn at twice the pixels.
@pytest.mark.parametrize(
    ("width", "scale"), [(320, 1), (640, 2), (1280, 1)], ids=["320px", "200-percent", "1280px"]
)
def test_levels_by_domain_keep_readable_names_at_any_width(
    app, browser, live_server, organisation, width, scale
):
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("layout does not depend on the database; checked once on SQLite")
    context = browser.new_context(
        viewport={"width": width, "height": 900}, device_scale_factor=scale
    )
    page = context.new_page()
    browser_sign_in(page, live_server, "lead@example.org")
    page.goto(live_server + "/manage/")
    heading = page.get_by_role("heading", name="Levels by domain")
    figure = page.locator("h2:text-is('Levels by domain') ~ figure").first
    expect(figure).to_be_visible()
    figure.scroll_into_view_if_needed()
    shot(page, f"dashboard-levels-{width}")

    small_text = page.locator("h2:text-is('Levels by domain') + p.nhsuk-body-s")
    body_s = small_text.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    assert body_s == (16 if width > 640 else 14)  # the design system's small body text
    sizes = figure.evaluate(RENDERED_TEXT_SIZES)
    smallest = min(sizes, key=lambda pair: pair[1])
    assert smallest[1] >= body_s, f"at {width} px, {smallest[0]!r} is drawn {smallest[1]} px"
    # Each domain is named in full (no "…"), within the window, and has a bar beside or under it.
    names = [text for text, _ in sizes if text[:1].isdigit()]
    assert "4. Referral pathways and multidisciplinary working" in names
    assert len(names) == 8 and not any("…" in name for name in names)
    for row in page.locator(".lw-levels__row").all():
        name, bar = row.locator("dt"), row.locator("svg")
        assert name.evaluate("dt => dt.scrollWidth <= dt.clientWidth")
        assert 0 < bar.bounding_box()["width"] <= width
    assert document_width(page) <= width

    # Every chart's figure lines up with the heading above it: no 40 px either side.
    left = heading.bounding_box()["x"]
    figures = page.locator("figure.lw-chart")
    assert figures.count() == 2
    for n in range(figures.count()):
        margins = figures.nth(n).evaluate(
            "f => [getComputedStyle(f).marginLeft, getComputedStyle(f).marginRight]"
        )
        assert margins == ["0px", "0px"], (n, margins)
        assert figures.nth(n).bounding_box()["x"] == left
    assert_accessible(page)
    context.close()


# Each domain's bar: its visible parts, left to right, as [right edge, fill], and the row
# through its middle (in the window's CSS pixels, scrolled into view first).
BAR_PARTS = """bar => {
  bar.scrollIntoView({block: "center"});
  const box = bar.getBoundingClientRect();
  const parts = [...bar.querySelectorAll("rect.lw-bar")]
    .map(rect => [rect.getBoundingClientRect(), getComputedStyle(rect).fill])
    .filter(([part]) => part.width > 0)
    .map(([part, fill]) => [part.right, fill]);
  return {parts, y: Math.floor(box.top + box.height / 2)};
}"""


@pytest.mark.parametrize("width", [320, 1280], ids=["320px", "1280px"])
def test_levels_by_domain_colours_stand_out_from_the_page_and_from_each_other(
    app, browser, live_server, organisation, width
):
    """Each rating's bar part and key, and each month's bar, has 3:1 against the page; two
    parts of a domain's bar that meet have 3:1 against each other or a gap of the page's own
    colour between them (WCAG 1.4.11); each key shows its rating's colour."""
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("colours do not depend on the database; checked once on SQLite")
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    browser_sign_in(page, live_server, "lead@example.org")
    page.goto(live_server + "/manage/")
    found = page.evaluate(CHART_COLOURS)
    assert low_contrasts(found) == []
    levels = ("secure", "developing", "not-yet", "none")
    bars = {what.rsplit("--", 1)[1]: fill for what, fill, _ in found["drawn"] if "lw-bar" in what}
    keys = {what.rsplit("--", 1)[1]: fill for what, fill, _ in found["drawn"] if "lw-key" in what}
    assert set(keys) == set(levels) and {level: bars[level] for level in levels} == keys

    page_colour = rgb(found["drawn"][0][2])
    bars = page.locator(".lw-levels__bar")
    assert bars.count() == 8
    meetings = 0
    for n in range(bars.count()):
        drawn = bars.nth(n).evaluate(BAR_PARTS)
        for (edge, fill), (_, next_fill) in pairwise(drawn["parts"]):
            meetings += 1
            # The pixels either side of where one part ends and the next begins.
            pixels = pixels_along(page, drawn["y"], int(edge) - 3, int(edge) + 4)
            gap = any(same_colour(pixel, page_colour) for pixel in pixels)
            ratio = contrast(fill, next_fill)
            assert gap or ratio >= NON_TEXT, f"domain {n + 1}: {fill} meets {next_fill}: {pixels}"
    assert meetings >= 16  # every domain's bar has its four ratings
    context.close()


LEVELS = ("secure", "developing", "not-yet", "none")
# Each domain's bar part as drawn: its rating, its box in the window's CSS pixels, and the
# fill of what is drawn over it in the same place (its texture), if anything.
PARTS_AND_TEXTURES = """bar => {
  bar.scrollIntoView({block: "center"});
  const same = (a, b) => ["x", "width"].every(k => a.getAttribute(k) === b.getAttribute(k));
  return [...bar.querySelectorAll("rect.lw-bar")].map(part => {
    const over = [...bar.querySelectorAll("rect:not(.lw-bar)")].find(o => same(o, part));
    const box = part.getBoundingClientRect();
    return {
      level: part.getAttribute("class").split("--")[1],
      box: [box.left, box.top, box.width, box.height],
      texture: over ? getComputedStyle(over).fill : null,
    };
  });
}"""


def greys(page, box: tuple[float, float, float, float]) -> list[int]:
    """Return the pixels of a box of the window (CSS px, 3 px in from each edge) in grey, as
    a reader who sees no colour has them."""
    left, top, width, height = box
    clip = {"x": left + 3, "y": top + 3, "width": width - 6, "height": height - 6}
    image = Image.open(io.BytesIO(page.screenshot(clip=clip, scale="css")))
    return list(image.convert("L").tobytes())


def told_apart(one: list[int], other: list[int]) -> bool:
    """Say whether two equal boxes of grey look different: in at least a tenth of their
    pixels, the two greys differ by more than a fifth of black to white."""
    differing = sum(abs(a - b) > 51 for a, b in zip(one, other, strict=True))
    return differing >= len(one) / 10


def test_levels_by_domain_tell_ratings_apart_without_colour(
    app, browser, live_server, organisation
):
    """Without colour (greyscale), each rating's key and bar parts still differ from every
    other's: Secure solid, Developing striped, Not yet cross-hatched, Not enough evidence
    dotted, the same texture in a rating's key and its parts (WCAG 1.4.1). The four colours
    alone once turned to four much the same greys."""
    if app.extensions["linkwise.engine"].dialect.name == "postgresql":
        pytest.skip("drawing does not depend on the database; checked once on SQLite")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    browser_sign_in(page, live_server, "lead@example.org")
    page.goto(live_server + "/manage/")

    keys = {}
    for level in LEVELS:
        key = page.locator(f".lw-key--{level}")
        key.scroll_into_view_if_needed()
        box = key.bounding_box()
        keys[level] = greys(page, (box["x"], box["y"], box["width"], box["height"]))
    for one, other in combinations(LEVELS, 2):
        assert told_apart(keys[one], keys[other]), f"the keys of {one} and {other}"
    textures = {
        level: page.locator(f".lw-key--{level}").evaluate(
            "k => getComputedStyle(k).backgroundImage"
        )
        for level in LEVELS
    }
    assert textures["secure"] == "none" and "none" not in [textures[x] for x in LEVELS[1:]]

    bars = page.locator(".lw-levels__bar")
    compared = 0
    for n in range(bars.count()):
        parts = [p for p in bars.nth(n).evaluate(PARTS_AND_TEXTURES) if p["box"][2] > 0]
        for part in parts:
            want = None if part["level"] == "secure" else f'url("#lw-texture-{part["level"]}")'
            assert part["texture"] == want, (n + 1, part)
        wide = {p["level"]: p["box"] for p in parts if p["box"][2] >= 18}
        if set(wide) != set(LEVELS):
            continue
        side = min(box[2] for box in wide.values())  # the same size of box for each
        drawn = {level: greys(page, (*box[:2], side, box[3])) for level, box in wide.items()}
        for one, other in combinations(LEVELS, 2):
            assert told_apart(drawn[one], drawn[other]), f"domain {n + 1}: {one} and {other}"
        compared += 1
    assert compared >= 1  # a domain whose bar has every rating drawn wide enough to compare
    context.close()
