"""Importing a GIFT bank keeps what an independent GIFT parser (npm gift-pegjs) reads from it."""

import json
import subprocess
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.quiz_imports import import_gift
from app.domain.quiz_markdown import quiz_block_html, quiz_inline_html
from app.domain.quizzes import QuestionGroup, parse_quiz

HERE = Path(__file__).parent
CORPUS = sorted((HERE / "fixtures" / "gift").glob("*.gift"))
KEPT = {"MC", "TF", "Short", "Numerical", "Matching"}


def read_by_gift_pegjs(paths) -> dict:
    """Return gift-pegjs's reading of each file, by file name: its questions, or its error."""
    result = subprocess.run(
        ["node", str(HERE / "gift_oracle.cjs"), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return {Path(name).name: read for name, read in json.loads(result.stdout).items()}


@pytest.fixture(scope="module")
def oracle():
    """Return gift-pegjs's reading of every corpus file, by file name."""
    return read_by_gift_pegjs(CORPUS)


def ours(path: Path):
    """Return our import of a corpus file, parsed back as a Linkwise quiz."""
    imported = import_gift(path.read_text("utf-8"), source=path.name, module="referral-routes")
    assert not imported.has_errors, imported.problems
    result = parse_quiz(imported.text, f"{path.stem}.md", competencies_required=False)
    assert result.quiz is not None, (result.problems, imported.text)
    return imported, result.quiz


def text(value) -> str | None:
    return None if value is None else value["text"]


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_import_keeps_every_question_its_text_title_and_general_feedback(path, oracle):
    theirs = [q for q in oracle[path.name] if q["type"] in KEPT]
    _, quiz = ours(path)
    assert len(quiz.questions) == len(theirs)
    for their, our in zip(theirs, quiz.questions, strict=True):
        assert our.text == their["stem"]["text"]
        assert our.title == (their["title"].strip() if their["title"] else None)
        assert our.feedback.general == text(their["globalFeedback"])
        assert our.points == 1


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_import_keeps_answers_and_their_feedback(path, oracle):
    theirs = [q for q in oracle[path.name] if q["type"] in KEPT]
    _, quiz = ours(path)
    for their, our in zip(theirs, quiz.questions, strict=True):
        CHECKS[their["type"]](their, our)


def check_choices(their, our):
    single = any(c["isCorrect"] for c in their["choices"])
    assert our.type_name == ("single-choice" if single else "multiple-answers")
    expected = [
        (
            c["text"]["text"],
            c["isCorrect"] if single else (c["weight"] or 0) > 0,
            text(c["feedback"]),
        )
        for c in their["choices"]
    ]
    assert [(c.text, c.correct, c.feedback) for c in our.choices] == expected


def check_true_false(their, our):
    assert our.type_name == "true-false"
    right = next(c for c in our.choices if c.correct)
    wrong = next(c for c in our.choices if not c.correct)
    assert right.text == ("True" if their["isTrue"] else "False")
    # gift-pegjs hands the two feedbacks over in file order, whatever the answer; Moodle
    # shows the first to a learner who answers wrongly and the second to one who is right.
    assert (wrong.feedback, right.feedback) == (
        text(their["trueFeedback"]),
        text(their["falseFeedback"]),
    )


def check_short_answer(their, our):
    assert our.type_name == "short-answer"
    assert list(our.answers) == [c["text"]["text"] for c in their["choices"]]
    feedback = {text(c["feedback"]) for c in their["choices"]} - {None}
    assert our.feedback.correct == (feedback.pop() if len(feedback) == 1 else None)


def check_numeric(their, our):
    assert our.type_name == "numeric"
    choices = their["choices"]
    if isinstance(choices, dict):
        choices = [{"isCorrect": True, "weight": None, "text": choices, "feedback": None}]
    right = next(c for c in choices if c["isCorrect"])
    number = right["text"]
    low, high = {
        "simple": lambda n: (n["number"], n["number"]),
        "range": lambda n: (n["number"] - n["range"], n["number"] + n["range"]),
        "high-low": lambda n: (n["numberLow"], n["numberHigh"]),
    }[number["type"]](number)
    assert (our.low, our.high) == pytest.approx((low, high))
    assert our.feedback.correct == text(right["feedback"])
    anything_else = [c for c in choices if not c["isCorrect"]]
    assert our.feedback.incorrect == (text(anything_else[0]["feedback"]) if anything_else else None)


def check_matching(their, our):
    assert our.type_name == "matching"
    pairs = [(p["subquestion"]["text"], p["subanswer"]) for p in their["matchPairs"]]
    assert [(p.left, p.right) for p in our.pairs] == [p for p in pairs if p[0]]
    assert list(our.distractors) == [right for left, right in pairs if not left]


CHECKS = {
    "MC": check_choices,
    "TF": check_true_false,
    "Short": check_short_answer,
    "Numerical": check_numeric,
    "Matching": check_matching,
}


def test_each_category_becomes_a_pool_of_its_questions(oracle):
    path = HERE / "fixtures" / "gift" / "matching-and-pools.gift"
    imported, quiz = ours(path)
    categories = [q["title"] for q in oracle[path.name] if q["type"] == "Category"]
    pools = [item for item in quiz.items if isinstance(item, QuestionGroup)]
    assert [(len(pool.questions), pool.pick) for pool in pools] == [(2, 1)] * len(categories)
    assert [p.line for p in imported.problems if "becomes a pool" in p.message] == [3, 19]


INEXACT = """::Ticks::Which are community assets? {
  ~%70%A walking group
  ~%30%A lunch club
  ~An antibiotic
  ~%-100%A statin
}

::Best::Who should see Mrs E first? {
  =Her GP, today
  ~%50%The link worker, this week
}

::Letters::What does PCN stand for? {=primary care network =%50%primary care =primary*}

::Numbers::How many sessions? {#
  =9:3
  =%50%9:6
  =20
  ~30#Far too many.
}

Describe a referral you made. {}

This bank was written for a test.
"""


def test_what_linkwise_cannot_carry_over_exactly_is_warned_about_at_its_line():
    imported = import_gift(INEXACT, source="inexact.gift", module="referral-routes")
    assert not imported.has_errors
    assert [str(p) for p in imported.problems] == [
        "inexact.gift:2: warning: 'A walking group' earns 70% in Moodle; Linkwise gives each "
        "of the 2 right choices 50%",
        "inexact.gift:3: warning: 'A lunch club' earns 30% in Moodle; Linkwise gives each of "
        "the 2 right choices 50%",
        "inexact.gift:4: warning: ticking 'An antibiotic' costs 0% in Moodle; Linkwise takes "
        "away 50% for each of the 2 wrong choices ticked",
        "inexact.gift:5: warning: ticking 'A statin' costs 100% in Moodle; Linkwise takes away "
        "50% for each of the 2 wrong choices ticked",
        "inexact.gift:10: warning: 'The link worker, this week' earns 50% in Moodle; a "
        "Linkwise single choice gives no credit for a wrong choice",
        "inexact.gift:13: warning: 'primary care' earns 50% in Moodle; Linkwise accepts only "
        "fully right answers, so it is left out",
        "inexact.gift:13: warning: 'primary*' uses Moodle's '*' wildcard, which Linkwise does "
        "not read: it is left out; list the answers you accept",
        "inexact.gift:17: warning: '9:6' earns 50% in Moodle; Linkwise accepts only fully right "
        "numbers, so it is left out",
        "inexact.gift:18: warning: '20' is a second right number; Linkwise accepts one number "
        "or range, so it is left out",
        "inexact.gift:19: warning: the wrong answer '30' and its feedback are left out: "
        "Linkwise has one '-' feedback for every wrong answer",
        "inexact.gift:22: warning: question 5 is an essay question ('{}'), which Linkwise "
        "cannot mark, so it is left out",
        "inexact.gift:24: warning: question 6 is text without answers '{...}', not a question, "
        "so it is left out",
    ]


BROKEN = """::Two right::Which are right? {
  =One
  =Two
  ~Three
}

::Unclosed::Where is the brace? {
  =Here

::Odd weight::Pick one. {~%half%One =Two}

::Bad number::How many? {#twelve}
"""


def test_every_mistake_is_an_error_at_its_line_and_nothing_is_kept_quietly():
    imported = import_gift(BROKEN, source="broken.gift", module="referral-routes")
    assert [str(p) for p in imported.problems if p.is_error] == [
        "broken.gift:3: error: question 1 has 2 right answers marked '=': a Linkwise "
        "single-choice question has one; keep one '=' or give every right answer a weight "
        "like '~%50%' for a multiple-answer question",
        "broken.gift:7: error: '{' has no closing '}'",
        "broken.gift:10: error: the weight in '%half%One' is not like '%50%'",
        "broken.gift:12: error: question 4 has 'twelve', which is not a number, "
        "'number:tolerance' or 'low..high'",
    ]


# Questions with no blank line between them: Moodle reads each run-on question as text of
# the one before, losing it without a word. {file: (text, lines of the run-on questions,
# the line gift-pegjs stops at)}; gift-pegjs stops at a comment that does not end a question.
RUN_ON = {
    "after-answers.gift": (
        "::A::Give a number {#10:2}\n::B::Second question {=yes ~no}\n::C::Third {T}\n\n"
        "::D::Fourth {=x ~y}\n",
        [2, 3],
        2,
    ),
    "after-an-essay.gift": ("::E::Describe a referral. {}\n::F::Next {=a ~b}\n", [2], 2),
    "after-a-comment.gift": ("Give {=a ~b}\n// the next one\n::G::Next {=c ~d}\n", [3], 2),
    "untitled.gift": ("::H::Pick one {=a ~b}\nPick another {=c ~d}\n", [2], 2),
    "same-line.gift": ("Pick {=a ~b} and pick {=c ~d}\n", [1], 1),
    "before-answers.gift": ("::I::Text with no answers\n::J::Pick {=a ~b}\n", [2], 2),
}


def test_a_question_with_no_blank_line_before_it_is_an_error_where_gift_pegjs_stops(tmp_path):
    for name, (bank, _, _) in RUN_ON.items():
        (tmp_path / name).write_text(bank)
    theirs = read_by_gift_pegjs(sorted(tmp_path.iterdir()))
    for name, (bank, lines, their_line) in RUN_ON.items():
        imported = import_gift(bank, source=name, module="referral-routes")
        errors = [p for p in imported.problems if p.is_error]
        assert [p.line for p in errors] == lines, imported.problems
        assert all("a blank line is probably missing" in p.message for p in errors)
        assert theirs[name]["line"] == their_line, theirs[name]


def test_a_missing_blank_line_names_the_question_that_runs_on():
    bank, _, _ = RUN_ON["after-answers.gift"]
    imported = import_gift(bank, source="b2.gift", module="referral-routes")
    assert [str(p) for p in imported.problems] == [
        "b2.gift:2: error: a blank line is probably missing before '::B::', which starts "
        "another question (write '\\:' for a colon that is text)",
        "b2.gift:3: error: a blank line is probably missing before '::C::', which starts "
        "another question (write '\\:' for a colon that is text)",
    ]


def test_text_after_the_answers_is_still_read_as_moodle_does_when_it_starts_no_question():
    bank = "Mrs E {=GP ~nurse} sees first \\{ ratio 1\\:2 \\}\nand on the same day.\n"
    quiz = parse_quiz(
        import_gift(bank, source="x.gift", module="referral-routes").text,
        "x.md",
        competencies_required=False,
    ).quiz
    assert quiz.questions[0].text == "Mrs E _____ sees first { ratio 1:2 } and on the same day."


GIFT_PIECES = st.sampled_from(
    [
        "::",
        "{",
        "}",
        "=",
        "~",
        "#",
        "####",
        "->",
        "%50%",
        "%-",
        "\\",
        ":",
        "..",
        "T",
        "F",
        "$CATEGORY: a",
        "//",
        "[markdown]",
        "[html]",
        "<p>",
        "<table>",
        "</table>",
        "<tr>",
        "<td>",
        "</td>",
        '<th colspan\\="2">',
        "<caption>",
        '<img src\\="a.png" alt\\="a | b">',
        "|",
        "1",
        "-2.5",
        " ",
        "\n",
        "\n\n",
        "x",
    ]
)


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(GIFT_PIECES, max_size=40))
def test_any_gift_text_imports_or_reports_without_raising(pieces):
    imported = import_gift("".join(pieces), source="any.gift", module="referral-routes")
    if not imported.has_errors:
        assert parse_quiz(imported.text, "any.md", competencies_required=False).quiz is not None


def test_errors_name_the_question_by_its_place_in_the_gift_file_left_out_ones_counted():
    bank = (
        "::Q1::One {}\n\n"  # an essay, left out
        "::Q2::Two {=a ~b ~b\n\n"  # no closing brace
        "::Q3::Three {=a =b ~c}\n\n"  # two right answers
        "::Q4::Four {=a ~b}\n\n"
        "::Q5::Five {=x#fb ~y ~z ~y}\n"  # found by the quiz parser, in the converted file
    )
    imported = import_gift(bank, source="q.gift", module="referral-routes")
    errors = [(p.line, p.message.split(" has ")[0]) for p in imported.problems if p.is_error]
    assert errors == [(3, "'{'"), (5, "question 3"), (9, "question 5")]
    assert "question 5 has the choice 'y' twice" in str(imported.problems[-1])


def test_whole_file_warnings_of_an_import_have_a_line():
    imported = import_gift("::A::A? {=a ~b}\n", source="x.gift")
    assert [str(p) for p in imported.problems] == [
        "x.gift:1: warning: no module given: the quiz says 'module: unassigned'; use --module SLUG"
    ]


FORMATS_BANK = HERE / "fixtures" / "gift-formats" / "moodle-export.gift"


def described(html: str):
    """Return an HTML text's tree, each image as the words a reader hears for it: its
    description, written '(image: ...)' as the import keeps it, or nothing."""
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    for image in tree.iter("img"):
        alt = " ".join((image.get("alt") or "").split())
        image.tail = (f"(image: {alt})" if alt else "") + (image.tail or "")
    return tree


def shown_by_moodle(text: dict) -> str:
    """Return the characters Moodle shows of a text gift-pegjs read, whitespace aside."""
    shown = text["text"]
    if text["format"] in ("html", "moodle"):  # Moodle's own format lets HTML through
        shown = described(shown).text_content()
    return "".join(shown.split())


def cells(tree) -> list[list[str]]:
    """Return the characters of each table cell in a tree, row by row, whitespace aside."""
    return [
        ["".join(cell.text_content().split()) for cell in row if cell.tag in ("td", "th")]
        for row in tree.iter("tr")
    ]


def shown_by_linkwise(markdown: str | None, render=quiz_block_html) -> str:
    """Return the characters a Linkwise page shows of a quiz's Markdown, whitespace aside."""
    page = render(markdown or "", module_slug="referral-routes", ids="q")
    return "".join(lxml.html.fragment_fromstring(page, create_parent="div").text_content().split())


def test_text_moodle_wrote_in_html_plain_or_its_own_format_shows_as_moodle_shows_it():
    """Characters Markdown reads as markup (* _ [ ] ` < &, a line's 1. or #) stay text."""
    theirs = [q for q in read_by_gift_pegjs([FORMATS_BANK])[FORMATS_BANK.name] if q["type"] in KEPT]
    _, quiz = ours(FORMATS_BANK)
    questions = [q for item in quiz.items for q in getattr(item, "questions", (item,))]
    assert len(questions) == len(theirs)

    def inline(text, **kwargs):
        return quiz_inline_html(text, module_slug=kwargs["module_slug"])

    for their, our in zip(theirs, questions, strict=True):
        assert shown_by_linkwise(our.text) == shown_by_moodle(their["stem"])
        # A table stays a table, cell for cell.
        page = quiz_block_html(our.text, module_slug="referral-routes", ids="q")
        assert cells(lxml.html.fragment_fromstring(page, create_parent="div")) == cells(
            described(their["stem"]["text"])
        )
        if their["type"] == "MC":
            for choice, our_choice in zip(their["choices"], our.choices, strict=True):
                assert shown_by_linkwise(our_choice.text, inline) == shown_by_moodle(choice["text"])
                feedback = choice["feedback"] or {"format": "plain", "text": ""}
                assert shown_by_linkwise(our_choice.feedback) == shown_by_moodle(feedback)
        if their["type"] == "TF":
            # Moodle shows the first feedback to a wrong answer, the second to a right one.
            wrong, right = sorted(our.choices, key=lambda c: c.correct)
            assert shown_by_linkwise(wrong.feedback) == shown_by_moodle(their["trueFeedback"])
            assert shown_by_linkwise(right.feedback) == shown_by_moodle(their["falseFeedback"])
        if their["type"] == "Matching":
            prompts = [shown_by_moodle(p["subquestion"]) for p in their["matchPairs"]]
            assert [shown_by_linkwise(p.left, inline) for p in our.pairs] == prompts


PICTURES_AND_TABLES = r"""::Chart::[html]<p>Look at <img src\="chart.png" alt\="Referrals by month">
and our logo <img src\="logo.png" alt\="">.</p>
<table><tr><td>Month</td><td>Referrals</td></tr>
<tr><td>May</td><td colspan\="2">40</td></tr></table>{
  =<table><tr><td>40</td></tr><tr><td>referrals</td></tr></table>
  ~<table><tr><td>25</td><td>referrals</td></tr></table>
}
"""


def test_an_image_reads_as_its_description_and_a_table_stays_a_table_where_it_can():
    imported = import_gift(PICTURES_AND_TABLES, source="chart.gift", module="referral-routes")
    assert [str(p) for p in imported.problems] == [
        "chart.gift:1: warning: HTML tags are left out: Linkwise quizzes are Markdown; check "
        "the text reads well",
        "chart.gift:1: warning: a table cell spanning several columns or rows becomes one "
        "cell, as Markdown tables have no spans: check the table reads well",
        "chart.gift:1: warning: a table in a choice or a matching prompt is kept as lines of "
        "text, as a label holds no table: move it to the question if it needs to be one",
        "chart.gift:1: warning: a table with no heading cells '<th>' gets its first row as "
        "headings, as Markdown tables have them: check that row reads as headings",
        "chart.gift:1: warning: image 'chart.png' is left out: quizzes show no images; its "
        "description stands in its place as '(image: Referrals by month)'",
        "chart.gift:1: warning: image 'logo.png' is left out: quizzes show no images; it has "
        "no description, so describe it in words if the question needs it",
    ]
    question = parse_quiz(imported.text, "chart.md", competencies_required=False).quiz.questions[0]
    assert question.text == (
        "Look at (image: Referrals by month)\nand our logo .\n\n"
        "| Month | Referrals |\n| --- | --- |\n| May | 40 |"
    )
    # A choice is a label: the table's rows are its lines; one row is one line anyway.
    assert [c.text for c in question.choices] == ["40\nreferrals", "25 referrals"]


def test_a_knowledge_check_of_several_questions_says_which_are_left_out_of_the_count():
    bank = "::E::Describe it. {}\n\n" + "".join(
        f"::Q{n}::Which? {{=a ~b}}\n\n" for n in range(2, 5)
    )
    imported = import_gift(bank, source="q.gift", quiz_id="referral-routes-check-9")
    assert [str(p) for p in imported.problems if p.is_error] == [
        "q.gift:5: error: a knowledge check holds exactly one question, but this file has 3 (not "
        "counting question 1, which is left out): move the others to their own knowledge checks "
        "or to the module's assessment"
    ]


def test_one_wrong_or_right_choice_is_warned_about_in_the_singular():
    bank = (
        "::One wrong::Which are community assets? {\n  ~%50%A walking group\n"
        "  ~%50%A lunch club\n  ~%-50%A statin\n}\n"
    )
    imported = import_gift(bank, source="one.gift", module="referral-routes")
    assert not imported.has_errors
    assert [str(p) for p in imported.problems] == [
        "one.gift:4: warning: ticking 'A statin' costs 50% in Moodle; Linkwise takes away "
        "100% if the one wrong choice is ticked",
    ]


def test_a_short_answer_listed_again_in_other_cases_is_kept_once_with_a_warning():
    bank = (
        "::Role::Who helps with what matters to a person? "
        "{=social prescribing link worker =Social Prescribing Link Worker =link worker}\n"
    )
    imported = import_gift(bank, source="cases.gift", module="referral-routes")
    assert not imported.has_errors, [str(p) for p in imported.problems]
    assert [str(p) for p in imported.problems] == [
        "cases.gift:1: warning: 'Social Prescribing Link Worker' is the answer 'social "
        "prescribing link worker' again (Linkwise ignores case and accents when marking), so it "
        "is left out",
    ]
    quiz = parse_quiz(imported.text, "cases.md", competencies_required=False)
    assert not quiz.problems, quiz.problems
    assert quiz.quiz.questions[0].answers == ("social prescribing link worker", "link worker")
