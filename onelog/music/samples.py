"""The music service's sample requests `onelog up` prints: a batch of the
sample listener's plays of the sample tracks (sample_catalog.py, which `up`
has published), the hour's chart of their country, a search that finds a sample
track, a playlist created, tracks added to the sample playlist, and that
playlist read.

The plays started a few minutes before `up` ran: a play is its (listener,
track, start), so running the line again counts nothing twice.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from onelog.curl import curl_request
from onelog.music.sample_catalog import ALBUM, LISTENER, PLAYLIST, TRACKS

# The sample listener's country, and the chart the curl reads: a country's
# chart, so the sample plays top it even when generated plays (whose
# listeners are elsewhere, play_generator.COUNTRIES) fill the global one.
COUNTRY = "IS"


def sample_plays(now_ms: int) -> list[dict[str, Any]]:
    """The sample tracks played whole, one after the other, ending before now_ms."""
    plays: list[dict[str, Any]] = []
    start = now_ms - sum(duration for _, _, duration in TRACKS) - 60_000
    for track_id, _, duration_ms in TRACKS:
        plays.append(
            {
                "listener": LISTENER,
                "track_id": track_id,
                "started_at_ms": start,
                "ms_played": duration_ms,
                "kind": "ended",
                "context": "album",
                "context_id": ALBUM,
                "device": "mobile",
                "country": COUNTRY,
            }
        )
        start += duration_ms
    return plays


def music_samples(gateway_url: str, key: str) -> Mapping[str, str]:
    music = f"{gateway_url}/v1/music"
    playlist = f"{music}/playlists/{PLAYLIST}"
    now_ms = time.time_ns() // 1_000_000
    return {
        "music_plays_curl": curl_request(
            "POST", f"{music}/plays", key, {"plays": sample_plays(now_ms)}
        ),
        "music_charts_curl": curl_request(
            "GET", f"{music}/charts?window=hour&kind=tracks&country={COUNTRY}&limit=10", key
        ),
        "music_search_curl": curl_request("GET", f"{music}/search?q=overture&kind=track", key),
        "music_playlist_create_curl": curl_request(
            "POST", f"{music}/playlists", key, {"listener": LISTENER, "name": "Road trip"}
        ),
        "music_playlist_add_curl": curl_request(
            "POST",
            f"{playlist}/items",
            key,
            {"listener": LISTENER, "track_ids": [track_id for track_id, _, _ in TRACKS[:2]]},
        ),
        "music_playlist_curl": curl_request("GET", f"{playlist}?listener={LISTENER}", key),
    }
