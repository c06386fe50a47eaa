"""Figure 4, "How fast to act": readable on a small phone, and giving every crisis route."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from .checks import svg_text_sizes

ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / "content" / "modules" / "safeguarding-risk-and-confidentiality"
FIGURE = MODULE / "how-fast-to-act.svg"
SCREEN = MODULE / "01-keeping-people-safe.md"
# A 320 px phone, the narrowest the site supports, leaves a 288 px column (16 px margins).
SMALL_PHONE_FIGURE_WIDTH = 288
# The figure is the one a person in a hurry reads: larger than the course's 12 px floor.
MIN_TEXT_PX = 14
# The routes the screens give for a risk to life and an urgent mental health need.
CRISIS_ROUTES = ("999", "A&E", "111", "option 2", "crisis team", "116 123", "SHOUT", "85258")


def figure_words() -> tuple[str, str]:
    """Return the figure's drawn text and its <desc>, each as one line of words."""
    root = ET.parse(FIGURE).getroot()
    drawn = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    desc = root.find("{http://www.w3.org/2000/svg}desc").text
    return drawn, desc


def test_figure_text_is_at_least_14_px_on_a_320_px_phone():
    width, texts = svg_text_sizes(FIGURE)
    small = [
        (words, round(size * SMALL_PHONE_FIGURE_WIDTH / width, 1))
        for words, size in texts
        if size * SMALL_PHONE_FIGURE_WIDTH / width < MIN_TEXT_PX
    ]
    assert small == []


def test_figure_its_description_and_its_alt_text_give_every_crisis_route():
    drawn, desc = figure_words()
    alt = re.search(r"!\[([^\]]+)\]\(how-fast-to-act\.svg", SCREEN.read_text()).group(1)
    for route in CRISIS_ROUTES:
        assert route in drawn, f"figure: {route}"
        assert route in desc.replace("&amp;", "&"), f"desc: {route}"
        assert route.lower() in alt.lower(), f"alt text: {route}"


def test_module_2_tells_the_learner_what_to_text_to_shout_as_module_4_does():
    # "Shout takes texts on 85258" leaves out the word to send; module 4 gives it.
    module_2 = ROOT / "content" / "modules" / "how-the-system-works" / "07-working-together.md"
    box = " ".join(module_2.read_text(encoding="utf-8").split())
    risk = " ".join((MODULE / "02-risk-to-life.md").read_text(encoding="utf-8").split())
    assert "send the word SHOUT to **85258**" in risk
    assert "text SHOUT to 85258" in box and "takes texts" not in box


def test_module_4s_summary_and_figure_4s_alt_text_say_what_to_text_to_shout():
    # "a text to Shout on 85258" leaves out the word to send, as module 2 once did; the
    # figure itself and its description give it.
    summary = (MODULE / "08-lone-working.md").read_text(encoding="utf-8")
    summary = " ".join(summary.split("## Module summary", 1)[1].split())
    alt = re.search(r"!\[([^\]]+)\]\(how-fast-to-act\.svg", SCREEN.read_text()).group(1)
    for words in (summary, alt):
        assert "SHOUT to 85258" in words and "a text to Shout" not in words
