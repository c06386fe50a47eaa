"""Bitstring Status Lists: one bit per credential, set when the issuer revokes it.

The list is published as a credential of its own (BitstringStatusListCredential) whose
`encodedList` is the bitstring, GZIP-compressed, base64url-encoded without padding and
prefixed "u" (multibase). Bit 0 is the most significant bit of the first byte.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable
from datetime import datetime

from app.domain.open_badges import timestamp

# 131,072 entries (16 KiB): the smallest list the specification allows, so that one
# credential's check does not single it out among few others.
LIST_SIZE = 131_072
STATUS_CONTEXT = "https://www.w3.org/ns/credentials/v2"


def place(sequence_number: int) -> tuple[int, int]:
    """Return (list number, index in it) for the nth credential issued, counted from 1."""
    return (sequence_number - 1) // LIST_SIZE + 1, (sequence_number - 1) % LIST_SIZE


def encode(revoked: Iterable[int], size: int = LIST_SIZE) -> str:
    """Return the encodedList for a list whose bits at the revoked indexes are set."""
    bits = bytearray(size // 8)
    for index in revoked:
        if not 0 <= index < size:
            raise ValueError(f"status index {index} is outside a list of {size}")
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def is_set(encoded_list: str, index: int) -> bool:
    """Return whether the bit at index is set in an encodedList."""
    text = encoded_list[1:] if encoded_list.startswith("u") else encoded_list
    bits = gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(
    list_url: str, issuer_id: str, revoked: Iterable[int], now: datetime
) -> dict:
    """Return the status list credential (unsigned) for one list."""
    return {
        "@context": [STATUS_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": timestamp(now),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode(revoked),
        },
    }
