"""The discovery playlist in Redis, pure, folded as a rebuild does: a
listener's newest week wins in any order, and of one week computed twice
the later computation."""

from __future__ import annotations

import itertools
import json

from projections.music import keys
from projections.music.redis import redis_writes
from projections.redis_fold import RedisFold
from schemas.envelope import Record
from schemas.music.recommendations import DiscoveryPlaylistComputed
from tests.unit.schemas.samples import ENVELOPE

MODEL = "implicit-0.7.3 als factors=32"


def _computed(n: int, week: str, tracks: list[str]) -> Record:
    """The n-th fact the recommender wrote (event ids sort as written)."""
    envelope = ENVELOPE.model_copy(update={"event_id": f"01DISCOVERY{n:015d}"})
    return DiscoveryPlaylistComputed(
        envelope=envelope, listener="ann", week=week, tracks=tracks, model=MODEL
    )


def _folded(records: tuple[Record, ...]) -> dict[str, str]:
    fold = RedisFold()
    for record in records:
        fold.apply(redis_writes(record))
    return fold.hashes[keys.discovery("ann")]


def test_the_newest_week_and_the_later_computation_win_in_any_order() -> None:
    records = [
        _computed(1, "2026-W47", ["t1"]),
        _computed(2, "2026-W48", ["t2", "t3"]),
        _computed(3, "2026-W48", ["t4"]),  # the week's tick sent twice
        _computed(4, "2025-W52", ["t5"]),
    ]
    for order in itertools.permutations(records):
        shown = _folded(order)
        assert (shown["week"], json.loads(shown["tracks"]), shown["model"]) == (
            "2026-W48",
            ["t4"],
            MODEL,
        )
