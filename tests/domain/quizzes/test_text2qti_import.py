"""Importing a text2qti quiz keeps what text2qti 0.8.0 itself reads from it."""

import html
from pathlib import Path

import lxml.html
import pytest

pytest.importorskip("text2qti")
from text2qti.config import Config  # noqa: E402
from text2qti.quiz import GroupStart, Question  # noqa: E402
from text2qti.quiz import Quiz as Text2qtiQuiz  # noqa: E402

from app.domain.quiz_imports import import_text2qti  # noqa: E402
from app.domain.quiz_imports.checked import slug  # noqa: E402
from app.domain.quiz_markdown import quiz_block_html, quiz_inline_html  # noqa: E402
from app.domain.quizzes import QuestionGroup, parse_quiz  # noqa: E402

from .conftest import FIXTURES  # noqa: E402

CORPUS = sorted((FIXTURES / "text2qti").glob("*.txt"))
TYPE_NAMES = {
    "multiple_choice_question": "single-choice",
    "true_false_question": "true-false",
    "multiple_answers_question": "multiple-answers",
    "short_answer_question": "short-answer",
    "numerical_question": "numeric",
}


def both(path: Path):
    """Return text2qti's reading of a corpus file and ours of its import."""
    text = path.read_text(encoding="utf-8")
    # Default settings, no config file read or written; LaTeX and code running stay off.
    theirs = Text2qtiQuiz(text, config=Config(), source_name=path.name)
    imported = import_text2qti(text, source=path.name, module="referral-routes")
    assert imported.problems == (), imported.problems
    result = parse_quiz(
        imported.text, f"content/quizzes/{slug(theirs.title_raw)}.md", competencies_required=False
    )
    assert result.problems == (), imported.text
    return theirs, result.quiz


def their_choices(question: Question):
    return [(c.choice_raw, c.correct, c.feedback_raw) for c in question.choices]


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_import_keeps_quiz_settings(path):
    theirs, ours = both(path)
    assert ours.title == theirs.title_raw
    # The words text2qti shows for the description's Markdown.
    their_words = described(html.unescape(theirs.description_html_xml)) or None
    assert (ours.description and " ".join(ours.description.split())) == their_words
    assert ours.shuffle_answers == (theirs.shuffle_answers_xml == "true")
    shows = ours.show_correct_answers != "never"
    assert shows == (theirs.show_correct_answers_xml == "true")
    # text2qti's own total counts pooled questions twice, so sum its parts instead.
    their_total = sum(x[1] * x[2] if x[0] == "group" else x[1] for x in _their_items(theirs))
    assert ours.points_possible == their_total


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_import_keeps_questions_choices_feedback_and_answers(path):
    theirs, ours = both(path)
    their_questions = [x for x in theirs.questions_and_delims if isinstance(x, Question)]
    assert len(their_questions) == len(ours.questions)
    for number, (their, our) in enumerate(zip(their_questions, ours.questions, strict=True), 1):
        assert our.id == f"{ours.id}-q{number}"
        assert type(our).type_name == TYPE_NAMES[their.type]
        assert (our.text, our.title) == (their.question_raw, their.title_raw)
        feedback = (their.feedback_raw, their.correct_feedback_raw, their.incorrect_feedback_raw)
        assert (our.feedback.general, our.feedback.correct, our.feedback.incorrect) == feedback
        if their.type == "short_answer_question":
            assert list(our.answers) == [c.choice_raw for c in their.choices]
        elif their.type == "numerical_question":
            assert (our.low, our.high) == pytest.approx((their.numerical_min, their.numerical_max))
            assert our.exact == their.numerical_exact
        else:
            assert [(c.text, c.correct, c.feedback) for c in our.choices] == their_choices(their)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_import_keeps_points_and_groups(path):
    theirs, ours = both(path)
    our_items = [
        ("group", item.pick, item.points_per_question)
        if isinstance(item, QuestionGroup)
        else ("question", item.points)
        for item in ours.items
    ]
    assert our_items == _their_items(theirs)


def _their_items(theirs) -> list[tuple]:
    grouped = {
        id(question)
        for item in theirs.questions_and_delims
        if isinstance(item, GroupStart)
        for question in item.group.questions
    }
    summary: list[tuple] = []
    for item in theirs.questions_and_delims:
        if isinstance(item, GroupStart):
            summary.append(("group", item.group.pick, item.group.points_per_question))
        elif isinstance(item, Question) and id(item) not in grouped:
            summary.append(("question", item.points_possible))
    return summary


def test_import_gives_each_question_a_stable_id_from_the_title():
    text = "Quiz title: Safe Referrals (v2)\n\n1. Q?\n*a) Yes\nb) No\n\n2. R?\n*   yes\n"
    imported = import_text2qti(text).text
    assert "ID: safe-referrals-v2-q1\n1. Q?" in imported
    assert "ID: safe-referrals-v2-q2\n2. R?" in imported
    assert import_text2qti(text).text == imported


def test_the_quiz_id_given_wins_and_a_house_style_id_sets_module_and_kind():
    text = "Quiz title: Safe referrals\n\n1. Q?\na) No\n*b) Yes\n"
    imported = import_text2qti(text, quiz_id="referral-routes-check-3")
    quiz = parse_quiz(imported.text, "referral-routes-check-3.md").quiz
    assert (quiz.id, quiz.module, quiz.kind, quiz.pass_mark) == (
        "referral-routes-check-3",
        "referral-routes",
        "knowledge-check",
        0,
    )
    assert imported.problems == ()


BROKEN = """Quiz title: Broken basics

1.  Which route is right?
a)  One
b)  Two

2.  Mixed markers here.
*a) One
[ ] Two

3.  No answers at all.

4.  How many?
=   twelve

5.  Describe your practice.
____

Text: Some teaching text
    that goes on.

6.  An image ![A chart of referrals](chart.png) here.
*a) Yes
b)  No
!   A solution.

7.  Upload your notes.
^^^^
"""


def test_every_problem_is_reported_at_the_source_files_own_line():
    imported = import_text2qti(BROKEN, source="bad.txt", module="referral-routes")
    assert imported.has_errors
    assert [str(problem) for problem in imported.problems] == [
        "bad.txt:3: error: question 1 has no correct answer: mark one choice with *a)",
        "bad.txt:9: error: question 2 is a single-choice question, so '[ ]' lines do not belong "
        "in it: use '[*]' and '[ ]' for every choice of a multiple-answer question",
        "bad.txt:11: error: question 3 has no answers: add choices 'a)' with the right one "
        "'*a)', ticks '[ ]' and '[*]', accepted answers '*   answer' or a number '= 42'",
        "bad.txt:14: error: question 4 has a numeric answer 'twelve' that is not a number: "
        "write '= 42', '= 1.5 +- 0.1' or '= [1, 2]'",
        "bad.txt:16: warning: question 5 is an essay question ('___'), which Linkwise "
        "cannot mark, so it is left out",
        "bad.txt:19: warning: 'Text:' between questions is left out: put teaching on the "
        "module's screens",
        "bad.txt:22: warning: image 'chart.png' is left out: quizzes show no images; its "
        "description stands in its place as '(image: A chart of referrals)'",
        "bad.txt:25: warning: the '!' solution is left out: put what it says in '...' feedback "
        "instead",
        "bad.txt:27: warning: question 7 is a file-upload question ('^^^'), which Linkwise "
        "cannot mark, so it is left out",
    ]


PICTURES = r"""Quiz title: Pictures

1.  Look at ![Referrals by *month*, \[2024\] `r & <d>`](https://pictures.invalid/chart.png "Chart")
    and ![](https://pictures.invalid/line.png) then say which month had the [most](screen:x).
... The ![tick, a [green] one](https://pictures.invalid/tick.png) marks the busiest month.
*a) March ![arrow_up 2*3](https://pictures.invalid/up.png)
b)  June
"""


def described(html_text: str) -> str:
    """Return the words an HTML page shows, each image as a reader hears it, written
    '(image: ...)' as a GIFT import writes one, or nothing when it has no description."""
    tree = lxml.html.fragment_fromstring(html_text, create_parent="div")
    for image in tree.iter("img"):
        alt = " ".join((image.get("alt") or "").split())
        image.tail = (f"(image: {alt})" if alt else "") + (image.tail or "")
    return " ".join(tree.text_content().split())


def test_an_image_reads_as_its_description_as_in_a_gift_import_with_a_warning_at_its_line():
    """text2qti shows each image with its alt text: the quiz shows those words, marked as an
    image's, where text2qti shows the image, and says so at the line of the source file."""
    theirs = Text2qtiQuiz(PICTURES, config=Config(), source_name="pictures.txt")
    their = theirs.questions_and_delims[0]
    imported = import_text2qti(PICTURES, source="pictures.txt", module="referral-routes")
    left_out = "is left out: quizzes show no images; "
    assert [str(p) for p in imported.problems if "image" in p.message] == [
        f"pictures.txt:3: warning: image 'https://pictures.invalid/chart.png' {left_out}its "
        "description stands in its place as '(image: Referrals by *month*, [2024] r & <d>)'",
        f"pictures.txt:4: warning: image 'https://pictures.invalid/line.png' {left_out}it has "
        "no description, so describe it in words if the question needs it",
        f"pictures.txt:5: warning: image 'https://pictures.invalid/tick.png' {left_out}its "
        "description stands in its place as '(image: tick, a [green] one)'",
        f"pictures.txt:6: warning: image 'https://pictures.invalid/up.png' {left_out}its "
        "description stands in its place as '(image: arrow_up 2*3)'",
    ]
    result = parse_quiz(imported.text, "pictures.md", competencies_required=False)
    assert [p for p in result.problems if p.is_error] == []
    ours = result.quiz.questions[0]
    page = quiz_block_html(ours.text, module_slug="referral-routes", ids="q")
    assert described(page) == described(html.unescape(their.question_html_xml))
    assert described(page).startswith(
        "Look at (image: Referrals by *month*, [2024] r & <d>) and then say"
    )
    general = quiz_block_html(ours.feedback.general, module_slug="referral-routes", ids="f")
    assert described(general) == described(html.unescape(their.feedback_html_xml))
    right = quiz_inline_html(ours.choices[0].text, module_slug="referral-routes")
    assert described(right) == described(html.unescape(their.choices[0].choice_html_xml))
    assert described(right) == "March (image: arrow_up 2*3)"


def test_what_is_left_out_stays_in_the_file_as_comments():
    text = "Quiz title: Q\n\n1.  Describe.\n____\n\n2.  Right?\n*a) Yes\nb)  No\n"
    imported = import_text2qti(text, module="referral-routes")
    assert "% left out: 1.  Describe.\n% left out: ____" in imported.text
    assert "ID: q-q1\n2.  Right?" in imported.text
    assert not imported.has_errors


MONEY = r"""Quiz title: Fares
Shuffle answers: true

1.  A bus costs \$5 and `\$HOME` is code. What is $2^3$?
a)  \$4, or \SI{5}{kg}
*b) \$5 each
"""


def shown(html: str) -> str:
    """Return the words an HTML page shows, LaTeX images as the LaTeX written in dollars."""
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    for image in tree.iter("img"):
        image.tail = f"${image.get('data-equation-content')}${image.tail or ''}"
    return " ".join(tree.text_content().split())


def test_a_dollar_shows_as_text2qti_shows_it_and_latex_is_warned_about_at_its_line():
    config = Config()
    config["latex_render_url"] = "https://latex.invalid"
    theirs = Text2qtiQuiz(MONEY, config=config, source_name="fares.txt").questions_and_delims[0]
    imported = import_text2qti(MONEY, source="fares.txt", module="referral-routes")
    assert [str(p) for p in imported.problems] == [
        "fares.txt:4: warning: LaTeX '$2^3$' shows as written: Linkwise draws no maths; "
        "write it in words or with characters such as ² and ×",
        "fares.txt:5: warning: LaTeX '\\SI{5}{kg}' shows as written: Linkwise draws no maths; "
        "write it in words or with characters such as ² and ×",
    ]
    ours = parse_quiz(imported.text, "fares.md", competencies_required=False).quiz.questions[0]
    page = quiz_block_html(ours.text, module_slug="referral-routes", ids="q")
    assert shown(page) == shown(html.unescape(theirs.question_html_xml))
    assert shown(page) == "A bus costs $5 and \\$HOME is code. What is $2^3$?"
    right = quiz_inline_html(ours.choices[1].text, module_slug="referral-routes")
    assert shown(right) == shown(html.unescape(theirs.choices[1].choice_html_xml)) == "$5 each"


def test_the_quiz_description_shows_a_dollar_as_text2qti_shows_it():
    text = "Quiz title: Fares\nQuiz description: A fare is \\$5, or $2^3$ pence.\n\n"
    text += "1.  Q?\na)  No\n*b) Yes\n"
    config = Config()
    config["latex_render_url"] = "https://latex.invalid"
    theirs = Text2qtiQuiz(text, config=config, source_name="fares.txt")
    imported = import_text2qti(text, source="fares.txt", module="referral-routes")
    assert [str(p) for p in imported.problems] == [
        "fares.txt:2: warning: LaTeX '$2^3$' shows as written: Linkwise draws no maths; "
        "write it in words or with characters such as ² and ×",
    ]
    ours = parse_quiz(imported.text, "fares.md", competencies_required=False).quiz
    assert ours.description == "A fare is $5, or $2^3$ pence."
    assert ours.description == shown(html.unescape(theirs.description_html_xml))


def test_a_problem_that_names_other_lines_names_the_source_files_lines():
    text = "Quiz title: Code\n\n1.  What does it print?\n\n    ```\n    print(1)\n    ```\n"
    text += "*a) 1\nb)  0\n"
    imported = import_text2qti(text, source="code.txt", module="referral-routes")
    [problem] = [p for p in imported.problems if p.is_error]
    assert (problem.line, "the block from line 5 to line 7" in problem.message) == (5, True)


DESCRIPTIONS = {
    "emphasis": ("Covers *referral* and _consent_, **both** and __all__.", True),
    "both at once": ("***Both*** at once, and <em>raw</em> HTML", True),
    "link and code": ("A [route](https://routes.invalid) and `code *x*` &amp; <b>more</b>", True),
    "escapes": (r"Escaped \*stars\*, snake_case_name, 2 * 3 and a_b stay", False),
    "wrapped": ("Line one\n    continues *here*", True),
    "paragraphs": ("Two paragraphs.\n\n    The second *one*.", True),
}


@pytest.mark.parametrize(
    ("description", "formatted"), DESCRIPTIONS.values(), ids=list(DESCRIPTIONS)
)
def test_the_quiz_description_says_the_words_text2qti_shows_for_its_markdown(
    description, formatted
):
    """text2qti reads `Quiz description:` as Markdown; a Linkwise description is plain text,
    shown as typed: it holds the words text2qti's page shows, markup and escapes read as
    text2qti reads them, with a warning at the line when formatting stays behind."""
    text = f"Quiz title: Words\nQuiz description: {description}\n\n1.  Q?\na)  No\n*b) Yes\n"
    theirs = Text2qtiQuiz(text, config=Config(), source_name="words.txt")
    imported = import_text2qti(text, source="words.txt", module="referral-routes")
    ours = parse_quiz(imported.text, "words.md", competencies_required=False).quiz
    assert ours.description == "\n".join(
        line for line in (" ".join(part.split()) for part in ours.description.split("\n")) if line
    )
    their_words = described(html.unescape(theirs.description_html_xml))
    assert " ".join(ours.description.split()) == their_words
    warnings = [p for p in imported.problems if "formatting" in p.message]
    assert [(p.line, p.severity) for p in warnings] == ([(2, "warning")] if formatted else [])
    assert not imported.has_errors


def test_a_description_names_the_formatting_it_cannot_keep():
    text = (
        "Quiz title: Words\nQuiz description: *Routes* in _brief_: see **the [map]"
        "(https://routes.invalid)** and `ref-1`.\n\n1.  Q?\na)  No\n*b) Yes\n"
    )
    imported = import_text2qti(text, source="words.txt", module="referral-routes")
    assert [str(p) for p in imported.problems] == [
        "words.txt:2: warning: a Linkwise quiz description is plain text, shown as typed: it "
        "keeps the words text2qti shows, not their formatting: emphasis on 'Routes' and "
        "'brief'; link on 'map' (to https://routes.invalid); bold on 'the map'; code style on "
        "'ref-1'"
    ]
    ours = parse_quiz(imported.text, "words.md", competencies_required=False).quiz
    assert ours.description == "Routes in brief: see the map and ref-1."


LOOSE_NUMBERS = """Quiz title: Loose numbers

Points: +2
1.  Q?
a)  No
*b) Yes

GROUP
pick: 01
points per question: +1
1.  R?
*a) Yes
b)  No

2.  S?
*a) Yes
b)  No
END_GROUP

Points: 0_1.5
3.  T?
*a) Yes
b)  No
"""


def test_numbers_text2qti_reads_though_written_loosely_are_written_plainly_as_it_reads_them():
    """text2qti reads '+2', '01' and '0_1.5' with Python's int() and float(); a Linkwise quiz
    holds numbers written plainly, so the import writes the numbers text2qti read."""
    theirs = Text2qtiQuiz(LOOSE_NUMBERS, config=Config(), source_name="loose.txt")
    imported = import_text2qti(LOOSE_NUMBERS, source="loose.txt", module="referral-routes")
    assert imported.problems == ()
    assert "\nPoints: 2\n" in imported.text and "\nPoints: 1.5\n" in imported.text
    assert "\npick: 1\npoints per question: 1\n" in imported.text
    ours = parse_quiz(imported.text, "loose-numbers.md", competencies_required=False).quiz
    our_items = [
        ("group", item.pick, item.points_per_question)
        if isinstance(item, QuestionGroup)
        else ("question", item.points)
        for item in ours.items
    ]
    assert (
        our_items == _their_items(theirs) == [("question", 2), ("group", 1, 1), ("question", 1.5)]
    )


def test_numbers_text2qti_refuses_stay_as_written_and_are_errors_at_their_lines():
    text = "Quiz title: Q\n\nPoints: 1e0\n1.  Q?\na)  No\n*b) Yes\n"
    with pytest.raises(ValueError):  # text2qti's int('1e0') fails: it reads no such points
        Text2qtiQuiz(text, config=Config(), source_name="q.txt")
    imported = import_text2qti(text, source="q.txt", module="referral-routes")
    assert [str(p) for p in imported.problems] == [
        "q.txt:3: error: question 1 has points '1e0', with an exponent: write it as 1"
    ]


def test_messages_name_questions_by_the_files_own_numbers_left_out_ones_counted():
    text = (
        "Quiz title: Check\n\n1.  Describe the referral.\n___\n\n"
        "2.  Which route?\na)  One\nb)  Two\n"
    )
    imported = import_text2qti(text, source="q.txt", quiz_id="referral-routes-check-9")
    assert [str(p) for p in imported.problems] == [
        "q.txt:3: warning: question 1 is an essay question ('___'), which Linkwise cannot mark, "
        "so it is left out",
        "q.txt:6: error: question 2 has no correct answer: mark one choice with *a)",
    ]


def test_a_file_numbered_its_own_way_is_named_by_its_numbers():
    text = "Quiz title: Check\n\n7.  Describe.\n___\n\n9.  Which?\na)  One\nb)  Two\n"
    imported = import_text2qti(text, source="q.txt", module="referral-routes")
    assert [(p.line, p.message.split(" is ")[0].split(" has ")[0]) for p in imported.problems] == [
        (3, "question 7"),
        (6, "question 9"),
    ]


def test_a_knowledge_check_of_several_questions_says_which_are_left_out_of_the_count():
    choice = "*a) One\nb)  Two\n\n"
    text = "Quiz title: Check\n\n1.  Describe.\n___\n\n" + "".join(
        f"{n}.  Which?\n{choice}" for n in range(2, 6)
    )
    imported = import_text2qti(text, source="q.txt", quiz_id="referral-routes-check-9")
    assert [str(p) for p in imported.problems if p.is_error] == [
        "q.txt:10: error: a knowledge check holds exactly one question, but this file has 4 (not "
        "counting question 1, which is left out): move the others to their own knowledge checks "
        "or to the module's assessment"
    ]
