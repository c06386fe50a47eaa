"""A message about a slip shows what the trainer typed and how to write it instead."""

import re

from .test_validate_subset import check, site  # noqa: F401  (site is a fixture)

ASSESSMENT = "content/quizzes/referral-routes-assessment.md"
MODULE = "content/modules/referral-routes/module.md"


def _edit(path, pattern: str, new: str) -> int:
    """Replace the first match of a regex in a file; return its line."""
    text = path.read_text("utf-8")
    match = re.search(pattern, text, flags=re.M)
    assert match, pattern
    path.write_text(text[: match.start()] + new + text[match.end() :], "utf-8")
    return text.count("\n", 0, match.start()) + 1


def test_a_yes_for_a_number_is_echoed_as_typed_not_as_true(site):  # noqa: F811
    line = _edit(site / ASSESSMENT, r"^pass_mark: 80$", "pass_mark: yes")
    assert check(site) == [f"{ASSESSMENT}:{line}: error: 'pass_mark' must be a number, not 'yes'"]


def test_a_year_in_quotes_says_to_remove_the_quotes(site):  # noqa: F811
    line = _edit(site / MODULE, r"^    year: (\d+)$", '    year: "2019"')
    assert check(site) == [
        f"{MODULE}:{line}: error: 'year' must be a whole number, not the text \"2019\": "
        "remove the quotes (year: 2019)"
    ]


def test_a_second_competencies_line_says_to_list_the_codes_on_one_line(site):  # noqa: F811
    line = _edit(
        site / ASSESSMENT,
        r"^Competencies: SPLW-4\.1, REF-2\.1$",
        "Competencies: SPLW-4.1, REF-2.1\nCompetencies: SPLW-4.2",
    )
    assert check(site) == [
        f"{ASSESSMENT}:{line + 1}: error: 'Competencies:' is given twice for one question: "
        "list every code on one line, separated by commas "
        "(Competencies: SPLW-4.1, REF-2.1, SPLW-4.2)"
    ]


def test_codes_with_spaces_between_them_or_in_lower_case_get_the_way_to_write_them(site):  # noqa: F811
    quiz = site / ASSESSMENT
    spaced = _edit(quiz, r"^Competencies: SPLW-4\.1, REF-2\.1$", "Competencies: SPLW-4.1 REF-2.1")
    lower = _edit(quiz, r"^Competencies: REF-2\.1, SPLW-4\.1$", "Competencies: ref-2.1, SPLW-4.1")
    found = check(site)
    assert found == [
        f"{ASSESSMENT}:{spaced}: error: question 1 lists 'SPLW-4.1 REF-2.1', which is not a code "
        "like SPLW-1.2: separate codes with commas (Competencies: SPLW-4.1, REF-2.1)",
        f"{ASSESSMENT}:{lower}: error: question 2 lists 'ref-2.1', which is not a code like "
        "SPLW-1.2: write codes in capitals (Competencies: REF-2.1)",
    ]
