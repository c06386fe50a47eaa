"""Every mistake in a quiz file is reported, each at the line it is on, naming its question."""

import pytest

from app.domain.quizzes import parse_quiz

from .conftest import BODY_LINE, FIXTURES, KNOWN_CODES, PATH, messages, parse_body, quiz_file

BROKEN = FIXTURES / "broken"

EXPECTED = {
    "choice-mistakes": [
        "14: error: question 1 has no correct answer: mark one choice with *a)",
        "23: error: question 2 has two correct answers in a single-choice question: "
        "use [*] for multiple answers",
        "28: error: question 3 has no ID: add a line like 'ID: choice-mistakes-q3' before it",
        "32: error: question 4 has ID 'choice-mistakes-q2', which question 2 already uses: "
        "IDs must be unique within the file",
        "41: error: question 5 has no Competencies: every assessment question needs a line "
        "like 'Competencies: SPLW-1.2' before it",
        "46: error: question 6 has an unknown competency: competency 'SPLW-1.9' is not in any "
        "framework (did you mean 'SPLW-1.5'?)",
        "46: error: question 6 lists 'splw-1.1', which is not a code like SPLW-1.2: write "
        "codes in capitals (Competencies: SPLW-1.1)",
        "55: error: question 7 has unknown Type 'multiple-choice' (did you mean "
        "'single-choice'?): use one of single-choice, true-false, multiple-answers, "
        "short-answer, numeric, matching, ordering",
        "56: error: question 7 has points 'lots' that are not a number above 0",
        "66: error: question 8 is a single-choice question, so '[ ]' lines do not belong in it: "
        "use '[*]' and '[ ]' for every choice of a multiple-answer question",
        "71: error: question 9 needs at least two choices",
        "78: error: question 10 is true-false, so its choices must be '*a) True' and "
        "'b) False' with the right one marked",
        "85: error: question 11 has no correct answer: mark at least one choice with [*]",
        "88: error: question 11 has the choice 'One' twice",
    ],
    "layout-mistakes": [
        "11: error: 'Quiz title:' belongs in the front matter as 'title:'",
        "14: error: question 1 has a numeric tolerance 'a bit' that is not a number: "
        "write '= 42', '= 1.5 +- 0.1' or '= [1, 2]'",
        "17: error: a knowledge check holds exactly one question, but this file has 11: move "
        "the others to their own knowledge checks or to the module's assessment",
        "18: error: question 2 has a numeric range '[10, 1]' whose low end is above its high end",
        "22: error: question 3 has a numeric answer 'Debt -> Citizens Advice' that is not a "
        "number: write '= 42', '= 1.5 +- 0.1' or '= [1, 2]'; for matching pairs put "
        "'Type: matching' before the question",
        "25: error: question 4 has numbered steps like '1)': put 'Type: ordering' before the "
        "question",
        "30: error: question 5 is an ordering question, but a knowledge check asks one of: "
        "single-choice, true-false, multiple-answers",
        "33: error: question 5 numbers step 2 as '3)': number the steps 1), 2), 3) ... in the "
        "correct order",
        "36: error: question 6 is a matching question, but a knowledge check asks one of: "
        "single-choice, true-false, multiple-answers",
        "38: error: question 6 has a matching line '= Debt, Citizens Advice' that is not "
        "'= left text -> right text' (or '= -> decoy option')",
        "42: error: question 7 is a short-answer question, but a knowledge check asks one of: "
        "single-choice, true-false, multiple-answers",
        "44: error: question 7 has '...' feedback after its answers: put feedback for the "
        "whole question straight after the question text",
        "46: error: 'Points:' is not followed by a question: put it straight before the "
        "question's number line",
        "47: error: a knowledge check holds exactly one question, so it cannot have a GROUP pool",
        "48: error: GROUP picks 3 questions but has only 1",
        "55: error: 'END_GROUP' is outside any GROUP",
        "56: error: unexpected text; start it with a marker such as '1.', 'a)' or '...', "
        "or indent it to line up with the text it continues",
        "57: error: missing space after 'a)'",
        "59: error: question 9 has no answers: add choices 'a)' with the right one '*a)', "
        "ticks '[ ]' and '[*]', accepted answers '*   answer' or a number '= 42'",
        "60: error: essay boxes '___' are not supported: Linkwise marks every answer itself",
        "63: error: question 10 has no answers: add choices 'a)' with the right one '*a)', "
        "ticks '[ ]' and '[*]', accepted answers '*   answer' or a number '= 42'",
        "65: error: GROUP has no END_GROUP after its questions",
    ],
    "front-matter-mistakes": [
        "1: error: quiz front matter is missing required key 'module'",
        "2: error: id 'not-the-file-name' does not match the file name "
        "'front-matter-mistakes.md': make them the same",
        "4: error: 'kind' must be one of 'assessment', 'knowledge-check', not 'assesment' "
        "(did you mean 'assessment'?)",
        "5: error: 'pass_mark' is a percentage: use 0 to 100",
        "6: error: 'max_attempts' must be from 1 to 100, not 0",
        "7: error: 'shuffle_answers' must be true or false",
        "9: error: 'show_correct_answers' must be one of 'never', 'after-each-submission', "
        "'after-pass', 'after-last-attempt', not 'always'",
        "10: warning: unknown key 'colour' in quiz front matter is ignored",
    ],
}


@pytest.mark.parametrize("name", EXPECTED)
def test_broken_file_reports_every_problem_at_its_line(name):
    path = f"content/quizzes/{name}.md"
    result = parse_quiz((BROKEN / f"{name}.md").read_text(encoding="utf-8"), path, KNOWN_CODES)
    assert result.quiz is None
    assert messages(result) == [f"{path}:{expected}" for expected in EXPECTED[name]]


def test_warnings_alone_still_give_a_quiz():
    text = (FIXTURES / "every-type.md").read_text(encoding="utf-8")
    text = text.replace("pass_mark: 80", "pass_mark: 80\ncolour: blue")
    result = parse_quiz(text, "content/quizzes/every-type.md", KNOWN_CODES)
    assert result.quiz is not None
    assert messages(result) == [
        "content/quizzes/every-type.md:7: warning: unknown key 'colour' in quiz front matter "
        "is ignored"
    ]


def test_missing_front_matter_still_checks_the_questions():
    result = parse_quiz("1. No ID here\n*a) Yes\nb) No\n", PATH)
    assert messages(result) == [
        f"{PATH}:1: error: missing front matter: start the file with a '---' line, then "
        "'id: ...', 'module: ...' and the other settings, then another '---' line",
        f"{PATH}:1: error: question 1 has no ID: add a line like 'ID: check-q1' before it",
    ]


def test_invalid_yaml_is_reported_at_its_line():
    result = parse_quiz("---\nid: check\ntitle: [unclosed\n---\n", PATH)
    assert messages(result)[0] == (
        f"{PATH}:3: error: invalid YAML in front matter: the '[' on line 3 starts a list "
        "that is never closed: if the value is text, put the whole value in quotes; if it "
        "is a list, close it with ']'"
    )


def test_empty_body_has_no_questions():
    result = parse_body("")
    assert messages(result) == [
        f"{PATH}:{BODY_LINE}: error: quiz has no questions: start one with '1.'"
    ]


def test_competency_codes_are_only_checked_for_form_without_known_codes():
    body = "ID: q\nCompetencies: XYZ-9.9\n1. Q?\n*a) Yes\nb) No\n"
    assert parse_quiz(quiz_file(body), PATH).quiz is not None
    assert parse_quiz(quiz_file(body), PATH, KNOWN_CODES).quiz is None


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("...  Feedback first.\n", 0, "feedback '...' has no question above it"),
        ("*a) Orphan choice\n", 0, "'*a)' has no question above it"),
        ("ID: q\n1. Q?\n*a) Yes\n... One\n... Two\nb) No\n", 4, "question 1 gives one choice two"),
        ("ID: q\n1. Q?\n*a) Yes\nb) No\n+ Late praise\n", 4, "question 1 has '+' feedback after"),
        ("ID: q\n1. Q?\n=  1\n=  2\n", 3, "question 1 has more than one '=' answer line"),
        ("ID: q\n1. Q?\n*   yes\n*   YES \n", 3, "question 1 accepts the answer 'YES' twice"),
        ("ID: Q 1\n1. Q?\n*   yes\n", 0, "question 1 has ID 'Q 1' that is not lowercase"),
        ("ID: q\n1. Q?\n=   1 +- -2\n", 2, "question 1 has a negative numeric tolerance"),
        ("GROUP\nGROUP\nEND_GROUP\n", 1, "GROUP inside another GROUP"),
        ("GROUP\npick: two\nEND_GROUP\n", 1, "'pick:' must be a whole number"),
        ("GROUP\npoints per question: 0\nEND_GROUP\n", 1, "'points per question:' must be"),
        ("pick: 2\n", 0, "'pick:' is outside any GROUP"),
        ("Title: T\nTitle: U\nID: q\n1. Q?\n*   a\n", 1, "'Title:' is given twice"),
        ("ID: q\nType: matching\n1. Q?\n=  a -> b\n", 2, "question 1 needs at least two"),
        ("ID: q\nType: ordering\n1. Q?\n1) a\n2) a\n", 4, "question 1 has the step 'a' twice"),
        ("```{.python .run}\nprint(1)\n```\n", 0, "code blocks that run are not supported"),
    ],
)
def test_single_mistakes_are_reported_where_they_are(body, line, message):
    found = messages(parse_body(body))
    assert any(m.startswith(f"{PATH}:{BODY_LINE + line}: error: {message}") for m in found), found


@pytest.mark.parametrize(
    ("written", "how"),
    [
        ("١", "in digits other than 0 to 9: write it as 1"),
        ("1_0", "with underscores: write it as 10"),
        ("1,5", "with a comma: write it as a plain {kind}, in the digits 0 to 9{decimals}"),
        ("２", "in digits other than 0 to 9: write it as 2"),
    ],
)
def test_points_and_pick_in_other_digits_or_with_underscores_are_errors_saying_what_to_write(
    written, how
):
    """Decimal took '١' as 1 and '1_0' as 10: points and picks are written in plain digits."""
    number = how.format(kind="number", decimals=" with a full stop for decimals")
    whole = how.format(kind="whole number", decimals="")
    points = parse_body(f"ID: q1\nPoints: {written}\n1. Q?\na) No\n*b) Yes\n")
    assert messages(points) == [
        f"{PATH}:{BODY_LINE + 1}: error: question 1 has points '{written}', {number}"
    ]
    group = f"GROUP\npick: {written}\npoints per question: {written}\nEND_GROUP\n"
    # Line BODY_LINE, the GROUP line, is also where a pool without questions is reported.
    pool = [m for m in messages(parse_body(group)) if not m.startswith(f"{PATH}:{BODY_LINE}:")]
    assert pool == [
        f"{PATH}:{BODY_LINE + 1}: error: 'pick:' is written '{written}', {whole}",
        f"{PATH}:{BODY_LINE + 2}: error: 'points per question:' is written '{written}', {number}",
    ]
