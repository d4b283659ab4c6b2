"""A live stream's position: what Last-Event-ID carries back."""

from __future__ import annotations

import pytest

from gateway.feed.live_position import (
    BadPosition,
    LivePosition,
    author_stream,
    decode_position,
    encode_position,
    lost_entries,
    stream_author,
)


def test_a_position_comes_back_as_it_went() -> None:
    position = LivePosition(7, {"r": "1700000000000-3", author_stream("celeb"): "1-0"})
    assert decode_position(encode_position(position)) == position


def test_moving_counts_only_what_is_sent() -> None:
    position = LivePosition(0, {"r": "0-0"}).moved("r", "5-0", sent=False).moved("r", "6-0", True)
    assert position == LivePosition(1, {"r": "6-0"})


@pytest.mark.parametrize(
    "text",
    ["", "!!!", "W10", "WzEse30", "x" * 20_000, encode_position(LivePosition(0, {"z": "1-0"}))],
)
def test_anything_else_is_a_bad_position(text: str) -> None:
    with pytest.raises(BadPosition):
        decode_position(text)


def test_a_forged_stream_id_is_a_bad_position() -> None:
    forged = encode_position(LivePosition(0, {"r": "$"}))
    with pytest.raises(BadPosition):
        decode_position(forged)


def test_entries_may_be_lost_once_the_cap_trimmed_past_the_position() -> None:
    assert not lost_entries("10-0", None)
    assert not lost_entries("10-0", "10-0")
    assert not lost_entries("10-0", "9-5")
    assert lost_entries("10-0", "10-1")
    assert lost_entries("9-9", "10-0")


def test_author_streams_name_their_author() -> None:
    assert stream_author(author_stream("a-1")) == "a-1"
    assert stream_author("r") is None
