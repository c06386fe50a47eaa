"""Small things the question types share: ids for options, reading submitted values, and
shuffling away from the written order."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import Any


class InvalidAnswer(ValueError):
    """A submitted answer that cannot be marked; the message is for the learner."""


class StaleForm(InvalidAnswer):
    """Choices sent by their ids, as pages drawn before forms named them by text did.

    Such an answer is not read: accepting ids would let anyone send the author's "a", "b"
    and "c" without reading a choice. What was saved before stays.
    """


def letter_id(index: int) -> str:
    """Return the choice id for a position: a, b, ... z, aa, ab, ..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def text_id(text: str) -> str:
    """Return a short id from text, stable across edits elsewhere and saying nothing of order."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=4).hexdigest()


def one_text(raw: Any, what: str) -> str:
    """Return a submitted single value as text, or raise InvalidAnswer."""
    if isinstance(raw, list | tuple) and len(raw) == 1:
        raw = raw[0]
    if not isinstance(raw, str):
        raise InvalidAnswer(f"choose {what}")
    return raw.strip()


def text_list(raw: Any, what: str) -> tuple[str, ...]:
    """Return a submitted list of values as text, or raise InvalidAnswer."""
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list | tuple | set | frozenset):
        raise InvalidAnswer(f"choose {what}")
    if not all(isinstance(item, str) for item in raw):
        raise InvalidAnswer(f"choose {what}")
    return tuple(item.strip() for item in raw)


def never_in_written_order(ids: Sequence[str], rng: random.Random) -> tuple[str, ...]:
    """Return the ids shuffled into any order but the written one (when there are two or more).

    A plain shuffle leaves n items in written order once in n! draws (1 in 6 for three):
    for steps to put in order, or options listed beside their prompts, that gives the
    answer away. Drawing again until the order differs picks uniformly among the rest.
    """
    written = list(ids)
    if len(set(written)) < 2:
        return tuple(written)
    order = list(written)
    while order == written:
        rng.shuffle(order)
    return tuple(order)
