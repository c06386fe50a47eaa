"""Names are one line of visible text, with no characters that turn the text's direction."""

import pytest

from app.domain.names import name_problem, one_line, organisation_name_problem


def problem(name: str) -> str | None:
    return name_problem(name, label="Full name", missing="Enter your full name")


@pytest.mark.parametrize(
    "name",
    [
        "Dr Zoë Smith",
        "Anne-Marie O’Neil",
        "עדי כהן",  # Hebrew, right to left
        "\u200fعلي حسن",  # Arabic with a right-to-left mark before it
        "श्री\u200dनिवास",  # a joiner the script needs
        "李小龍",
        "Zoë O'Brien",
        "D´Angelo",  # an accent typed on its own, as an apostrophe
        "Ngāti Porou ʻOhana",  # a modifier letter: a letter, not a symbol
        "Zoë Ní Bhriain",
        "O'Brien",
        "Smith-Jones",
        "Dr. J. Smith",
        "Smith, Jo",
        "Núria Gal·la",  # the Catalan middle dot
        "ジョン・スミス",  # the Japanese one between a foreign name's parts
        "Ann\u00a0Lee",  # a no-break space
        "Henry Smith 3rd",
        "x" * 200,
    ],
)
def test_names_people_have_are_accepted(name):
    assert problem(name) is None


@pytest.mark.parametrize(
    "name", ["", "\u200b", "\u200b\u200c\u2060\ufeff", "\u3164", "\u2800\u00ad", "\u200e \u200f"]
)
def test_a_name_with_nothing_visible_is_missing(name):
    assert problem(name) == "Enter your full name"


@pytest.mark.parametrize(
    "name", ["Ann\nLee", "Ann\r\nLee", "Ann\tLee", "Ann\x1bLee", "Ann\u2028Lee"]
)
def test_line_breaks_and_control_characters_are_refused(name):
    assert problem(name) == (
        "Full name must be on one line, with no tabs or other hidden control characters"
    )


@pytest.mark.parametrize(
    "control", [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
)
def test_characters_that_turn_the_text_s_direction_are_refused(control):
    found = problem(f"Ann {control}eeL")
    assert found is not None and found.startswith(
        "Full name must not include hidden characters that change the direction of text"
    )


@pytest.mark.parametrize(
    "name",
    ["Zoë 🌈 O'Brien", "Sam 👍🏽", "Ann ★ Lee", "Ann \U0001f3fd", "Ann \ue000", "Ann \u0378"],
)
def test_emoji_and_other_symbols_are_refused(name):
    assert problem(name) == (
        "Full name must not include emoji or other symbols. "
        "Use letters, and spaces, hyphens or apostrophes where the name has them"
    )


@pytest.mark.parametrize(
    "name",
    [
        "=1+2",
        "@SUM(1,2)",
        "Ann <b>Bold</b> & O'Brien",
        "+44 Ann",
        "Ann | Lee",
        "$Ann",
        "Ann #1",
        "100% Ann",
        "Ann * Lee",
        "Ann (Lee)",
        'Ann "Lee"',
        "Ann/Lee",
        "Ann\\Lee",
        "Ann: Lee",
        "Ann; Lee",
        "Ann!",
        "Ann?",
        "Ann ^ Lee",
        "Ann ~ Lee",
        "Ann [Lee]",
        "Ann {Lee}",
        "Ann © Lee",
        "Ann £ Lee",
        "Ann ＝ Lee",  # a full-width equals sign is a symbol too
    ],
)
def test_ascii_and_other_symbols_in_a_person_s_name_are_refused(name):
    assert problem(name) == (
        "Full name must not include emoji or other symbols. "
        "Use letters, and spaces, hyphens or apostrophes where the name has them"
    )


def test_an_organisation_s_name_keeps_the_marks_organisations_use():
    assert organisation_name_problem("St Mary's & St John's (North) PCN") is None
    assert organisation_name_problem("Elm 🌈 PCN") is not None


def test_a_name_past_the_column_s_length_is_refused():
    assert problem("x" * 201) == "Full name must be 200 characters or fewer"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Ann Lee", "Ann Lee"),
        ("Ann\nBcc: someone@example.org", "Ann Bcc: someone@example.org"),
        ("Ann\r\n\r\n Lee\t", "Ann Lee"),
        ("\u202eeeL nnA", "eeL nnA"),
        ("Zoë", "Zoë"),
    ],
)
def test_one_line_makes_a_stored_name_fit_a_header(text, line):
    assert one_line(text) == line
