"""A numeric answer is read in the SCORM package (Chromium) exactly as the site reads it:
the same numbers accepted at the same values, the same refused with the same message."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from app.domain.numbers import digit_zeros
from app.domain.quizzes import BLANK, InvalidAnswer
from tests.browser.scorm_harness import Lms
from tests.browser.test_scorm_package import (
    assert_accessible_frame,
    lms_for,
    package_app,
    package_page,
)
from tests.domain.quizzes.conftest import parse_body

MODULE = "what-is-social-prescribing"  # its quiz has a numeric question
SHOTS = os.environ.get("LINKWISE_SCORM_SHOTS")
BOUNDS = ((999, 1000.5), (-3, -3), (0.1, 0.30000000000000004), (-1e-3, 2e6))


@pytest.fixture(scope="module")
def numbers_lms(tmp_path_factory):
    server, module = lms_for(package_app(), tmp_path_factory.mktemp("lms"), MODULE)
    yield server, module
    server.close()


@pytest.fixture
def frame(numbers_lms, browser):
    with package_page(browser) as page:
        yield numbers_lms[0].launch(page)


def numeric(low: float, high: float):
    body = f"ID: q\nCompetencies: SPLW-1.1\nOutcomes: 1\n1. How many?\n=   [{low!r}, {high!r}]\n"
    return parse_body(body, kind="assessment").quiz.questions[0]


QUESTIONS = [numeric(low, high) for low, high in BOUNDS]


def site_reads(question, text: str) -> tuple[str | None, float]:
    """Return the site's message for a typed answer (None if it takes it) and its mark."""
    form = MultiDict({question.answer_field: text, question.marker_field: "1"})
    try:
        value = question.read_form(form)
    except InvalidAnswer as error:
        return str(error), 0.0
    if value is BLANK:
        return "blank", 0.0
    return None, question.score(question.check_answer(value))


# As the package reads its text box (readAnswer), checks it on submit (problemWith) and
# marks it (fraction), then marks it again as suspend_data keeps it for a resumed attempt.
PACKAGE_READS = """([question, text]) => {
  const ui = LinkwiseScormUi, typed = ui.strip(text) || null;
  if (typed === null) return ["blank", 0, 0];
  const problem = ui.problemWith(question, typed);
  if (problem) return [problem[0].toLowerCase() + problem.slice(1), 0, 0];
  return [null, ui.fraction(question, typed), ui.fraction(question, ui.readNumber(typed).written)];
}"""

SCRIPTS = st.sampled_from(digit_zeros())


@st.composite
def written_numbers(draw):
    """A number as a learner might write it: grouped or not, in some script's digits."""
    whole = draw(st.integers(0, 10**9))
    grouped = draw(st.sampled_from(["{:,}", "{:_}", "{}"])).format(whole)
    grouped = grouped.replace(",", draw(st.sampled_from([",", " ", "  ", "\u00a0", ",", "."])))
    text = draw(st.sampled_from(["", "-", "+", " -"])) + grouped
    text += draw(st.sampled_from(["", ".", ".5", ".250", ",5", "e3", "E-2", "e400"]))
    zero = draw(SCRIPTS)
    if draw(st.booleans()):
        text = "".join(chr(zero + int(c)) if c.isdigit() else c for c in text)
    return draw(st.sampled_from(["", " ", "\t", "\u3000", "\ufeff", "\x1c"])) + text


TEXTS = written_numbers() | st.text(
    st.sampled_from("0123456789١٢٣٠۵१３+-.,_ eE\u00a0\t\n\x85\u2028\ufeff٫٬x")
    | st.characters(categories=["Nd", "Zs"]),
    max_size=24,
)


@pytest.mark.parametrize("question", QUESTIONS, ids=[f"{lo}..{hi}" for lo, hi in BOUNDS])
def test_the_package_reads_a_number_as_the_site_does(frame, question):
    data = {"type": "numeric", "low": question.low, "high": question.high}

    @settings(
        max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(TEXTS)
    @example("1,000")
    @example("1 000")
    @example(" 12.5 ")
    @example("12.50")
    @example("-3")
    @example("٣")
    @example("١٠٠٠")
    @example("1_000")
    @example("1,5")
    @example("1e400")
    @example("\ufeff1000")
    @example("0.1")
    def agree(text):
        message, mark = site_reads(question, text)
        package = frame.evaluate(PACKAGE_READS, [data, text])
        assert package == [message, mark, mark], text

    agree()


def test_every_space_python_strips_the_package_strips_and_no_other(frame):
    spaces = [chr(c) for c in range(0x10000) if chr(c).isspace() or chr(c).strip() == ""]
    others = ["\ufeff", "\u200b", "\u180e", "\u2060"]
    stripped = frame.evaluate("texts => texts.map(t => LinkwiseScormUi.strip(t))", spaces + others)
    assert stripped == [c.strip() for c in spaces + others]


def test_a_learner_told_to_type_a_number_without_underscores_is_then_marked_right(
    numbers_lms, frame
):
    """The package's own quiz: '1_000' is refused in the NHS error pattern, '٢' is marked."""
    server, module = numbers_lms
    quiz = module.assessment
    target = next(q for q in quiz.questions if q.type_name == "numeric")
    page = frame.page
    items = len(module.item_keys)
    resume = {"lesson_location": "quiz", "lesson_status": "incomplete", "entry": "resume"}
    seeds = frame.evaluate(
        "id => Array.from({length: 400}, (_, n) => (n + 1).toString(36)).filter(seed =>"
        " LinkwiseScorm.draw(seed).some(shown => shown.question.id === id))",
        target.id,
    )
    frame = server.launch(page, {"suspend_data": f"L1|{items - 1}|0|||{seeds[0]}|", "core": resume})
    box = f'input[name="q.{target.id}"]'
    frame.fill(box, "1_000")
    frame.click("[data-quiz-form] button[type=submit]")
    summary = frame.locator("[data-quiz-form] [data-error-summary]")
    assert summary.is_visible()
    order = frame.evaluate("LinkwiseScormUi.drawn().map(shown => shown.question.id)")
    # The site's words: read_answers puts the question's number before them.
    number = order.index(target.id) + 1
    message = f"Question {number}: enter the number without underscores, like 1000 or 1,000"
    assert message in frame.inner_text("[data-quiz-form] [data-error-list]")
    assert message in frame.inner_text(f'[data-question-box="{target.id}"] .nhsuk-error-message')
    assert (
        frame.get_attribute("[data-quiz-form] [data-error-list] a", "href")
        == f"#{frame.get_attribute(box, 'id')}"
    )
    if SHOTS:
        frame.locator("[data-quiz-form] [data-error-summary]").screenshot(
            path=f"{SHOTS}/scorm-numeric-refused-summary.png"
        )
        frame.locator(f'[data-question-box="{target.id}"]').screenshot(
            path=f"{SHOTS}/scorm-numeric-refused-question.png"
        )
    frame.click("[data-quiz-form] [data-error-list] a")  # the link puts focus in the box
    assert frame.evaluate("document.activeElement.name") == f"q.{target.id}"
    assert_accessible_frame(frame, "numeric answer refused")
    frame.fill(box, "٢")  # Arabic-Indic two, the right answer
    frame.locator("[data-quiz-form] button[type=submit]").focus()  # the change is saved
    kept = Lms.value(page, "cmi.suspend_data").split("|")[6].split(",")
    assert kept[order.index(target.id)] == "2"  # ASCII: commas separate answers there
    frame.click("[data-quiz-form] button[type=submit]")
    frame.wait_for_selector("[data-quiz-result]:not([hidden])")
    assert frame.is_visible(f'[data-question-box="{target.id}"] [data-feedback="right"]')
