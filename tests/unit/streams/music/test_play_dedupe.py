"""Exactly once, whatever retried it: the same play delivered any number of
times, as an end or a skip, in any interleaving with other plays (and their
starts), is counted once if it is a stream and never otherwise; and the same
records always give the same facts."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.envelope import Record
from schemas.music.plays import PlayCounted, PlayEnded, PlayNotCounted, PlaySkipped, PlayStarted
from streams.facts import Fact
from streams.music import play_state
from streams.music.play_rules import counts_as_stream
from tests.unit.streams.music.play_driver import DAY, HOUR, MINUTE, T0, Listener

WEEK = 7 * DAY

# t0-t2 three minutes long, t3 a 20-second jingle, t4 not in the catalog.
DURATIONS = {"t0": 180_000, "t1": 180_000, "t2": 180_000, "t3": 20_000}
TRACKS = [*DURATIONS, "t4"]
MS_PLAYED = [0, 10_000, 19_999, 20_000, 29_999, 30_000, 200_000]

Play = tuple[str, int, int]  # track, start, ms played

plays = st.lists(
    st.tuples(st.sampled_from(TRACKS), st.integers(0, 50), st.sampled_from(MS_PLAYED)),
    min_size=1,
    max_size=12,
    unique_by=lambda p: (p[0], p[1]),
).map(lambda ps: [(track, T0 + slot * 60_000, ms) for track, slot, ms in ps])


@st.composite
def deliveries(draw: st.DrawFn) -> list[tuple[type[Record], Play]]:
    """Each play's end sent 1-4 times (as PlayEnded or PlaySkipped), some
    with their start, all shuffled together."""
    sent: list[tuple[type[Record], Play]] = []
    for play in draw(plays):
        for _ in range(draw(st.integers(1, 4))):
            sent.append((draw(st.sampled_from([PlayEnded, PlaySkipped])), play))
        if draw(st.booleans()):
            sent.append((PlayStarted, play))
    return draw(st.permutations(sent))


def _run(sent: list[tuple[type[Record], Play]]) -> list[tuple[Play, list[Fact]]]:
    listener = Listener()
    for track, duration in DURATIONS.items():
        listener.track(track, duration_ms=duration)
    decided = []
    for i, (model, (track, start, ms)) in enumerate(sent):
        payload: dict[str, Any] = {"track_id": track, "started_at_ms": start}
        if model is not PlayStarted:
            payload["ms_played"] = ms
        # Recorded a day after the first start, a second apart: within the window.
        decided.append(((track, start, ms), listener.send(model, T0 + DAY + i * 1_000, **payload)))
    return decided


def _is_stream(play: Play) -> bool:
    track, _, ms = play
    return track in DURATIONS and counts_as_stream(ms, DURATIONS[track])


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(deliveries())
def test_every_play_is_counted_exactly_once_if_a_stream_and_never_otherwise(
    sent: list[tuple[type[Record], Play]],
) -> None:
    decided = _run(sent)
    counted: Counter[Play] = Counter()
    ends: Counter[Play] = Counter()
    answered: Counter[Play] = Counter()
    for play, facts in decided:
        for model, payload in facts:
            if model is PlayCounted:
                counted[(payload["track_id"], payload["started_at_ms"], payload["ms_played"])] += 1
            if model in (PlayCounted, PlayNotCounted):
                answered[play] += 1
    for model, play in sent:
        if model is not PlayStarted:
            ends[play] += 1
    assert answered == ends  # every end is answered once, a start never
    assert counted == Counter({play: 1 for play in ends if _is_stream(play)})


@settings(max_examples=100, deadline=None, database=None, derandomize=True)
@given(deliveries())
def test_the_same_records_give_the_same_facts(sent: list[tuple[type[Record], Play]]) -> None:
    first = [facts for _, facts in _run(sent)]
    assert [facts for _, facts in _run(sent)] == first


@st.composite
def spread_deliveries(draw: st.DrawFn) -> list[tuple[type[Record], Play, int]]:
    """Deliveries as above, each recorded a moment to a week after the one
    before: plays fall out of the window, some of them between two of the
    stage's hourly passes that forget them."""
    sent = draw(deliveries())
    step = st.sampled_from([0, 1_000, 10 * MINUTE, 25 * MINUTE, 3 * HOUR, DAY, WEEK - HOUR])
    gaps = draw(st.lists(step, min_size=len(sent), max_size=len(sent)))
    at, timed = T0, []
    for (model, play), gap in zip(sent, gaps, strict=True):
        at += gap
        timed.append((model, play, at))
    return timed


def _run_timed(sent: list[tuple[type[Record], Play, int]]) -> list[list[Fact]]:
    listener = Listener()
    for track, duration in DURATIONS.items():
        listener.track(track, duration_ms=duration)
    decided = []
    for model, (track, start, ms), at in sent:
        payload: dict[str, Any] = {"track_id": track, "started_at_ms": start}
        if model is not PlayStarted:
            payload["ms_played"] = ms
        decided.append(listener.send(model, at, **payload))
    return decided


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(spread_deliveries())
def test_over_days_a_play_counts_at_most_once_and_pruning_changes_no_decision(
    sent: list[tuple[type[Record], Play, int]],
) -> None:
    hourly = _run_timed(sent)
    counted = Counter(
        (p["track_id"], p["started_at_ms"])
        for facts in hourly
        for m, p in facts
        if m is PlayCounted
    )
    assert all(n == 1 for n in counted.values())
    # The simple twin: a state that forgets on every record decides the same.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(play_state, "PRUNE_EVERY_MS", 0)
        assert _run_timed(sent) == hourly
