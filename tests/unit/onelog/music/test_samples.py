"""What `up` publishes and prints for music holds to what the log and the
gateway take: the sample catalog and playlist seal as records, the sample
plays and the generated catalog's lines are requests the gateway's models
accept, and every curl names only the sample's listener, tracks and playlist."""

from __future__ import annotations

import json
import shlex

from pydantic import BaseModel

from gateway.music import catalog_requests as cq
from gateway.music.requests import AddTracksRequest, CreatePlaylistRequest, PlaysRequest
from onelog.music.catalog_generator import CatalogShape, catalog_lines, generate_catalog
from onelog.music.play_generator import COUNTRIES
from onelog.music.sample_catalog import (
    LISTENER,
    PLAYLIST,
    TRACKS,
    sample_catalog,
    sample_playlist,
)
from onelog.music.samples import COUNTRY, music_samples, sample_plays
from schemas.music.catalog import TrackPublished
from streams.music.play_rules import counts_as_stream
from streams.sealing import seal_command

NOW_MS = 1_790_000_000_000


def test_the_sample_catalog_and_playlist_seal_as_records_on_their_topics() -> None:
    records = [seal_command(model, fields, "test") for model, fields in sample_catalog()]
    tracks = [r for r in records if isinstance(r, TrackPublished)]
    assert [t.track_id for t in tracks] == [track_id for track_id, _, _ in TRACKS]
    assert records[0].envelope.key == "artist:sample-ar1"
    assert any(t.duration_ms < 30_000 for t in tracks)  # an interlude: whole, it counts
    playlist = seal_command(*sample_playlist(), "test")
    assert playlist.envelope.key == PLAYLIST


def test_the_sample_plays_are_one_request_each_a_whole_play_before_now() -> None:
    plays = sample_plays(NOW_MS)
    request = PlaysRequest.model_validate({"plays": plays})
    durations = {track_id: duration for track_id, _, duration in TRACKS}
    for play in request.plays:
        assert play.listener == LISTENER and play.kind == "ended"
        assert play.ms_played is not None
        assert counts_as_stream(play.ms_played, durations[play.track_id])
        assert play.started_at_ms + play.ms_played < NOW_MS
    starts = [play["started_at_ms"] for play in plays]
    assert starts == sorted(starts)


def _body(curl: str) -> dict[str, object]:
    words = shlex.split(curl)
    return dict(json.loads(words[words.index("-d") + 1]))


def test_the_curls_name_the_sample_and_their_bodies_are_valid_requests() -> None:
    curls = music_samples("http://127.0.0.1:1", "KEY")
    assert all(label.startswith("music_") and label.endswith("_curl") for label in curls)
    PlaysRequest.model_validate(_body(curls["music_plays_curl"]))
    CreatePlaylistRequest.model_validate(_body(curls["music_playlist_create_curl"]))
    added = AddTracksRequest.model_validate(_body(curls["music_playlist_add_curl"]))
    assert set(added.track_ids) <= {track_id for track_id, _, _ in TRACKS}
    assert f"/playlists/{PLAYLIST}" in curls["music_playlist_curl"]
    assert "q=overture" in curls["music_search_curl"]  # "Overture to the Log"
    # The chart read is the sample's country's, where no generated listener plays.
    assert f"country={COUNTRY}" in curls["music_charts_curl"]
    assert COUNTRY not in {country for country, _ in COUNTRIES}


def test_every_generated_catalog_line_is_a_request_of_the_catalog_route() -> None:
    models: dict[str, type[BaseModel]] = {
        "artist": cq.ArtistRequest,
        "album": cq.AlbumRequest,
        "track": cq.TrackRequest,
    }
    for line in catalog_lines(generate_catalog(CatalogShape(tracks=2_000, seed=5))):
        fields = dict(line)
        models[fields.pop("command")].model_validate(fields)
