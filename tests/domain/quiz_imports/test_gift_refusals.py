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
