"""The music records and topics, before the domain is registered: each of the
catalog's and the plays' records builds an Avro schema and round-trips, each
record of the domain lives on one topic whose key it names, and the bounds
the design sets (ids, countries, catalog keys) are the records' own."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from schemas import music
from schemas.avro import avro_schema
from schemas.codec import SchemaRegistry
from schemas.envelope import Record
from schemas.music import catalog, plays, records, topics
from schemas.topic_spec import TopicSpec
from tests.unit.schemas.music.music_samples import music_sample
from tests.unit.schemas.samples import ENVELOPE

ALL = records.ALL
MINE = catalog.CATALOG + plays.PLAY_COMMANDS + plays.PLAY_FACTS


@pytest.mark.parametrize("fast_readers", [True, False], ids=["generated", "fastavro"])
@pytest.mark.parametrize("model", MINE, ids=lambda m: m.__name__)
def test_every_catalog_and_play_record_round_trips_through_the_codec(
    model: type[Record], fast_readers: bool
) -> None:
    codec = SchemaRegistry(fast_readers=fast_readers)
    codec.register(model)
    record = music_sample(model)
    assert codec.decode(codec.encode(record)) == record


@pytest.mark.parametrize("fast_readers", [True, False], ids=["generated", "fastavro"])
def test_a_play_ended_without_its_context_and_a_deletion_with_refs_round_trip(
    fast_readers: bool,
) -> None:
    codec = SchemaRegistry(fast_readers=fast_readers)
    codec.register(plays.PlayEnded)
    codec.register(plays.ListeningHistoryDeleted)
    ended = plays.PlayEnded(
        envelope=ENVELOPE, listener="l1", track_id="t1", started_at_ms=5, ms_played=0
    )
    assert ended.context is None and ended.country is None
    refs = [
        plays.CountedPlayRef(track_id=f"t{i}", artist_id="a", started_at_ms=i, country="DE")
        for i in range(3)
    ]
    deleted = plays.ListeningHistoryDeleted(
        envelope=ENVELOPE, listener="l1", before_ms=10, removed=refs
    )
    for record in (ended, deleted):
        assert codec.decode(codec.encode(record)) == record


def test_every_record_is_named_in_the_music_namespace_once() -> None:
    assert [m.schema_name for m in ALL] == [f"onelog.music.{m.__name__}" for m in ALL]
    assert len(set(ALL)) == len(ALL)
    assert all(avro_schema(m)["name"] == m.schema_name for m in MINE)


def test_every_record_type_lives_on_exactly_one_topic() -> None:
    carried = [name for spec in topics.MUSIC_TOPICS for name in spec.record_types]
    assert sorted(carried) == sorted(m.schema_name for m in ALL)


@pytest.mark.parametrize("spec", topics.MUSIC_TOPICS, ids=lambda s: s.name)
def test_a_topics_key_names_a_field_of_every_record_it_carries(spec: TopicSpec) -> None:
    by_name = {m.schema_name: m for m in ALL}
    for name in spec.record_types:
        for field in spec.key_fields:
            assert field in by_name[name].model_fields, (spec.name, name, field)


def test_the_keys_are_the_designs_and_only_the_catalog_is_compacted() -> None:
    keys = {spec.name: spec.key for spec in topics.MUSIC_TOPICS}
    assert keys == {
        "music.catalog": "catalog_id",
        "music.plays": "listener",
        "music.listens": "listener",
        "music.playlist-commands": "playlist_id",
        "music.playlists": "playlist_id",
        "music.recommendations": "listener",
        "music.discovery-ticks": "week",
    }
    assert [s.name for s in topics.MUSIC_TOPICS if s.compacted] == ["music.catalog"]
    changelogs = {spec.name: spec.compacted for spec in topics.MUSIC_CHANGELOGS}
    assert changelogs == {
        "music.play-stage.changelog": True,
        "music.playlist-stage.changelog": True,
    }


def test_the_domain_declares_its_records_and_only_its_own_topics() -> None:
    domain = music.SCHEMA_DOMAIN
    assert domain.name == "music" and domain.records == ALL
    assert {s.domain for s in domain.topics + domain.changelogs} == {"music"}
    assert len({s.name for s in domain.topics + domain.changelogs}) == 9


def test_a_catalog_key_is_the_kind_and_the_id_of_its_entry() -> None:
    fields: dict[str, Any] = {
        "track_id": "t1",
        "album_id": "al1",
        "artist_id": "ar1",
        "title": "Song",
        "duration_ms": 200_000,
        "release_date": "1977",
    }
    track = catalog.TrackPublished(envelope=ENVELOPE, catalog_id="track:t1", **fields)
    assert topics.MUSIC_CATALOG.key_of(track.model_dump()) == "track:t1"
    for wrong in ("track:t2", "album:t1", "t1"):
        with pytest.raises(ValidationError, match="catalog_id"):
            catalog.TrackPublished(envelope=ENVELOPE, catalog_id=wrong, **fields)
    gone = catalog.CatalogEntryWithdrawn(
        envelope=ENVELOPE, catalog_id="album:al1", kind="album", entry_id="al1"
    )
    assert gone.entry_id == "al1"
    with pytest.raises(ValidationError, match="catalog_id"):
        catalog.CatalogEntryWithdrawn(
            envelope=ENVELOPE, catalog_id="track:al1", kind="album", entry_id="al1"
        )


@pytest.mark.parametrize("date", ["1977", "1977-05", "1977-05-25", "2024-12-31"])
def test_a_release_date_at_any_precision_is_taken(date: str) -> None:
    album = catalog.AlbumPublished(
        envelope=ENVELOPE,
        catalog_id="album:a",
        album_id="a",
        artist_id="b",
        title="T",
        release_date=date,
    )
    assert album.release_date == date


@pytest.mark.parametrize("date", ["77", "1977-13", "1977-05-32", "1977/05/25", "1977-5-2"])
def test_a_release_date_that_is_no_iso_date_is_refused(date: str) -> None:
    with pytest.raises(ValidationError, match="release_date"):
        catalog.AlbumPublished(
            envelope=ENVELOPE,
            catalog_id="album:a",
            album_id="a",
            artist_id="b",
            title="T",
            release_date=date,
        )


@pytest.mark.parametrize("country", ["se", "SWE", "S", "", "S1"])
def test_a_country_outside_iso_3166_alpha_2_is_refused(country: str) -> None:
    with pytest.raises(ValidationError, match="country"):
        plays.PlayStarted(
            envelope=ENVELOPE, listener="l", track_id="t", started_at_ms=1, country=country
        )
    with pytest.raises(ValidationError, match="country"):
        plays.PlayEnded(
            envelope=ENVELOPE,
            listener="l",
            track_id="t",
            started_at_ms=1,
            ms_played=1,
            country=country,
        )


def test_a_play_started_without_a_context_is_other_on_an_unknown_device_and_country() -> None:
    started = plays.PlayStarted(envelope=ENVELOPE, listener="l", track_id="t", started_at_ms=1)
    assert (started.context, started.context_id, started.device, started.country) == (
        "other",
        "",
        "other",
        "ZZ",
    )


@pytest.mark.parametrize("listener", ["", "a:b", "a/b", "a b", "x" * 65])
def test_an_id_outside_the_pattern_is_refused(listener: str) -> None:
    with pytest.raises(ValidationError, match="listener"):
        plays.DeleteListeningHistory(envelope=ENVELOPE, listener=listener, before_ms=1)


def test_negative_times_and_a_play_of_more_than_a_day_are_refused() -> None:
    base: dict[str, Any] = {"listener": "l", "track_id": "t", "started_at_ms": 1, "ms_played": 1}
    for field, value in (
        ("started_at_ms", -1),
        ("ms_played", -1),
        ("ms_played", plays.MS_PLAYED_MAX + 1),
    ):
        with pytest.raises(ValidationError, match=field):
            plays.PlayEnded(envelope=ENVELOPE, **{**base, field: value})
    assert plays.PlayEnded(envelope=ENVELOPE, **{**base, "ms_played": plays.MS_PLAYED_MAX})


def test_a_deletion_lists_at_most_48_hours_of_back_to_back_streams() -> None:
    assert plays.REMOVED_MAX == 48 * 3_600_000 // 30_000
    ref = plays.CountedPlayRef(track_id="t", artist_id="a", started_at_ms=1, country="SE")
    with pytest.raises(ValidationError, match="removed"):
        plays.ListeningHistoryDeleted(
            envelope=ENVELOPE, listener="l", before_ms=1, removed=[ref] * (plays.REMOVED_MAX + 1)
        )
