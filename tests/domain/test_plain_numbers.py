"""Every number a content file sets is written plainly, in the digits 0 to 9 with a full stop
for decimals: what YAML or a looser reading would silently turn into a number (`+3`, `010`
as 8, `1:30` as 90, `8.0e+1`) is an error naming the key and the value as written, at its
line, each one reported."""

from decimal import Decimal

import pytest

from app.domain.catalogue import load_catalogue
from app.domain.framework_files import load_frameworks
from app.domain.plain_numbers import Unplain, plain_number
from app.domain.quizzes import parse_quiz

from .conftest import MODULE_MD, TINY_FRAMEWORK
from .quizzes.conftest import BODY_LINE, KNOWN_CODES, PATH, messages, parse_body
from .quizzes.test_retakes import QUESTION


@pytest.mark.parametrize("text", ["0", "3", "100", "62.5", "0.65", "1.50", "-1", "-0.5"])
def test_plain_numbers_are_read(text):
    assert plain_number(text) == Decimal(text)


@pytest.mark.parametrize(
    ("text", "why", "plain"),
    [
        ("+3", "with a '+' sign", "3"),
        ("-0", "with a '-' sign", "0"),
        ("-0.0", "with a '-' sign", "0"),
        ("010", "with a leading zero", "10"),
        ("00", "with a leading zero", "0"),
        ("1_000", "with underscores", "1000"),
        ("1e0", "with an exponent", "1"),
        ("8.0e+1", "with an exponent", "80"),
        ("1E1", "with an exponent", "10"),
        ("1e400", "with an exponent", None),
        (".5", "with no digit before the full stop", "0.5"),
        ("2.", "with no digit after the full stop", "2"),
        ("+02", "with a '+' sign and a leading zero", "2"),
        ("1,5", "with a comma", None),  # a decimal comma, or 15 grouped? Not said.
        ("1,000", "with a comma", None),
        ("1 000", "with spaces", None),
        ("0x1F", "in hexadecimal", None),
        ("0o17", "in octal", None),
        ("0b11", "in binary", None),
        ("1:30", "with a ':'", None),
        (".inf", "which stands for infinity", None),
        ("-.Inf", "which stands for infinity", None),
        (".nan", "which stands for 'not a number'", None),
        ("١", "in digits other than 0 to 9", "1"),
        ("２.５", "in digits other than 0 to 9", "2.5"),
    ],
)
def test_numbers_written_otherwise_say_how_and_the_plain_way(text, why, plain):
    assert plain_number(text) == Unplain(why, plain)


@pytest.mark.parametrize("text", ["", "-", "lots", "2 points", "²", "three", "1.2.3", "e5"])
def test_text_that_is_no_number_is_none(text):
    assert plain_number(text) is None


def test_unplain_says_what_to_write_instead():
    assert Unplain("with a '+' sign", "3").fix(whole=True) == "write it as 3"
    assert Unplain("in octal").fix(whole=True) == (
        "write it as a plain whole number, in the digits 0 to 9"
    )
    assert Unplain("in octal").fix(whole=False) == (
        "write it as a plain number, in the digits 0 to 9 with a full stop for decimals"
    )


def _changed(text: str, *changes: tuple[str, str]) -> tuple[str, list[int]]:
    """Return text with each (old, new) made, and the line of each new, in order."""
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    stripped = [line.strip() for line in text.split("\n")]
    return text, [stripped.index(new.strip()) + 1 for _, new in changes]


def test_a_modules_numbers_written_otherwise_are_each_an_error_at_their_line(course):
    text, lines = _changed(
        MODULE_MD,
        ("\norder: 1\n", "\norder: 010\n"),
        ("estimated_minutes: 5", "estimated_minutes: +5"),
        ("cpd_minutes: 5", "cpd_minutes: 1:30"),
        ("    year: 2025", "    year: 2_025"),
    )
    folder = course({"01-one.md": "---\ntitle: One\n---\nText.\n", "module.md": text})
    found = [(p.line, p.message) for p in load_catalogue([folder], [TINY_FRAMEWORK]).problems]
    assert found == [
        (lines[0], "'order' is written '010', with a leading zero, which YAML reads as 8: "
         "write it as 10"),
        (lines[1], "'estimated_minutes' is written '+5', with a '+' sign: write it as 5"),
        (lines[2], "'cpd_minutes' is written '1:30', with a ':', which YAML reads as 90: "
         "write it as a plain whole number, in the digits 0 to 9"),
        (lines[3], "'year' is written '2_025', with underscores: write it as 2025"),
    ]  # fmt: skip


def quiz(pass_mark: str = "80", more: str = ""):
    """Parse an assessment with this pass mark and these further front matter lines."""
    text = (
        "---\nid: check\nmodule: m\ntitle: T\nkind: assessment\n"
        f"pass_mark: {pass_mark}\n"
        "shuffle_answers: false\nshuffle_questions: false\nshow_correct_answers: after-pass\n"
        f"{more}---\n{QUESTION}"
    )
    return parse_quiz(text, PATH, KNOWN_CODES)


def test_a_quizs_settings_written_otherwise_are_each_an_error_at_their_line():
    result = quiz(
        "+80", "max_attempts: 0x3\ntime_limit_minutes: 6.0e+1\nretake:\n  wait_days: 07\n"
    )
    assert messages(result) == [
        f"{PATH}:6: error: 'pass_mark' is written '+80', with a '+' sign: write it as 80",
        f"{PATH}:10: error: 'max_attempts' is written '0x3', in hexadecimal, which YAML reads "
        "as 3: write it as a plain whole number, in the digits 0 to 9",
        f"{PATH}:11: error: 'time_limit_minutes' is written '6.0e+1', with an exponent: write "
        "it as 60",
        f"{PATH}:13: error: 'wait_days' is written '07', with a leading zero: write it as 7",
    ]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("80.", "with no digit after the full stop: write it as 80"),
        ("080", "with a leading zero: write it as 80"),  # text to YAML 1.1, not octal
        (".5e2", "with no digit before the full stop and an exponent: write it as 50"),
        (
            ".inf",
            "which stands for infinity: write it as a plain number, in the digits 0 to 9 with a "
            "full stop for decimals",
        ),
    ],
)
def test_a_pass_mark_written_otherwise_is_an_error_saying_how_to_write_it(written, message):
    assert messages(quiz(written)) == [
        f"{PATH}:6: error: 'pass_mark' is written '{written}', {message}"
    ]


def test_plain_numbers_and_decimals_where_allowed_are_read_as_written():
    result = quiz("62.5", "max_attempts: 3\ntime_limit_minutes: 60\nretake:\n  wait_days: 0\n")
    assert result.problems == ()
    assert (result.quiz.pass_mark, result.quiz.max_attempts) == (62.5, 3)
    assert (result.quiz.time_limit_minutes, result.quiz.retake.wait_days) == (60, 0)
    pooled = parse_body(
        "GROUP\npick: 2\npoints per question: 0.5\n"
        "ID: q1\nCompetencies: SPLW-1.1\nOutcomes: 1\n1. Q?\n*a) Yes\nb) No\n"
        "ID: q2\nCompetencies: SPLW-1.1\nOutcomes: 2, 10\n2. R?\n*a) Yes\nb) No\n"
        "ID: q3\nCompetencies: SPLW-1.1\nOutcomes: 3\n3. S?\n*a) Yes\nb) No\nEND_GROUP\n"
        "ID: q4\nCompetencies: SPLW-1.1\nOutcomes: 4\nPoints: 1.5\n4. T?\n*a) Yes\nb) No\n",
        kind="assessment",
    )
    assert [p for p in pooled.problems if p.is_error] == []
    group, single = pooled.quiz.items
    assert (group.pick, group.points_per_question, single.points) == (2, 0.5, 1.5)
    assert group.questions[1].outcomes == (2, 10)


def test_a_quiz_bodys_numbers_written_otherwise_are_each_an_error_at_their_line():
    result = parse_body(
        "GROUP\npick: 01\npoints per question: 1e0\n"
        "ID: q1\nOutcomes: 1, +2\n1. Q?\n*a) Yes\nb) No\n"
        "ID: q2\n2. R?\n*a) Yes\nb) No\nEND_GROUP\n"
        "ID: q3\nPoints: +2\n3. T?\n*a) Yes\nb) No\n",
        kind="assessment",
    )
    at = f"{PATH}:{{}}: error: ".format
    assert [m for m in messages(result) if "written" in m or "', with" in m] == [
        at(BODY_LINE + 1) + "'pick:' is written '01', with a leading zero: write it as 1",
        at(BODY_LINE + 2) + "'points per question:' is written '1e0', with an exponent: write "
        "it as 1",
        at(BODY_LINE + 4) + "question 1 lists outcome '+2', with a '+' sign: write it as 2",
        at(BODY_LINE + 14) + "question 3 has points '+2', with a '+' sign: write it as 2",
    ]


def test_a_frameworks_numbers_written_otherwise_are_each_an_error_at_their_line(tmp_path):
    text, lines = _changed(
        TINY_FRAMEWORK.read_text("utf-8"),
        ("    threshold: 80", "    threshold: 8e1"),
        ("latest_weight: 0.65", "latest_weight: .65"),
        ("minimum_evidence: 3", "minimum_evidence: 3.0e0"),
        ("  - number: 2", "  - number: +2"),
    )
    path = tmp_path / "tiny.yaml"
    path.write_text(text, "utf-8")
    found = [(p.line, p.message) for p in load_frameworks([path]).problems]
    assert found == [
        (lines[0], "'threshold' is written '8e1', with an exponent: write it as 80"),
        (lines[1], "'latest_weight' is written '.65', with no digit before the full stop: "
         "write it as 0.65"),
        (lines[2], "'minimum_evidence' is written '3.0e0', with an exponent: write it as 3"),
        (lines[3], "'number' is written '+2', with a '+' sign: write it as 2"),
    ]  # fmt: skip
