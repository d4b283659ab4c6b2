"""One playlist driven through its pure core as the stage would, with the
read side's view rebuilt from the facts alone beside it.

`Playlist.send` seals a command, decides it and checks every fact against
its model (the shared typed-facts test cannot, before music is registered),
then applies the facts to `read`: the list a projection holds, knowing only
the facts. Every test can then ask that the two views agree.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection
from typing import Any

from schemas.envelope import Envelope, Record
from schemas.music.playlists import (
    PLAYLIST_FACTS,
    AddTracks,
    PlaylistCommandRejected,
    TracksAdded,
    TracksMoved,
    TracksRemoved,
)
from streams.facts import Fact
from streams.music.playlist_decide import decide, new_state
from streams.music.playlist_state import PlaylistState, visible_items
from streams.sealing import build_record

_ids = itertools.count(1)
TRACK_MS = 180_000  # every known track's duration, as the gateway stamps it
_FACT_ENVELOPE = Envelope(
    event_id="01JDQ3Z8M4X7K2N5P9R1T3V6W8", type="t", schema_version=1, occurred_at=0,
    recorded_at=0, producer="test", key="k", correlation_id="c",
)  # fmt: skip


def command(model: type[Record], **payload: Any) -> Record:
    """`model` with `payload`, as the engine hands it to the stage."""
    event_id = f"01{next(_ids):024d}"
    return build_record(
        model,
        payload,
        event_id=event_id,
        key=payload["playlist_id"],
        producer="test",
        correlation_id=None,
        occurred_at=None,
        recorded_at=1_000_000_000,
    )


def holds_to_its_model(fact: Fact) -> None:
    model, payload = fact
    assert model in PLAYLIST_FACTS
    assert set(payload) == set(model.model_fields) - {"envelope"}, model.__name__
    model(envelope=_FACT_ENVELOPE, **payload)


def apply_to_read(read: list[tuple[str, str]], fact: Fact) -> None:
    """What a projection does to the ordered item list with `fact`."""
    model, p = fact
    if model is TracksAdded:
        _insert(read, p["after_item"], [(i["item_id"], i["track_id"]) for i in p["items"]])
    elif model is TracksRemoved:
        read[:] = [e for e in read if e[0] not in set(p["item_ids"])]
    elif model is TracksMoved:
        by_id = dict(read)
        read[:] = [e for e in read if e[0] not in set(p["item_ids"])]
        _insert(read, p["after_item"], [(i, by_id[i]) for i in p["item_ids"]])


def _insert(read: list[tuple[str, str]], after: str | None, run: list[tuple[str, str]]) -> None:
    at = 0 if after is None else [e[0] for e in read].index(after) + 1
    read[at:at] = run


class Playlist:
    def __init__(self, playlist_id: str = "pl", tracks: Collection[str] | None = None) -> None:
        self.playlist_id = playlist_id
        self.state: PlaylistState = new_state(playlist_id)
        self.tracks = tracks  # None: every track is known
        self.read: list[tuple[str, str]] = []
        self.log: list[Fact] = []

    def known(self, track_id: str) -> bool:
        return self.tracks is None or track_id in self.tracks

    def send(self, model: type[Record], **payload: Any) -> list[Fact]:
        if model is AddTracks:
            payload["items"] = [self.stamped(item) for item in payload["items"]]
        return self.decide(command(model, playlist_id=self.playlist_id, **payload))

    def stamped(self, item: dict[str, Any]) -> dict[str, Any]:
        """The item as the gateway sends it: the track's duration from its
        catalog, None for a track the catalog lacks."""
        return {**item, "duration_ms": TRACK_MS if self.known(item["track_id"]) else None}

    def decide(self, record: Record) -> list[Fact]:
        facts = decide(self.state, record)
        for fact in facts:
            holds_to_its_model(fact)
            apply_to_read(self.read, fact)
        self.log.extend(facts)
        return facts

    def items(self) -> list[str]:
        """The visible item ids, after checking the read side agrees."""
        assert self.read == visible_items(self.state)
        return [item_id for item_id, _ in self.read]


def names(facts: list[Fact]) -> list[str]:
    return [model.__name__ for model, _ in facts]


def reasons(facts: list[Fact]) -> list[str]:
    return [p["reason"] for model, p in facts if model is PlaylistCommandRejected]


def items(*ids: str) -> list[dict[str, Any]]:
    """AddTracks' items: each item id playing the track "t-<id>", known to
    the gateway's catalog (a duration stamped)."""
    return [{"item_id": i, "track_id": f"t-{i}", "duration_ms": TRACK_MS} for i in ids]
