"""The play stage's rules at their edges: the 30-second rule, the dedupe
window and the session gap."""

from __future__ import annotations

import pytest

from streams.music.play_rules import (
    DEDUPE_WINDOW_MS,
    SESSION_GAP_MS,
    STREAM_MIN_MS,
    continues_session,
    counts_as_stream,
    is_too_old,
    window_start_ms,
)

THREE_MINUTES = 180_000


def test_the_rules_are_the_designs() -> None:
    assert STREAM_MIN_MS == 30_000
    assert DEDUPE_WINDOW_MS == 7 * 86_400_000
    assert SESSION_GAP_MS == 1_800_000


@pytest.mark.parametrize(
    ("ms_played", "counts"), [(0, False), (29_999, False), (30_000, True), (30_001, True)]
)
def test_a_long_track_counts_from_30_000_ms_played(ms_played: int, counts: bool) -> None:
    assert counts_as_stream(ms_played, THREE_MINUTES) is counts


def test_a_20_second_track_counts_when_played_whole_and_not_before() -> None:
    assert counts_as_stream(20_000, 20_000)
    assert not counts_as_stream(19_999, 20_000)


def test_more_played_than_the_track_lasts_is_the_whole_track() -> None:
    assert counts_as_stream(25_000, 20_000)
    assert counts_as_stream(40_000, 20_000)
    assert counts_as_stream(200_000, THREE_MINUTES)


def test_a_track_of_exactly_30_seconds_needs_30_seconds() -> None:
    assert counts_as_stream(30_000, 30_000)
    assert not counts_as_stream(29_999, 30_000)


def test_a_track_just_under_30_seconds_counts_whole() -> None:
    assert counts_as_stream(29_999, 29_999)
    assert not counts_as_stream(29_998, 29_999)


def test_the_window_takes_its_first_millisecond_and_not_the_one_before() -> None:
    now = 10 * DEDUPE_WINDOW_MS
    assert window_start_ms(now) == now - DEDUPE_WINDOW_MS
    assert not is_too_old(now - DEDUPE_WINDOW_MS, now)
    assert is_too_old(now - DEDUPE_WINDOW_MS - 1, now)
    assert not is_too_old(now, now)
    assert not is_too_old(now + 5_000, now)  # a player's clock ahead is no reason


def test_a_gap_of_30_minutes_ends_a_session_and_one_ms_less_does_not() -> None:
    ended = 1_000_000
    assert continues_session(ended, ended + SESSION_GAP_MS - 1)
    assert not continues_session(ended, ended + SESSION_GAP_MS)
    assert continues_session(ended, ended)
    assert continues_session(ended, ended - 60_000)  # overlapping plays
