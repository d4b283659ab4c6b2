"""The music service's live read model: each record becomes Redis writes (pure).

Keys, and why each key's writes give one result in any interleaving of the
topics: keys.py. In short: the catalog, now playing, recent plays and a
playlist are each written from one partition (their key's), in its order;
charts get sums from every listener's partition (`zincrby`, which commute);
a listener's sets of playlists get one member per playlist, each from that
playlist's partition. The writes vocabulary: projections/redis_sink.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from projections.json_text import compact_json
from projections.music import keys
from projections.redis_sink import Write
from schemas.envelope import Record
from schemas.music import catalog as cat
from schemas.music import playlists as pl
from schemas.music import plays as pd
from schemas.music import recommendations as rec

Value = dict[str, Any]
Handler = Callable[[Value], list[Write]]

# The fields each catalog hash holds: a withdrawal deletes them all.
TRACK_FIELDS = ("album_id", "artist_id", "title", "duration_ms", "genres", "release_date",
                "explicit")  # fmt: skip
ARTIST_FIELDS = ("name", "genres")
ALBUM_FIELDS = ("artist_id", "title", "release_date", "genres")

# now-playing's phases at one at_ms: a deletion's cut loses to a play that
# started at it, a play's end wins over its start (keys.py).
CUT_PHASE, STARTED_PHASE, ENDED_PHASE = "0", "1", "2"
_PLAY_FIELDS = ("track_id", "started_at_ms", "context", "context_id", "device", "country")


def redis_writes(record: Record, announce: bool = True) -> list[Write]:
    """The writes one music record makes; [] for records with no live model."""
    return writes_of(type(record), record.model_dump(), announce)


def writes_of(model: type[Record], value: Value, announce: bool = True) -> list[Write]:
    """The writes of a decoded record of type `model`. Nothing here is
    announced, so `announce` changes nothing."""
    handler = _HANDLERS.get(model)
    return handler(value) if handler else []


def _json(value: Any) -> str:
    return compact_json(value, sort_keys=True)


def _flag(value: bool) -> str:
    return "1" if value else "0"


# --- the catalog -----------------------------------------------------------------


def _track_published(v: Value) -> list[Write]:
    return [
        [
            "hset", keys.track(v["track_id"]),
            "album_id", v["album_id"], "artist_id", v["artist_id"], "title", v["title"],
            "duration_ms", str(v["duration_ms"]), "genres", _json(v["genres"]),
            "release_date", v["release_date"], "explicit", _flag(v["explicit"]),
        ]
    ]  # fmt: skip


def _artist_published(v: Value) -> list[Write]:
    return [["hset", keys.artist(v["artist_id"]), "name", v["name"], "genres", _json(v["genres"])]]


def _album_published(v: Value) -> list[Write]:
    return [
        [
            "hset", keys.album(v["album_id"]),
            "artist_id", v["artist_id"], "title", v["title"],
            "release_date", v["release_date"], "genres", _json(v["genres"]),
        ]
    ]  # fmt: skip


_ENTRIES: dict[str, tuple[Callable[[str], str], tuple[str, ...]]] = {
    "track": (keys.track, TRACK_FIELDS),
    "artist": (keys.artist, ARTIST_FIELDS),
    "album": (keys.album, ALBUM_FIELDS),
}


def _withdrawn(v: Value) -> list[Write]:
    key_of, fields = _ENTRIES[v["kind"]]
    return [["hdel", key_of(v["entry_id"]), *fields]]


# --- now playing (music.plays) ---------------------------------------------------


def _now_playing(v: Value, at_ms: int, phase: str, playing: dict[str, str]) -> Write:
    fields = [x for name in _PLAY_FIELDS for x in (name, playing.get(name, ""))]
    return [
        "hset_latest", keys.now_playing(v["listener"]), "at_ms", str(at_ms), "phase", phase,
        "playing", "1" if playing else "0", *fields,
    ]  # fmt: skip


def _play_started(v: Value) -> list[Write]:
    playing = {name: str(v[name]) for name in _PLAY_FIELDS}
    return [_now_playing(v, v["started_at_ms"], STARTED_PHASE, playing)]


def _play_ended(v: Value) -> list[Write]:
    return [_now_playing(v, v["started_at_ms"], ENDED_PHASE, {})]


def _delete_requested(v: Value) -> list[Write]:
    """The cut as the play stage takes it: at most the request's own time."""
    cut = min(v["before_ms"], int(v["envelope"]["recorded_at"]) // 1000)
    return [_now_playing(v, cut, CUT_PHASE, {})]


# --- plays decided (music.listens) ---------------------------------------------


def _chart_keys(
    track_id: str, artist_id: str, started_at_ms: int, country: str
) -> list[tuple[str, str]]:
    """(key, member) of each chart a counted play adds to."""
    minute, hour = keys.minute_bucket(started_at_ms), keys.hour_bucket(started_at_ms)
    members: tuple[tuple[keys.ChartKind, str], ...] = (("tracks", track_id), ("artists", artist_id))
    return [
        (bucket(at, kind, where), member)
        for bucket, at in ((keys.chart, minute), (keys.chart_hour, hour))
        for kind, member in members
        for where in (None, country)
    ]


def _charted(ref: Value, delta: str) -> list[Write]:
    charts = _chart_keys(ref["track_id"], ref["artist_id"], ref["started_at_ms"], ref["country"])
    return [["zincrby", key, member, delta] for key, member in charts]


def _recent_entry(v: Value) -> str:
    return _json({
        "track_id": v["track_id"], "artist_id": v["artist_id"],
        "started_at_ms": v["started_at_ms"], "ms_played": v["ms_played"],
        "skipped": v["skipped"], "context": v["context"], "context_id": v["context_id"],
        "device": v["device"], "country": v["country"],
    })  # fmt: skip


def _play_counted(v: Value) -> list[Write]:
    recent = [
        "zadd_capped", keys.recent(v["listener"]), str(v["started_at_ms"]), _recent_entry(v),
        str(keys.RECENT_KEPT),
    ]  # fmt: skip
    return [recent, *_charted(v, "1")]


def _history_deleted(v: Value) -> list[Write]:
    cut = ["zrem_below", keys.recent(v["listener"]), str(v["before_ms"])]
    return [cut, *(w for ref in v["removed"] for w in _charted(ref, "-1"))]


# --- playlists (music.playlists) -------------------------------------------------


def _guard(v: Value) -> Write:
    """A fact that moves the version writes only once: a repeat of it (the
    same fact at a later offset) finds the version there already."""
    return ["guard_seq", keys.playlist(v["playlist_id"]), "version", str(v["version"])]


def _playlist_created(v: Value) -> list[Write]:
    pid = v["playlist_id"]
    return [
        _guard(v),
        [
            "hset", keys.playlist(pid), "owner", v["owner"], "name", v["name"],
            "description", v["description"], "visibility", v["visibility"], "followers", "0",
        ],
        ["sadd", keys.listener_playlists(v["owner"]), pid],
    ]  # fmt: skip


def _field_set(field: str) -> Handler:
    def writes(v: Value) -> list[Write]:
        return [_guard(v), ["hset", keys.playlist(v["playlist_id"]), field, v[field]]]

    return writes


def _tracks_added(v: Value) -> list[Write]:
    pid = v["playlist_id"]
    item_ids = [i["item_id"] for i in v["items"]]
    tracks = [x for i in v["items"] for x in (i["item_id"], i["track_id"])]
    return [
        _guard(v),
        ["linsert_run", keys.playlist_items(pid), v["after_item"] or "", *item_ids],
        ["hset", keys.playlist_tracks(pid), *tracks],
    ]


def _tracks_removed(v: Value) -> list[Write]:
    pid = v["playlist_id"]
    return [
        _guard(v),
        ["lrem", keys.playlist_items(pid), *v["item_ids"]],
        ["hdel", keys.playlist_tracks(pid), *v["item_ids"]],
    ]


def _tracks_moved(v: Value) -> list[Write]:
    items = keys.playlist_items(v["playlist_id"])
    return [
        _guard(v),
        ["lrem", items, *v["item_ids"]],
        ["linsert_run", items, v["after_item"] or "", *v["item_ids"]],
    ]


def _share_link_created(v: Value) -> list[Write]:
    return [_guard(v), ["sadd", keys.playlist_links(v["playlist_id"]), v["token_id"]]]


def _collaborator(added: bool) -> Handler:
    op = "sadd" if added else "srem"

    def writes(v: Value) -> list[Write]:
        pid, who = v["playlist_id"], v["collaborator"]
        return [
            _guard(v),
            [op, keys.playlist_collaborators(pid), who],
            [op, keys.listener_playlists(who), pid],
        ]

    return writes


def _follow(added: bool) -> Handler:
    """Follows do not move the version: the count is the fact's, absolute."""
    op = "sadd" if added else "srem"

    def writes(v: Value) -> list[Write]:
        pid = v["playlist_id"]
        return [
            ["hset", keys.playlist(pid), "followers", str(v["followers"])],
            [op, keys.followed(v["listener"]), pid],
        ]

    return writes


# --- the weekly discovery (music.recommendations) ----------------------------------


def _discovery_computed(v: Value) -> list[Write]:
    year, week = v["week"].split("-W")
    return [
        [
            "hset_latest", keys.discovery(v["listener"]),
            "week_n", year + week, "event_id", v["envelope"]["event_id"],
            "week", v["week"], "tracks", _json(v["tracks"]), "model", v["model"],
        ]
    ]  # fmt: skip


_HANDLERS: dict[type[Record], Handler] = {
    cat.TrackPublished: _track_published,
    cat.ArtistPublished: _artist_published,
    cat.AlbumPublished: _album_published,
    cat.CatalogEntryWithdrawn: _withdrawn,
    pd.PlayStarted: _play_started,
    pd.PlayEnded: _play_ended,
    pd.PlaySkipped: _play_ended,
    pd.DeleteListeningHistory: _delete_requested,
    pd.PlayCounted: _play_counted,
    pd.ListeningHistoryDeleted: _history_deleted,
    pl.PlaylistCreated: _playlist_created,
    pl.PlaylistRenamed: _field_set("name"),
    pl.PlaylistDescribed: _field_set("description"),
    pl.PlaylistVisibilityChanged: _field_set("visibility"),
    pl.TracksAdded: _tracks_added,
    pl.TracksRemoved: _tracks_removed,
    pl.TracksMoved: _tracks_moved,
    pl.ShareLinkCreated: _share_link_created,
    pl.CollaboratorAdded: _collaborator(True),
    pl.CollaboratorRemoved: _collaborator(False),
    pl.PlaylistFollowed: _follow(True),
    pl.PlaylistUnfollowed: _follow(False),
    rec.DiscoveryPlaylistComputed: _discovery_computed,
}
