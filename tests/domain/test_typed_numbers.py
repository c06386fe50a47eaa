"""A learner's number is read as a UK learner writes it, and as it was read before wherever
the two readings both accept it: only Python's '1_000' is now refused."""

import math
import unicodedata
from decimal import Decimal, InvalidOperation

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.domain.numbers import (
    DECIMAL_COMMA,
    NOT_A_NUMBER,
    UNDERSCORES,
    digit_zeros,
    typed_number,
)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("42", "42"),
        (" 12.5 ", "12.5"),
        ("12.50", "12.5"),
        ("-3", "-3"),
        ("+3", "3"),
        (".5", "0.5"),
        ("5.", "5"),
        ("1,000", "1000"),
        ("12,345,678.25", "12345678.25"),
        ("1 000", "1000"),
        ("-1 000 000", "-1000000"),
        ("1.5e3", "1500"),
        ("٣", "3"),  # Arabic-Indic
        ("١٬٠٠٠".replace("٬", ","), "1000"),
        ("۱۲.۵", "12.5"),  # Persian
        ("१०००", "1000"),  # Devanagari
        ("１２", "12"),  # full-width
        ("\u00a012\t", "12"),
    ],
)
def test_numbers_as_learners_write_them_are_read(text, number):
    assert typed_number(text) == Decimal(number)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1_000", UNDERSCORES),
        ("1__000", UNDERSCORES),
        ("_1", UNDERSCORES),
        ("1,5", DECIMAL_COMMA),  # a decimal comma: one and a half, or a slip?
        ("12,5", DECIMAL_COMMA),
        ("1,0000", DECIMAL_COMMA),
        ("1,000,00", DECIMAL_COMMA),
        ("1 000,5", DECIMAL_COMMA),
        ("1 0", NOT_A_NUMBER),
        ("1  000", NOT_A_NUMBER),
        ("1,000 000", DECIMAL_COMMA),
        ("1\u00a0000", NOT_A_NUMBER),  # only a plain space groups digits
        ("١٫٥", NOT_A_NUMBER),  # the Arabic decimal separator: write a full stop
        ("six", NOT_A_NUMBER),
        ("", NOT_A_NUMBER),
        ("-", NOT_A_NUMBER),
        (".", NOT_A_NUMBER),
        ("nan", NOT_A_NUMBER),
        ("Infinity", NOT_A_NUMBER),
        ("1e400", NOT_A_NUMBER),  # past what a float holds
        ("1e99999999999999999999999", NOT_A_NUMBER),
        ("0x10", NOT_A_NUMBER),
        ("²", NOT_A_NUMBER),
        ("\ufeff12", NOT_A_NUMBER),  # str.strip() keeps U+FEFF
    ],
)
def test_anything_else_is_refused_with_what_to_type(text, message):
    assert typed_number(text) == message


def old_reading(text: str) -> Decimal | None:
    """The reading before typed_number: Python's Decimal, finite as a float."""
    try:
        number = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and math.isfinite(float(number)) else None


NUMBERISH = st.text(
    st.sampled_from("0123456789١٢٣٠۵१３+-.,_ eE\u00a0\t\ufeff٫") | st.characters(categories=["Nd"]),
    max_size=12,
)


@given(NUMBERISH)
@example("1_000")
@example("١_٠")
def test_what_the_old_reading_took_is_read_alike_unless_it_has_an_underscore(text):
    before, now = old_reading(text), typed_number(text)
    if before is None:
        return
    if "_" in text:
        assert now == UNDERSCORES
    else:
        assert now == before


def test_the_zeros_given_to_a_package_name_every_digit_python_reads():
    zeros = set(digit_zeros())
    for code in range(0x110000):
        digit = unicodedata.decimal(chr(code), None)
        assert digit is None or code - digit in zeros, hex(code)
    for zero in zeros:
        assert [unicodedata.decimal(chr(zero + n), None) for n in range(10)] == list(range(10))
