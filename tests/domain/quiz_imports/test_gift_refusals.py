"""GIFT that gift-pegjs refuses, or that has nothing to ask, is an error at its line."""

from app.domain.quiz_imports import import_gift

from .test_gift_import import read_by_gift_pegjs

HASH = "write '\\#' for a '#' that is text"

# A second '#' in a feedback: {file: (text, our error)}; gift-pegjs refuses each.
EXTRA_HASH = {
    "true-false.gift": (
        "::Intro::Read me.\n\n::T::Link workers are NHS staff. {TRUE#fb1#fb2#fb3}\n",
        "question 2: a true/false answer takes at most two feedbacks (#wrong#right); " + HASH,
    ),
    "choice.gift": (
        "::A::One {=a ~b}\n\n::B::Pick {\n  =a#good#really ~b}\n",
        "question 2: the answer 'a' takes one feedback '#...'; " + HASH,
    ),
    "numeric.gift": (
        "::A::One {=a ~b}\n\n::N::How many? {#6..12#right#yes}\n",
        "question 2: the answer '6..12' takes one feedback '#...'; " + HASH,
    ),
    "general.gift": (
        "::A::One {=a ~b}\n\n::G::Pick {=a ~b ####see #3}\n",
        "question 2: the general feedback '####...' comes last and holds no other '#'; " + HASH,
    ),
}


def test_a_feedback_with_a_second_hash_is_an_error_where_gift_pegjs_refuses_it(tmp_path):
    for name, (bank, _) in EXTRA_HASH.items():
        (tmp_path / name).write_text(bank)
    theirs = read_by_gift_pegjs(sorted(tmp_path.iterdir()))
    for name, (bank, message) in EXTRA_HASH.items():
        assert theirs[name]["error"] == 'Expected "}" but "#" found.', theirs[name]
        line = bank.count("\n", 0, bank.rindex("#")) + 1  # the line of the last '#'
        imported = import_gift(bank, source=name, module="referral-routes")
        assert [str(p) for p in imported.problems if p.is_error] == [
            f"{name}:{line}: error: {message}"
        ]
        assert "#" not in imported.text.split("---")[-1].replace("####", "")


def test_an_escaped_hash_in_a_feedback_is_still_text():
    bank = "::T::Q {TRUE#one \\# two#three}\n"
    imported = import_gift(bank, source="t.gift", module="referral-routes")
    assert not imported.has_errors, imported.problems
    assert "... one # two" in imported.text


def test_a_question_with_no_text_is_an_error_at_its_line():
    bank = "::A::One {=a ~b}\n\n{=only answers}\n\n::V::{=a}\n\n::H::[html]<p></p>{=a ~b}\n"
    imported = import_gift(bank, source="v.gift", module="referral-routes")
    assert [str(p) for p in imported.problems if p.is_error] == [
        f"v.gift:{line}: error: question {number} has no question text: write it before the '{{'"
        for line, number in ((3, 2), (5, 3), (7, 4))
    ]
    assert "(no question text)" not in imported.text


def test_an_empty_gift_file_says_how_a_gift_question_starts_at_line_1(tmp_path):
    for name, bank in {"empty.gift": "", "comments.gift": "// nothing yet\n"}.items():
        (tmp_path / name).write_text(bank)
        assert "error" in read_by_gift_pegjs([tmp_path / name])[name]
        imported = import_gift(bank, source=name, module="referral-routes")
        assert [str(p) for p in imported.problems] == [
            f"{name}:1: error: the file holds no GIFT questions: start one like "
            "'::Title:: Question text {=right ~wrong}', with a blank line between questions"
        ]


def test_a_gift_file_of_essays_only_says_nothing_could_be_imported():
    imported = import_gift("::E::Describe a referral. {}\n", source="e.gift", module="m")
    assert [str(p) for p in imported.problems] == [
        "e.gift:1: error: the file holds no question Linkwise can import: essays and text "
        "without answers '{...}' are left out",
        "e.gift:1: warning: question 1 is an essay question ('{}'), which Linkwise cannot mark, "
        "so it is left out",
    ]
