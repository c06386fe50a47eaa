"""Whole numbers are read from ASCII digits only: what isdigit() calls a digit and int()
refuses, or int() takes and no form sends, is not a number."""

import pytest

from app.domain.numbers import MOST_DIGITS, whole_number


@pytest.mark.parametrize(
    ("text", "number"),
    [("0", 0), ("7", 7), ("0012", 12), ("2147483647", 2147483647), ("9" * MOST_DIGITS, 10**18 - 1)],
)
def test_ascii_digits_are_a_number(text, number):
    assert whole_number(text) == number


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "²",  # isdigit() is True, int() raises
        "1²",
        "①",
        "٣",  # Arabic-Indic three: int() reads it, no form sends it
        "１２",  # full-width
        " 12",
        "12 ",
        "+12",
        "-1",
        "1_000",
        "1.0",
        "1" * (MOST_DIGITS + 1),
        "1" * 5000,  # past int()'s limit on digits: a ValueError of its own
    ],
)
def test_anything_else_is_not(text):
    assert whole_number(text) is None


def test_a_number_above_the_most_allowed_is_not_one():
    assert whole_number("2147483648", most=2**31 - 1) is None
    assert whole_number("2147483647", most=2**31 - 1) == 2**31 - 1
