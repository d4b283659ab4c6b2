"""The generated catalog: seeded, exactly the tracks asked for, shaped as
catalogs are (album sizes, durations, a Zipf-like head), every line one the
catalog route takes."""

from __future__ import annotations

import re
import statistics

import pytest

from onelog.music.catalog_generator import (
    COMMON_WORDS,
    MAX_DURATION_MS,
    MIN_DURATION_MS,
    CatalogShape,
    catalog_lines,
    generate_catalog,
    line_count,
)
from schemas.music.catalog import RELEASE_DATE_PATTERN
from schemas.music.ids import ID_PATTERN

SMALL = CatalogShape(tracks=5_000, seed=7)


def test_the_same_seed_gives_the_same_lines_and_another_seed_others() -> None:
    first = list(catalog_lines(generate_catalog(SMALL)))
    assert first == list(catalog_lines(generate_catalog(SMALL)))
    assert first != list(catalog_lines(generate_catalog(CatalogShape(tracks=5_000, seed=8))))


@pytest.mark.parametrize("tracks", [1, 2, 13, 1_000])
def test_exactly_the_tracks_asked_for_each_on_an_album_of_its_artist(tracks: int) -> None:
    catalog = generate_catalog(CatalogShape(tracks=tracks))
    assert len(catalog.tracks) == tracks
    album_artist = {album.album_id: album.artist_id for album in catalog.albums}
    artists = {artist.artist_id for artist in catalog.artists}
    assert set(album_artist.values()) <= artists
    for track in catalog.tracks:
        assert album_artist[track.album_id] == track.artist_id
    assert len({t.track_id for t in catalog.tracks}) == tracks
    assert line_count(catalog) == len(list(catalog_lines(catalog)))


def test_lines_come_artists_then_albums_then_tracks_and_hold_the_records_bounds() -> None:
    lines = list(catalog_lines(generate_catalog(SMALL)))
    commands = [line["command"] for line in lines]
    assert commands == sorted(commands, key=["artist", "album", "track"].index)
    ids = re.compile(ID_PATTERN)
    dates = re.compile(RELEASE_DATE_PATTERN)
    for line in lines:
        for field in ("artist_id", "album_id", "track_id"):
            assert field not in line or ids.match(line[field])
        assert "release_date" not in line or dates.match(line["release_date"])
        title = line.get("title") or line.get("name")
        assert title and len(title) <= 300 and title.isprintable()
        assert 1 <= len(line["genres"]) <= 10


def test_the_shape_albums_durations_and_names() -> None:
    catalog = generate_catalog(CatalogShape(tracks=20_000, seed=1))
    per_album: dict[str, int] = {}
    for track in catalog.tracks:
        per_album[track.album_id] = per_album.get(track.album_id, 0) + 1
    sizes = list(per_album.values())[:-1]  # the last album may be cut short
    assert all(size in (1, 4, 5, 6) or 8 <= size <= 14 for size in sizes)
    durations = [t.duration_ms for t in catalog.tracks]
    short = sum(1 for d in durations if d < 30_000)
    assert 0.005 < short / len(durations) < 0.02
    assert all(d < 30_000 or MIN_DURATION_MS <= d <= MAX_DURATION_MS for d in durations)
    assert 190_000 < statistics.median(durations) < 230_000
    # A common word is in many titles; a made-up word in a few.
    love = sum(1 for t in catalog.tracks if "Love" in t.title.split())
    assert love > 200
    assert set(COMMON_WORDS) <= {w.lower() for t in catalog.tracks for w in t.title.split()}


def test_popularity_has_a_head_and_a_tail() -> None:
    catalog = generate_catalog(CatalogShape(tracks=20_000, seed=1))
    weights = sorted((t.popularity for t in catalog.tracks), reverse=True)
    total = sum(weights)
    assert all(w > 0 for w in weights)
    # The top 1% of tracks draws a good part of the plays; the bottom half little.
    assert sum(weights[:200]) / total > 0.25
    assert sum(weights[10_000:]) / total < 0.1
    # The first artist's hit is the most popular track.
    assert max(catalog.tracks, key=lambda t: t.popularity).artist_id == catalog.artists[0].artist_id


def test_a_prefix_starts_every_id_and_a_bad_shape_is_refused() -> None:
    catalog = generate_catalog(CatalogShape(tracks=10, prefix="x-"))
    assert all(t.track_id.startswith("x-t") for t in catalog.tracks)
    with pytest.raises(ValueError):
        CatalogShape(tracks=0)
    with pytest.raises(ValueError):
        CatalogShape(prefix="a:b")
