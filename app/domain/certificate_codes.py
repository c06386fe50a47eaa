"""Certificate verification codes: random, readable aloud, forgiving when typed."""

from __future__ import annotations

import secrets
import unicodedata

# Crockford's base 32 without 0/O, 1/I/L and U: 30 symbols, so a code read aloud or copied
# from paper survives. 16 symbols carry 16 * log2(30), about 78 bits, of randomness.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_PREFIX = "LW"
CODE_GROUPS = 4
CODE_GROUP_LENGTH = 4


def new_certificate_code() -> str:
    """Return a fresh random verification code such as LW-7KQ4-M9XD-2RTA-H3VN."""
    symbols = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH))
    return _grouped(symbols)


def normalise_code(text: str) -> str:
    """Return a typed code in its printed form, ignoring case, spaces and dashes."""
    symbols = "".join(
        ch for ch in unicodedata.normalize("NFKC", text).upper() if ch.isascii() and ch.isalnum()
    )
    # L is not in the alphabet, so a leading "LW" is always the prefix, never code.
    symbols = symbols.removeprefix(CODE_PREFIX)
    if len(symbols) == CODE_GROUPS * CODE_GROUP_LENGTH:
        return _grouped(symbols)
    return symbols


def is_certificate_code(text: str) -> bool:
    """Return whether text, as normalised, could be a certificate code."""
    symbols = normalise_code(text).removeprefix(CODE_PREFIX + "-").replace("-", "")
    return len(symbols) == CODE_GROUPS * CODE_GROUP_LENGTH and set(symbols) <= set(CODE_ALPHABET)


def _grouped(symbols: str) -> str:
    groups = [symbols[i : i + CODE_GROUP_LENGTH] for i in range(0, len(symbols), CODE_GROUP_LENGTH)]
    return "-".join([CODE_PREFIX, *groups])
