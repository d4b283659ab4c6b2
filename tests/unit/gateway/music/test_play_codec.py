"""The hand-written play encoder writes fastavro's bytes, and reads back."""

from __future__ import annotations

import random
from typing import Any

from gateway.music.play_codec import encode_play
from gateway.music.play_lines import envelope, play_record
from gateway.music.read_model import TrackStamp
from gateway.music.requests import PlayRequest
from schemas.registry import registry


def _random_play(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(["started", "ended", "skipped"])

    def maybe(value: str) -> str | None:
        return value if rng.random() < 0.5 else None

    return {
        "listener": rng.choice(["ann", "b" * 64, "x-_9"]),
        "track_id": rng.choice(["t1", "zz", "T" * 64]),
        "started_at_ms": rng.choice([0, 1, 63, 64, 2**31, 2**53 - 1, rng.randrange(2**45)]),
        "kind": kind,
        "ms_played": None if kind == "started" else rng.choice([0, 1, 86_400_000]),
        "context": maybe(rng.choice(["album", "playlist", "search"])),
        "context_id": maybe(rng.choice(["", "al1"])),
        "device": maybe("mobile"),
        "country": maybe(rng.choice(["SE", "ZZ"])),
    }


def test_the_bytes_are_fastavros_for_every_kind_of_play() -> None:
    rng = random.Random(7)
    stamps = {"t1": TrackStamp(1, "art"), "T" * 64: TrackStamp(86_400_000, "a-b")}
    for n in range(500):
        play = PlayRequest.model_validate(_random_play(rng))
        model, payload = play_record(play, stamps)
        payload["envelope"] = envelope(
            model, event_id=f"01E{n}", key=play.listener, producer="k\u00e9y",
            correlation_id=rng.choice([None, "c-ü"]), recorded_at=rng.randrange(2**52),
        )  # fmt: skip
        expected = registry().encode_fields(model, payload)
        assert encode_play(model, payload) == expected
        assert registry().decode(expected) == registry().decode(encode_play(model, payload))
