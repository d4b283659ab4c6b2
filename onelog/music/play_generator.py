"""Plays to load the music service with: listeners playing the generated
catalog, as lines for POST /v1/music/plays.

Pure and seeded: the same catalog, shape, seed and `now_ms` give the same
lines. Each line is one finished play (a producer of finished listens sends
the end alone, with its context): mostly played whole ("ended"), about 1 in 7
skipped after 1 to 60 s (so some skips count, past 30 s). Tracks are drawn by
the catalog's popularity, so charts have a head and a long tail.

A listener's plays follow one another in time, a few seconds apart, with
now and then a pause of 31 minutes to 3 hours (a new session), and end
before `now_ms`: the whole of a listener's plays fits in the last 6 days (the
play stage counts only the last 7), squeezed when there are many. Lines go
round the listeners (a batch holds many listeners, each in order), so the
load spreads over every partition.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from onelog.music.catalog_generator import Catalog, Track

DEFAULT_LISTENERS = 1_000
DEFAULT_PLAYS = 100_000
SKIPPED_SHARE = 0.15
SESSION_BREAK_SHARE = 0.07
# A play followed by a short gap; a session break now and then. The mean
# step (about 10 minutes) decides how far back a listener's plays begin.
MEAN_STEP_MS = 10 * 60_000
SPAN_MAX_MS = 6 * 24 * 3_600_000
COUNTRIES = (("US", 30), ("GB", 10), ("DE", 10), ("BR", 10), ("SE", 5), ("FR", 8), ("JP", 7))
DEVICES = (("mobile", 60), ("desktop", 20), ("web", 8), ("speaker", 7), ("car", 5))
CONTEXTS = (("album", 35), ("playlist", 30), ("search", 15), ("recommendation", 10), ("artist", 10))


@dataclass(frozen=True)
class PlayShape:
    listeners: int = DEFAULT_LISTENERS
    plays: int = DEFAULT_PLAYS
    seed: int = 0
    # Before the number in every listener id.
    prefix: str = "listener"

    def __post_init__(self) -> None:
        if self.listeners < 1 or self.plays < 0:
            raise ValueError("at least one listener, and no fewer than 0 plays")
        if not all(c.isascii() and (c.isalnum() or c in "_-") for c in self.prefix):
            raise ValueError("prefix: letters, digits, _ and - (it starts every listener id)")
        if len(self.prefix) > 40:
            raise ValueError("prefix too long: an id holds at most 64 characters")

    def listener_id(self, index: int) -> str:
        return f"{self.prefix}{index:0{max(6, len(str(self.listeners - 1)))}d}"

    def plays_of(self, index: int) -> int:
        """The plays of one listener: the total shared out, the first ones one more."""
        share, rest = divmod(self.plays, self.listeners)
        return share + (1 if index < rest else 0)


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([name for name, _ in table], [weight for _, weight in table])[0]


@dataclass
class _Listener:
    listener: str
    plays: int
    country: str
    device: str
    clock_ms: int
    # <= 1: a listener with many plays takes shorter steps, to fit the span.
    squeeze: float
    done: int = 0


class TrackDraw:
    """Draws tracks by popularity (cumulative weights, a bisection each)."""

    def __init__(self, catalog: Catalog) -> None:
        self._tracks = catalog.tracks
        self._cumulative = list(itertools.accumulate(t.popularity for t in catalog.tracks))

    def __call__(self, rng: random.Random) -> Track:
        at = rng.random() * self._cumulative[-1]
        return self._tracks[min(bisect.bisect_right(self._cumulative, at), len(self._tracks) - 1)]


def _listeners(shape: PlayShape, rng: random.Random, now_ms: int) -> list[_Listener]:
    listeners = []
    for index in range(shape.listeners):
        plays = shape.plays_of(index)
        span = plays * MEAN_STEP_MS
        squeeze = min(1.0, SPAN_MAX_MS / span) if span else 1.0
        listeners.append(
            _Listener(
                listener=shape.listener_id(index),
                plays=plays,
                country=_weighted(rng, COUNTRIES),
                device=_weighted(rng, DEVICES),
                # Up to an hour apart, so listeners do not all start at once.
                clock_ms=now_ms - int(span * squeeze) - rng.randint(0, 3_600_000),
                squeeze=squeeze,
            )
        )
    return listeners


def _play(rng: random.Random, listener: _Listener, track: Track, now_ms: int) -> dict[str, Any]:
    skipped = rng.random() < SKIPPED_SHARE
    ms_played = rng.randint(1_000, min(60_000, track.duration_ms)) if skipped else track.duration_ms
    context = _weighted(rng, CONTEXTS)
    context_id = {"album": track.album_id, "artist": track.artist_id}.get(context, "")
    # Never after now: the plays still to come keep a second each before it.
    started_at_ms = min(listener.clock_ms, now_ms - (listener.plays - listener.done) * 1_000)
    gap_ms = (
        rng.randint(31 * 60_000, 3 * 3_600_000)
        if rng.random() < SESSION_BREAK_SHARE
        else rng.randint(0, 5_000)
    )
    listener.clock_ms = started_at_ms + max(1, int((ms_played + gap_ms) * listener.squeeze))
    listener.done += 1
    return {
        "listener": listener.listener,
        "track_id": track.track_id,
        "started_at_ms": started_at_ms,
        "ms_played": ms_played,
        "kind": "skipped" if skipped else "ended",
        "context": context,
        "context_id": context_id,
        "device": listener.device,
        "country": listener.country,
    }


def play_lines(catalog: Catalog, shape: PlayShape, now_ms: int) -> Iterator[dict[str, Any]]:
    """`shape.plays` plays, round after round over the listeners."""
    rng = random.Random(shape.seed)
    draw = TrackDraw(catalog)
    playing = [listener for listener in _listeners(shape, rng, now_ms) if listener.plays]
    while playing:
        for listener in playing:
            yield _play(rng, listener, draw(rng), now_ms)
        playing = [listener for listener in playing if listener.done < listener.plays]
