"""The knowledge check's dialog in a small window (320 px, 1280 px at 200%, and 1280 by 1024
at 400%), by keyboard: the question, its error and the feedback in sight, the focus ring never
cut off by the dialog's edge."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.quiz_steps import shot
from tests.browser.test_knowledge_check_one_button import open_a_check

# A 320 by 640 phone, and a 1280 by 800 window at 200% (WCAG 1.4.10's reflow, 1.4.4).
WINDOWS = ((320, 640), (640, 400))

# Where the focused element's focus ring reaches, and the part of the dialog that shows it:
# the dialog's scrolling box (its client rect) within the window. The ring is the outline
# (its width and offset) or the box shadow beyond the element; NHS.UK's radios draw theirs
# on the label's ::before, over the input. Returns the sides where the ring is cut off.
RING_CUT = """() => {
  const dialog = document.querySelector("dialog:modal");
  const focused = document.activeElement;
  const px = (value) => parseFloat(value) || 0;
  const style = focused.matches(".nhsuk-radios__input, .nhsuk-checkboxes__input")
    ? getComputedStyle(focused.labels[0], "::before") : getComputedStyle(focused);
  const outline = style.outlineStyle === "none" ? 0
    : px(style.outlineWidth) + px(style.outlineOffset);
  // Each shadow's lengths, x, y, blur and spread (its colour's numbers have no unit).
  const shadows = style.boxShadow.split(/,(?![^(]*\\))/).map((shadow) => {
    const [x = 0, y = 0, blur = 0, spread = 0] = (shadow.match(/-?[\\d.]+px/g) || []).map(px);
    return spread + blur + Math.max(Math.abs(x), Math.abs(y));
  });
  const reach = Math.max(outline, 0, ...shadows);
  const box = focused.getBoundingClientRect();
  const outer = dialog.getBoundingClientRect();
  const top = outer.top + dialog.clientTop;
  const left = outer.left + dialog.clientLeft;
  const shown = {
    top: Math.max(top, 0), left: Math.max(left, 0),
    bottom: Math.min(top + dialog.clientHeight, innerHeight),
    right: Math.min(left + dialog.clientWidth, innerWidth),
  };
  const cut = [];
  if (box.top - reach < shown.top - 0.5) cut.push("top");
  if (box.left - reach < shown.left - 0.5) cut.push("left");
  if (box.right + reach > shown.right + 0.5) cut.push("right");
  // A box taller than the dialog (the feedback) cannot show whole: its start must.
  const tall = box.height + 2 * reach > shown.bottom - shown.top;
  if (!tall && box.bottom + reach > shown.bottom + 0.5) cut.push("bottom");
  const name = focused.id || focused.className || focused.tagName;
  return cut.length ? [`${name} (ring ${reach} px): cut off at the ${cut.join(", ")}`] : [];
}"""


# How far the dialog's content reaches beyond its width: 0 when nothing scrolls sideways.
SIDEWAYS = "(d => d.scrollWidth - d.clientWidth)(document.querySelector('dialog:modal'))"


def ring_cut(page) -> list[str]:
    """Return the focused element, if the dialog cuts off its focus ring, with the sides."""
    return page.evaluate(RING_CUT)


def fully_in_sight(locator) -> None:
    """Fail unless the element shows whole: in the window, not scrolled out of the dialog."""
    expect(locator).to_be_in_viewport(ratio=1)


@pytest.fixture
def on_a_check(app, page, live_server, make_user):
    """Sign in as a learner and open, in order, the first screen whose check has one
    single-choice question (radios, chosen by keyboard); return it and its question."""
    question = open_a_check(app, page, live_server, make_user)
    return page.url, question


@pytest.mark.parametrize("right", [False, True], ids=["wrong", "right"])
def test_the_dialog_keeps_the_question_feedback_and_focus_ring_in_sight(page, on_a_check, right):
    """Opened by keyboard in a small window, the dialog shows its heading, focused, and the
    question whole; every Tab stop and option shows its focus ring whole (WCAG 2.4.11);
    nothing scrolls sideways (1.4.10); after the answer, the feedback takes focus with its
    start in sight, the question it repeats included; Escape and the close button close it
    and give focus back to "Check your knowledge"."""
    here, question = on_a_check
    dialog = page.get_by_role("dialog")
    heading = dialog.get_by_role("heading", name="Check your knowledge")
    opener = page.get_by_role("button", name="Check your knowledge")
    feedback = dialog.locator("[data-check-feedback]")
    [(field, [wanted])] = question.form_fields(question.example_answer(right)).items()
    for width, height in WINDOWS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(here)
        opener.focus()
        page.keyboard.press("Enter")
        expect(heading).to_be_focused()
        fully_in_sight(heading)
        fully_in_sight(dialog.locator("legend"))
        problems = ring_cut(page)
        shot(page, f"knowledge-check-open-{width}", full_page=False)
        if (width, right) == (320, False):
            assert_accessible(page)

        # Keyboard only: the close button, the options (arrows move and choose), the button.
        page.keyboard.press("Tab")
        expect(dialog.get_by_role("button", name="Close the knowledge check")).to_be_focused()
        problems += ring_cut(page)
        page.keyboard.press("Tab")
        radio = dialog.locator("input[type=radio]:focus")
        expect(radio).to_have_count(1)
        problems += ring_cut(page)
        for _ in range(len(question.choices)):  # each option, and round to the first again
            page.keyboard.press("ArrowDown")
            problems += ring_cut(page)
        for _ in range(len(question.choices)):
            if radio.get_attribute("value") == wanted:
                break
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
        expect(dialog.locator(f'input[name="{field}"][value="{wanted}"]')).to_be_checked()
        page.keyboard.press("Tab")
        expect(dialog.get_by_role("button", name="Check my answer")).to_be_focused()
        problems += ring_cut(page)
        assert page.evaluate(SIDEWAYS) == 0, f"{width} px: the dialog scrolls sideways"
        page.keyboard.press("Enter")

        # The feedback, focused (it is read out), from its start, the question in it.
        expect(feedback).to_be_focused()
        verdict = "Correct" if right else "Not correct"
        expect(feedback.get_by_text(verdict, exact=True)).to_be_visible()
        fully_in_sight(feedback.locator(".lw-review__question"))
        problems += ring_cut(page)
        shot(page, f"knowledge-check-{'right' if right else 'wrong'}-{width}", full_page=False)
        if (width, right) == (320, True):
            assert_accessible(page)
        page.keyboard.press("Tab")
        problems += ring_cut(page)
        assert not problems, f"{width} px: " + "\n".join(problems)

        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        expect(opener).to_be_focused()
        # Opened again, it starts at the top again, at the feedback.
        page.keyboard.press("Enter")
        expect(feedback).to_be_focused()
        fully_in_sight(feedback.locator(".lw-review__question"))
        dialog.get_by_role("button", name="Close the knowledge check").click()
        expect(dialog).to_be_hidden()
        expect(opener).to_be_focused()


# Each box's top and bottom against the part of the dialog that shows: its scrolling box
# (client rect) within the window.
IN_SIGHT = """(boxes) => {
  const dialog = document.querySelector("dialog:modal");
  const outer = dialog.getBoundingClientRect();
  const top = Math.max(outer.top + dialog.clientTop, 0);
  const bottom = Math.min(outer.top + dialog.clientTop + dialog.clientHeight, innerHeight);
  return boxes.map((box) => {
    const r = box.getBoundingClientRect();
    return r.top >= top - 0.5 && r.bottom <= bottom + 0.5
      ? null : `${box.id || box.className} at ${Math.round(r.top)}-${Math.round(r.bottom)},`
        + ` the dialog shows ${Math.round(top)}-${Math.round(bottom)}`;
  }).filter(Boolean);
}"""

# A phone at 400% (1280 by 1024 shown at 320 by 256), the phone and 200% windows above, and
# a desktop window.
ERROR_WINDOWS = ((320, 256), *WINDOWS, (1280, 900))


def test_the_error_summary_link_shows_the_question_it_goes_to(page, on_a_check):
    """ "Check my answer" with nothing chosen focuses the error summary, its focus ring whole;
    its link, followed by keyboard, focuses the first option with it and the question's error
    message in sight in the dialog, the option's focus ring whole, even at 400% zoom where
    the question's text alone is taller than the dialog (WCAG 2.4.7, 2.4.11)."""
    here, question = on_a_check
    dialog = page.get_by_role("dialog")
    summary = dialog.locator(".nhsuk-error-summary")
    for width, height in ERROR_WINDOWS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(here)
        page.get_by_role("button", name="Check your knowledge").click()
        dialog.get_by_role("button", name="Check my answer").click()
        expect(summary).to_be_focused()
        problems = ring_cut(page)
        shot(page, f"knowledge-check-error-summary-{width}x{height}", full_page=False)
        page.keyboard.press("Tab")
        link = summary.get_by_role("link", name=re.compile("^Question 1"))
        expect(link).to_be_focused()
        problems += ring_cut(page)
        page.keyboard.press("Enter")
        radio = dialog.locator("input[type=radio]").first
        expect(radio).to_be_focused()
        error = dialog.locator(".nhsuk-form-group--error .nhsuk-error-message")
        expect(error).to_have_count(1)
        problems += page.evaluate(IN_SIGHT, [radio.element_handle(), error.element_handle()])
        problems += ring_cut(page)
        shot(page, f"knowledge-check-error-link-{width}x{height}", full_page=False)
        assert not problems, f"{width} by {height}: " + "\n".join(problems)
        if (width, height) == (320, 256):
            assert_accessible(page)
