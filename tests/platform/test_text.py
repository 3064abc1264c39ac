"""Long replies split where a reader expects a break, and nothing is lost."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coachbot.platform.text import split_text


def test_a_long_reply_splits_between_paragraphs_first() -> None:
    first, second = "a" * 1500, "b" * 1500
    assert split_text(f"{first}\n\n{second}", 2000) == [first, second]


def test_one_word_longer_than_a_message_is_cut_not_dropped() -> None:
    pieces = split_text("x" * 5000, 2000)
    assert [len(p) for p in pieces] == [2000, 2000, 1000]


@given(st.text(alphabet=st.sampled_from("ab \n"), max_size=3000),
       st.integers(min_value=20, max_value=500))
def test_every_piece_fits_and_every_word_survives(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    assert "".join(pieces).replace(" ", "").replace("\n", "") == (
        text.replace(" ", "").replace("\n", "") or "…")
