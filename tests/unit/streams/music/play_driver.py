"""One listener's play stage fed as the engine would feed it: records sealed
with the gateway's time, each play's end stamped with the track's duration
and artist from the gateway's catalog as the gateway does (None for a track
it lacks), and every fact checked against its model."""

from __future__ import annotations

import itertools
from typing import Any

from schemas.envelope import Record
from schemas.music.plays import PlayEnded, PlaySkipped
from streams.facts import Fact
from streams.music.play_decide import decide, new_state
from streams.music.play_state import PlayState
from streams.sealing import build_record
from tests.unit.schemas.samples import ENVELOPE

T0 = 1_700_000_000_000  # ms: a Tuesday in November 2023
MINUTE = 60_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR
THREE_MINUTES = 3 * MINUTE

_ids = itertools.count(1)


def sealed(model: type[Record], recorded_ms: int, **payload: Any) -> Record:
    """`model` with `payload`, recorded by the gateway at `recorded_ms`."""
    return build_record(
        model,
        payload,
        event_id=f"01{next(_ids):024d}",
        key=str(payload.get("listener") or payload.get("catalog_id")),
        producer="test",
        correlation_id=None,
        occurred_at=None,
        recorded_at=recorded_ms * 1000,
    )


def holds_to_its_model(fact: Fact) -> Record:
    model, payload = fact
    assert set(payload) == set(model.model_fields) - {"envelope"}, model.__name__
    return model(envelope=ENVELOPE, **payload)


class Listener:
    """A listener's partition of the play stage, and the gateway's catalog
    (track -> duration, artist) that stamps the ends sent to it."""

    def __init__(self, listener: str = "l1") -> None:
        self.listener = listener
        self.state: PlayState = new_state(listener)
        self.catalog: dict[str, tuple[int, str]] = {}
        self.now_ms = T0

    def track(self, track_id: str, duration_ms: int = THREE_MINUTES, artist: str = "a1") -> None:
        self.catalog[track_id] = (duration_ms, artist)

    def withdraw(self, track_id: str) -> None:
        self.catalog.pop(track_id, None)

    def send(self, model: type[Record], at_ms: int | None = None, **payload: Any) -> list[Fact]:
        """Decide `model` recorded at `at_ms` (default: the last time used)."""
        self.now_ms = self.now_ms if at_ms is None else at_ms
        if model in (PlayEnded, PlaySkipped):
            duration, artist = self.catalog.get(payload["track_id"], (None, None))
            payload = {"duration_ms": duration, "artist_id": artist, **payload}
        record = sealed(model, self.now_ms, listener=self.listener, **payload)
        facts = decide(self.state, record)
        for fact in facts:
            holds_to_its_model(fact)
        return facts


def names(facts: list[Fact]) -> list[str]:
    return [model.__name__ for model, _ in facts]


def reasons(facts: list[Fact]) -> list[str]:
    return [payload["reason"] for _, payload in facts if "reason" in payload]


def of(model: type[Record], facts: list[Fact]) -> list[dict[str, Any]]:
    return [payload for kind, payload in facts if kind is model]
