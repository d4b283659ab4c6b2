"""The recommendation routes as data: their paths under /v1/music, listed by
the music routes, and their parameters' bounds (ids by the music pattern, a
limit of 1 to 50, an optional listener)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gateway.music.recommendations import BecauseQuery, DiscoveryQuery, FansQuery, operations
from gateway.music.routes import operations as music_operations


def test_the_three_routes_are_listed_by_the_music_routes() -> None:
    mine = [(op.method, op.path) for op in operations()]
    assert mine == [
        ("GET", "/v1/music/artists/{artist_id}/fans-also-like"),
        ("GET", "/v1/music/tracks/{track_id}/because-you-played"),
        ("GET", "/v1/music/listeners/{listener}/discovery"),
    ]
    listed = {(op.method, op.path) for op in music_operations()}
    assert set(mine) <= listed


def test_parameters_take_music_ids_and_bounded_limits() -> None:
    assert FansQuery(artist_id="a1").limit == 20
    assert BecauseQuery(track_id="t1").listener is None
    assert BecauseQuery(track_id="t1", listener="ann", limit=50).listener == "ann"
    assert DiscoveryQuery(listener="ann-1").listener == "ann-1"
    for bad in (
        lambda: FansQuery(artist_id="a'1"),
        lambda: FansQuery(artist_id="a1", limit=51),
        lambda: BecauseQuery(track_id="t1", listener="x" * 65),
        lambda: BecauseQuery(track_id="t1", limit=0),
        lambda: DiscoveryQuery(listener="a b"),
    ):
        with pytest.raises(ValidationError):
            bad()
