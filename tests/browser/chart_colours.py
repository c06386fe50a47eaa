"""The colours charts are drawn in, as Chromium renders them, and their contrast (WCAG 1.4.11).

A bar, a key's swatch or a line across bars is a graphical object a reader needs to read the
chart: it needs a contrast of at least 3:1 with the colours beside it, the page behind it or
the bar it crosses.
"""

import io
import re

from PIL import Image

NON_TEXT = 3.0  # WCAG 1.4.11 Non-text contrast

# For each chart's figure: every bar (an SVG fill), key swatch (a background) and line (a
# stroke) as drawn, with the page's colour behind the figure (the first ancestor that has a
# background); and each line's colour with that of every bar it crosses.
CHART_COLOURS = """() => {
  const behind = element => {
    for (let e = element; e; e = e.parentElement) {
      const colour = getComputedStyle(e).backgroundColor;
      if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") return colour;
    }
    return "rgb(255, 255, 255)";
  };
  const name = element => `${element.tagName}.${element.getAttribute("class")}`;
  const drawn = [], crossings = [];
  for (const figure of document.querySelectorAll("figure.lw-chart")) {
    const page = behind(figure);
    for (const bar of figure.querySelectorAll("rect.lw-bar"))
      drawn.push([name(bar), getComputedStyle(bar).fill, page]);
    for (const key of figure.querySelectorAll(".lw-key"))
      drawn.push([name(key), getComputedStyle(key).backgroundColor, page]);
    for (const line of figure.querySelectorAll("line")) {
      drawn.push([name(line), getComputedStyle(line).stroke, page]);
      const at = line.getBoundingClientRect();
      for (const bar of line.ownerSVGElement.querySelectorAll("rect")) {
        const box = bar.getBoundingClientRect();
        if (box.width && box.left < at.right && box.right > at.left)
          crossings.push([name(line), getComputedStyle(line).stroke, getComputedStyle(bar).fill]);
      }
    }
  }
  return {drawn, crossings};
}"""


def rgb(css: str) -> tuple[int, int, int]:
    """Read "rgb(r, g, b)" (or rgba, opaque) as three channels."""
    found = re.match(r"rgba?\((\d+), (\d+), (\d+)(?:, 1)?\)$", css)
    assert found, f"not an opaque colour: {css}"
    return tuple(int(channel) for channel in found.groups())


def luminance(colour) -> float:
    """Relative luminance, as WCAG defines it."""
    if isinstance(colour, str):
        colour = rgb(colour)
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        for c in (channel / 255 for channel in colour)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one, other) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def low_contrasts(found: dict) -> list[str]:
    """Return each chart colour CHART_COLOURS found with less than 3:1 against the page behind
    it or a bar it crosses, as "what: colour on colour ratio"."""
    return [
        f"{what}: {colour} on {behind} {contrast(colour, behind):.2f}"
        for what, colour, behind in found["drawn"] + found["crossings"]
        if contrast(colour, behind) < NON_TEXT
    ]


def same_colour(pixel, colour, tolerance: int = 2) -> bool:
    """Say whether a pixel is drawn in the colour, give or take the rounding of a channel."""
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def pixels_along(page, y: float, x_from: float, x_to: float) -> list[tuple[int, int, int]]:
    """Return the colours drawn along the row y of the window, from x_from to x_to (CSS px)."""
    clip = {"x": x_from, "y": y, "width": x_to - x_from, "height": 1}
    image = Image.open(io.BytesIO(page.screenshot(clip=clip, scale="css"))).convert("RGB")
    return [image.getpixel((x, 0)) for x in range(image.width)]
