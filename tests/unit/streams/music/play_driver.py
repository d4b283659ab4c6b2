"""One listener's play stage fed as the engine would feed it: records sealed
with the gateway's time, a catalog folded from TrackPublished records, and
every fact checked against its model (music is not registered yet, so the
facts are not enveloped by streams/records.py)."""

from __future__ import annotations

import itertools
from typing import Any

from schemas.envelope import Record
from schemas.music.catalog import CatalogEntryWithdrawn, TrackPublished
from schemas.music.ids import catalog_id
from streams.facts import Fact
from streams.music.play_catalog import FoldedCatalog
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
    """A listener's partition of the play stage, and the catalog it is given."""

    def __init__(self, listener: str = "l1") -> None:
        self.listener = listener
        self.state: PlayState = new_state(listener)
        self.catalog = FoldedCatalog()
        self.now_ms = T0

    def track(self, track_id: str, duration_ms: int = THREE_MINUTES, artist: str = "a1") -> None:
        self.catalog.apply(
            sealed(
                TrackPublished,
                T0,
                catalog_id=catalog_id("track", track_id),
                track_id=track_id,
                album_id="al1",
                artist_id=artist,
                title="A Song",
                duration_ms=duration_ms,
                release_date="2023",
            )
        )

    def withdraw(self, track_id: str) -> None:
        self.catalog.apply(
            sealed(
                CatalogEntryWithdrawn,
                T0,
                catalog_id=catalog_id("track", track_id),
                kind="track",
                entry_id=track_id,
            )
        )

    def send(self, model: type[Record], at_ms: int | None = None, **payload: Any) -> list[Fact]:
        """Decide `model` recorded at `at_ms` (default: the last time used)."""
        self.now_ms = self.now_ms if at_ms is None else at_ms
        record = sealed(model, self.now_ms, listener=self.listener, **payload)
        facts = decide(self.state, record, self.catalog)
        for fact in facts:
            holds_to_its_model(fact)
        return facts


def names(facts: list[Fact]) -> list[str]:
    return [model.__name__ for model, _ in facts]


def reasons(facts: list[Fact]) -> list[str]:
    return [payload["reason"] for _, payload in facts if "reason" in payload]


def of(model: type[Record], facts: list[Fact]) -> list[dict[str, Any]]:
    return [payload for kind, payload in facts if kind is model]
