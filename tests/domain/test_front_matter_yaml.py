"""A slip in module, screen or quiz front matter is said in our words, at its line."""

import pytest

from app.domain.module_files import read_markdown_file
from app.domain.problems import Problems
from app.domain.quizzes import parse_quiz

QUOTE_IT = "put the whole value in quotes"
SLIPS = [
    (
        "title: Referral routes: the basics\n",
        2,
        "the 'key:' on this line does not fit where it is: indent it exactly like the keys "
        "beside it, check the line above has its ':', and put a value that holds ': ' in quotes",
    ),
    (
        "title: [Referral routes\n",
        2,
        "the '[' on line 2 starts a list that is never closed: if the value is text, "
        f"{QUOTE_IT}; if it is a list, close it with ']'",
    ),
    (
        "summary: {Social prescribing\n",
        2,
        "the '{' on line 2 starts a group of keys that is never closed: if the value is text, "
        f"{QUOTE_IT}; if it is a group of keys, close it with '}}'",
    ),
    (  # a key after it: PyYAML notices on line 3, the '[' to close is on line 2
        "pass_mark: [80\nmax_attempts: 3\n",
        2,
        "the '[' on line 2 starts a list that is never closed: if the value is text, "
        f"{QUOTE_IT}; if it is a list, close it with ']'",
    ),
    (
        "title: A\nsummary: {Social prescribing\norder: 2\nkind: check\n",
        3,
        "the '{' on line 3 starts a group of keys that is never closed: if the value is text, "
        f"{QUOTE_IT}; if it is a group of keys, close it with '}}'",
    ),
    (
        'title: "Referral" routes\n',
        2,
        "there is text after a value that a closing quote or bracket already ended: "
        f"{QUOTE_IT}, with no text after the closing quote",
    ),
    (
        'title: "Referral routes\n',
        2,
        "the quote opened on line 2 is never closed: add the closing quote",
    ),
    (
        'title: "Referral routes\nsummary: Social prescribing\norder: 2\n',
        2,
        "the quote opened on line 2 is never closed: add the closing quote",
    ),
    ("title: A\n\tsummary: B\n", 3, "this line has a tab: indent with spaces only"),
    ("title: @home visits\n", 2, f"a value cannot begin with '@' in YAML: {QUOTE_IT}"),
    ("title: `code` words\n", 2, f"a value cannot begin with '`' in YAML: {QUOTE_IT}"),
    ("title: *Starred\n", 2, f"a value cannot begin with '*' in YAML: {QUOTE_IT}"),
    ("title: & more\n", 2, f"a value cannot begin with '&' in YAML: {QUOTE_IT}"),
    ("title: | Pipes\n", 2, f"a value cannot begin with '|' or '>' in YAML: {QUOTE_IT}"),
    (
        "title: A\nsummary: - Listening\n",
        3,
        "a '- ' list item must start its own line, under its key; put a value that begins "
        "with '- ' in quotes",
    ),
    (
        "title: A\norder 1\nsummary: B\n",
        4,
        "line 3 has no ':' after its key: write it as 'key: value'",
    ),
    (
        "title: A\nlearning_outcomes:\n  - Listen\n - Ask\n",
        5,
        "this line is indented differently from the group of keys that begins on line 2: "
        "indent it exactly like the lines it belongs with, or check the line above is complete",
    ),
]


@pytest.mark.parametrize(("front", "line", "message"), SLIPS)
def test_a_module_front_matter_slip_is_said_in_our_words_at_its_line(
    tmp_path, front, line, message
):
    path = tmp_path / "module.md"
    path.write_text(f"---\n{front}---\nAbout.\n")
    problems = Problems()
    read_markdown_file(path, problems)
    assert [str(p) for p in problems.sorted()] == [
        f"{path}:{line}: error: invalid YAML in front matter: {message}"
    ]


@pytest.mark.parametrize(("front", "line", "message"), SLIPS)
def test_a_quiz_front_matter_slip_is_said_in_our_words_at_its_line(front, line, message):
    result = parse_quiz(f"---\n{front}---\n", "content/quizzes/check.md")
    assert str(result.problems[0]) == (
        f"content/quizzes/check.md:{line}: error: invalid YAML in front matter: {message}"
    )


def test_a_value_that_begins_with_a_tag_mark_is_said_in_our_words(tmp_path):
    path = tmp_path / "01-intro.md"
    path.write_text("---\ntitle: !Important notice\n---\nAbout.\n")
    problems = Problems()
    source = read_markdown_file(path, problems)
    assert source.reader.text(source.fields, "title") is None
    message = f"{path}:2: error: invalid value: a value cannot begin with '!' in YAML: {QUOTE_IT}"
    assert message in [str(p) for p in problems.sorted()]
