"""The playlists' records, before the domain is registered: each builds an
Avro schema and round-trips, is named in the music namespace, and holds the
bounds the design sets; the reasons are the pure core's, each explained."""

from __future__ import annotations

import typing
from typing import Any

import pytest
from pydantic import ValidationError

from schemas.avro import avro_schema
from schemas.codec import SchemaRegistry
from schemas.envelope import Record
from schemas.music import playlists
from schemas.music.playlists import PLAYLIST_COMMANDS, PLAYLIST_FACTS
from streams.music.playlist_rejections import PlaylistRejection, explain
from tests.unit.schemas.samples import ENVELOPE, sample

MINE = PLAYLIST_COMMANDS + PLAYLIST_FACTS


@pytest.mark.parametrize("fast_readers", [True, False], ids=["generated", "fastavro"])
@pytest.mark.parametrize("model", MINE, ids=lambda m: m.__name__)
def test_every_playlist_record_round_trips_through_the_codec(
    model: type[Record], fast_readers: bool
) -> None:
    codec = SchemaRegistry(fast_readers=fast_readers)
    codec.register(model)
    record = sample(model)
    assert codec.decode(codec.encode(record)) == record


@pytest.mark.parametrize("fast_readers", [True, False], ids=["generated", "fastavro"])
def test_anchors_and_versions_left_out_round_trip_as_none(fast_readers: bool) -> None:
    codec = SchemaRegistry(fast_readers=fast_readers)
    codec.register(playlists.AddTracks)
    codec.register(playlists.TracksAdded)
    add = playlists.AddTracks(
        envelope=ENVELOPE, playlist_id="pl", actor="ann",
        items=[playlists.PlaylistItem(item_id=f"i{n}", track_id="t") for n in range(100)],
    )  # fmt: skip
    added = playlists.TracksAdded(
        envelope=ENVELOPE, playlist_id="pl", actor="ann", items=add.items, after_item=None,
        version=2,
    )  # fmt: skip
    assert add.after_item is None and add.expected_version is None
    for record in (add, added):
        assert codec.decode(codec.encode(record)) == record


def test_every_record_is_named_in_the_music_namespace_once() -> None:
    assert [m.schema_name for m in MINE] == [f"onelog.music.{m.__name__}" for m in MINE]
    assert len(set(MINE)) == len(MINE)
    assert all(avro_schema(m)["name"] == m.schema_name for m in MINE)


def test_every_record_names_its_playlist_and_every_command_its_actor_and_version() -> None:
    assert all("playlist_id" in m.model_fields for m in MINE)
    for model in PLAYLIST_COMMANDS:
        assert {"actor", "expected_version"} <= set(model.model_fields), model
    assert all("version" in m.model_fields for m in PLAYLIST_FACTS)


@pytest.mark.parametrize(
    "payload",
    [
        {"playlist_id": "has space"},
        {"playlist_id": "p" * 65},
        {"actor": "a/b"},
        {"after_item": "x:y"},
        {"items": []},
        {"items": [{"item_id": f"i{n}", "track_id": "t"} for n in range(101)]},
        {"items": [{"item_id": "i", "track_id": "bad id"}]},
        {"expected_version": -1},
    ],
)
def test_an_add_outside_the_bounds_is_refused_by_the_record(payload: dict[str, Any]) -> None:
    good: dict[str, Any] = {
        "playlist_id": "pl", "actor": "ann", "items": [{"item_id": "i", "track_id": "t"}],
    }  # fmt: skip
    playlists.AddTracks(envelope=ENVELOPE, **good)
    with pytest.raises(ValidationError):
        playlists.AddTracks(envelope=ENVELOPE, **{**good, **payload})


def test_names_and_descriptions_have_spotify_s_bounds() -> None:
    fields: dict[str, Any] = {"playlist_id": "pl", "actor": "ann"}
    playlists.CreatePlaylist(envelope=ENVELOPE, name="n" * 100, description="d" * 300, **fields)
    bads: list[dict[str, Any]] = [
        {"name": ""},
        {"name": "n" * 101},
        {"name": "n", "description": "d" * 301},
    ]
    for bad in bads:
        with pytest.raises(ValidationError):
            playlists.CreatePlaylist(envelope=ENVELOPE, **fields, **bad)


def test_the_reasons_are_the_pure_cores_and_each_is_explained() -> None:
    reasons = set(typing.get_args(playlists.PlaylistRejectReason))
    assert reasons == {r.value for r in PlaylistRejection}
    assert all(explain(r) for r in PlaylistRejection)


@pytest.mark.parametrize(
    "model", [playlists.RemoveTracks, playlists.MoveTracks, playlists.TracksRemoved]
)
def test_every_item_id_a_record_lists_is_an_id(model: type[Record]) -> None:
    fields: dict[str, Any] = {"playlist_id": "pl", "actor": "ann"}
    if model is playlists.TracksRemoved:
        fields["version"] = 1
    model.model_validate({"envelope": ENVELOPE, "item_ids": ["i-1", "I_2"], **fields})
    for bad in (["ok", "not ok"], ["a/b"], ["x" * 65], []):
        with pytest.raises(ValidationError):
            model.model_validate({"envelope": ENVELOPE, "item_ids": bad, **fields})
