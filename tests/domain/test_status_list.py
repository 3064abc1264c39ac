"""The revocation list's bits: what is set reads back set, nothing else does, and the list is
never shorter than the 131,072 bits the Bitstring Status List asks for (herd privacy)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coachbot.domain import status_list


@given(st.sets(st.integers(min_value=0, max_value=200_000), max_size=50))
def test_revoked_bits_read_back_and_no_others(revoked: set[int]) -> None:
    encoded = status_list.encode(revoked)
    assert encoded.startswith("u") and "=" not in encoded
    data = status_list.decode(encoded)
    assert len(data) * 8 >= status_list.MIN_BITS
    for index in revoked:
        assert status_list.is_set(data, index)
    for index in {0, 7, 8, 131_071, *(i + 1 for i in revoked)} - revoked:
        if index < len(data) * 8:
            assert not status_list.is_set(data, index)


def test_bit_zero_is_the_first_bytes_highest() -> None:
    data = status_list.decode(status_list.encode([0, 9]))
    assert data[:2] == bytes([0x80, 0x40])


def test_a_broken_list_is_refused() -> None:
    with pytest.raises(status_list.StatusListError):
        status_list.decode("uNOTGZIP")
    with pytest.raises(status_list.StatusListError):
        status_list.is_set(status_list.decode(status_list.encode([])), 10**9)
