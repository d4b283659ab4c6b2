"""The generated plays: seeded, as many as asked, each listener's in time
order within the play stage's window and never after now, tracks drawn by
popularity."""

from __future__ import annotations

import collections
import re

import pytest

from onelog.music.catalog_generator import CatalogShape, generate_catalog
from onelog.music.play_generator import SPAN_MAX_MS, PlayShape, play_lines
from schemas.music.ids import COUNTRY_PATTERN, ID_PATTERN

NOW_MS = 1_790_000_000_000
WEEK_MS = 7 * 24 * 3_600_000
CATALOG = generate_catalog(CatalogShape(tracks=3_000, seed=3))


def test_the_same_seed_gives_the_same_plays() -> None:
    shape = PlayShape(listeners=20, plays=500, seed=1)
    assert list(play_lines(CATALOG, shape, NOW_MS)) == list(play_lines(CATALOG, shape, NOW_MS))
    other = PlayShape(listeners=20, plays=500, seed=2)
    assert list(play_lines(CATALOG, shape, NOW_MS)) != list(play_lines(CATALOG, other, NOW_MS))


@pytest.mark.parametrize(("listeners", "plays"), [(1, 1), (3, 10), (10, 3), (7, 1_000), (2, 5_000)])
def test_as_many_plays_as_asked_in_order_within_the_window(listeners: int, plays: int) -> None:
    lines = list(play_lines(CATALOG, PlayShape(listeners=listeners, plays=plays), NOW_MS))
    assert len(lines) == plays
    by_listener: dict[str, list[int]] = collections.defaultdict(list)
    for line in lines:
        by_listener[line["listener"]].append(line["started_at_ms"])
    assert len(by_listener) == min(listeners, plays)
    for starts in by_listener.values():
        assert starts == sorted(starts) and len(set(starts)) == len(starts)
        assert starts[0] > NOW_MS - WEEK_MS and starts[-1] < NOW_MS
    assert min(line["started_at_ms"] for line in lines) >= NOW_MS - SPAN_MAX_MS - 3_600_000


def test_each_line_is_a_play_the_plays_route_takes() -> None:
    tracks = {t.track_id: t for t in CATALOG.tracks}
    ids, countries = re.compile(ID_PATTERN), re.compile(COUNTRY_PATTERN)
    lines = list(play_lines(CATALOG, PlayShape(listeners=50, plays=2_000), NOW_MS))
    kinds = collections.Counter(line["kind"] for line in lines)
    assert set(kinds) == {"ended", "skipped"} and 0.08 < kinds["skipped"] / len(lines) < 0.25
    for line in lines:
        track = tracks[line["track_id"]]
        assert ids.match(line["listener"]) and countries.match(line["country"])
        if line["kind"] == "ended":
            assert line["ms_played"] == track.duration_ms
        else:
            assert 1_000 <= line["ms_played"] <= min(60_000, track.duration_ms)
        if line["context"] == "album":
            assert line["context_id"] == track.album_id


def test_popular_tracks_are_played_most() -> None:
    lines = list(play_lines(CATALOG, PlayShape(listeners=100, plays=20_000), NOW_MS))
    plays = collections.Counter(line["track_id"] for line in lines)
    by_popularity = sorted(CATALOG.tracks, key=lambda t: t.popularity, reverse=True)
    head = sum(plays[t.track_id] for t in by_popularity[:30])
    tail = sum(plays[t.track_id] for t in by_popularity[-1_500:])
    assert head > tail
    assert len(plays) > 500  # and the tail is played too


def test_a_bad_shape_is_refused() -> None:
    with pytest.raises(ValueError):
        PlayShape(listeners=0)
    with pytest.raises(ValueError):
        PlayShape(prefix="a/b")
