"""The credential document and the status list, built from values with no app."""

import base64
import gzip
from datetime import UTC, datetime

import pytest

from app.domain import open_badges, status_list


def test_the_first_entry_is_the_most_significant_bit_of_the_first_byte():
    encoded = status_list.encode([0, 9, status_list.LIST_SIZE - 1])
    assert encoded.startswith("u") and "=" not in encoded
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(raw) == status_list.LIST_SIZE // 8
    assert raw[0] == 0b1000_0000 and raw[1] == 0b0100_0000 and raw[-1] == 0b0000_0001
    assert [i for i in (0, 1, 8, 9, 10) if status_list.is_set(encoded, i)] == [0, 9]


def test_an_index_outside_the_list_is_refused():
    with pytest.raises(ValueError):
        status_list.encode([status_list.LIST_SIZE])


def test_credentials_fill_one_list_before_the_next():
    assert status_list.place(1) == (1, 0)
    assert status_list.place(status_list.LIST_SIZE) == (1, status_list.LIST_SIZE - 1)
    assert status_list.place(status_list.LIST_SIZE + 1) == (2, 0)


def test_times_are_written_in_utc_and_naive_times_are_taken_as_utc():
    aware = datetime(2026, 12, 2, 18, 30, tzinfo=UTC)
    assert open_badges.timestamp(aware) == "2026-12-02T18:30:00Z"
    assert open_badges.timestamp(aware.replace(tzinfo=None)) == "2026-12-02T18:30:00Z"
    assert open_badges.parse_timestamp("2026-12-02T18:30:00Z") == aware
