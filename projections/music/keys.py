"""The music service's Redis key layout, shared by the writer (redis.py) and
the gateway, which reads it. Keys are relative to the namespace: the sink and
the reader add `<ns>:`. Why each key's writes give one result whatever
order the projector meets the topics in is said beside it: the projector
reads music.catalog, music.plays, music.listens and music.playlists, and
only one partition's records come in a fixed order.

The catalog (music.catalog, key "<kind>:<id>": one entry's records on one
partition, in order; the newest wins, as compaction keeps it):

    music:track:<id>             hash: album_id, artist_id, title, duration_ms,
                                 genres (JSON list), release_date, explicit
                                 ("1" | "0"). The gateway stamps duration_ms
                                 and artist_id on plays and AddTracks from here
    music:artist:<id>            hash: name, genres (JSON list)
    music:album:<id>             hash: artist_id, title, release_date, genres
                                 A withdrawal deletes every field of its entry,
                                 so the key is gone (an unknown track)

A listener's plays (music.plays and music.listens, both keyed by listener):

    music:recent:<listener>      sorted set: a counted play's JSON {track_id,
                                 artist_id, started_at_ms, ms_played, skipped,
                                 context, context_id, device, country} ->
                                 started_at_ms; the newest RECENT_KEPT
                                 (ZREVRANGE for newest first). Not a list: a
                                 deletion takes out every play started before
                                 its cut in one step (ZREMRANGEBYSCORE), and a
                                 late play lands where it started
    music:now-playing:<listener> hash: playing ("1" | "0"), track_id,
                                 started_at_ms, context, context_id, device,
                                 country; at_ms and phase order the writes
                                 (hset_latest): PlayStarted (phase 1) at its
                                 start, its PlayEnded or PlaySkipped (phase 2,
                                 playing 0) at the same start, so the end wins
                                 in any order and a later start wins over both;
                                 DeleteListeningHistory (phase 0) at its cut,
                                 so a play started before the cut stops
                                 showing and one started at or after it stays.
                                 Read "playing" first: "0" or no key is nothing
                                 playing. A player that never sends the end
                                 leaves its play here: the reader may hide a
                                 play older than its track's duration

Charts, from every listener's partition (music.listens):

    music:chart:<minute>:<tracks|artists>:<country|global>
                                 sorted set: track or artist id -> counted
                                 plays that started in that minute (epoch ms
                                 // 60,000), everywhere or in one country
    music:chart-hour:<hour>:<tracks|artists>:<country|global>
                                 the same per hour (epoch ms // 3,600,000),
                                 so a day's chart sums 24 keys, not 1,440

    PlayCounted adds 1 to its track and artist in its minute and hour, global
    and in its country (8 `zincrby`); ListeningHistoryDeleted takes 1 back for
    each play it lists as removed. Sums commute, and a member at 0 is removed:
    a listener's take-back follows its add on the same partition, so no score
    is ever below 0 and "removed at 0" is the same as "absent" in every order.
    A chart is read by summing buckets (ZUNIONSTORE into a chart_cache key,
    which is the reader's and not read model): chart_minutes/chart_hours name
    them.

Playlists (music.playlists, key playlist_id: one playlist's facts in order):

    music:playlist:<id>          hash: owner, name, description, visibility,
                                 version (the guard: a fact whose version is not
                                 above it is a repeat and writes nothing),
                                 followers (the count the fact states)
    music:playlist:<id>:items    list: the visible item ids in the playlist's
                                 order (LRANGE 0 -1). Rebuilt from the facts
                                 alone: TracksAdded inserts its run right after
                                 its (resolved, live) after_item or first,
                                 TracksRemoved takes items out, TracksMoved
                                 takes its run out and inserts it so; the order
                                 is the stage's (streams/music/playlist_state
                                 visible_items)
    music:playlist:<id>:tracks   hash: item id -> track id of each visible item
    music:playlist:<id>:collaborators  set of listeners who edit its items
    music:playlist:<id>:links    set of its share links' token ids (not secrets:
                                 schemas/music/playlists.py CreateShareLink)
    music:playlists:<listener>   set of the playlists the listener owns or edits
                                 (created, collaborator added; removed when the
                                 collaborator is removed). Members come from
                                 each playlist's partition alone: adds and
                                 removes of different members commute
    music:followed:<listener>    set of the playlists the listener follows

The weekly discovery (music.recommendations, key listener):

    music:discovery:<listener>   hash: week ("2026-W48"), tracks (JSON list of
                                 track ids, best first), model, and the order
                                 of its writes (hset_latest): week_n (the
                                 week as 202648) then the fact's event id, so
                                 a later week wins, and of one week computed
                                 twice the later computation
"""

from __future__ import annotations

from typing import Literal

ChartKind = Literal["tracks", "artists"]

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
GLOBAL = "global"
RECENT_KEPT = 50

# The read model verify compares: every music key the projection writes.
READ_MODEL: tuple[str, ...] = (
    "music:track:",
    "music:artist:",
    "music:album:",
    "music:recent:",
    "music:now-playing:",
    "music:chart:",
    "music:chart-hour:",
    "music:playlist:",
    "music:playlists:",
    "music:followed:",
    "music:discovery:",
)


def track(track_id: str) -> str:
    return f"music:track:{track_id}"


def artist(artist_id: str) -> str:
    return f"music:artist:{artist_id}"


def album(album_id: str) -> str:
    return f"music:album:{album_id}"


def recent(listener: str) -> str:
    return f"music:recent:{listener}"


def now_playing(listener: str) -> str:
    return f"music:now-playing:{listener}"


def minute_bucket(at_ms: int) -> int:
    """The chart minute a play started in."""
    return at_ms // MINUTE_MS


def hour_bucket(at_ms: int) -> int:
    """The chart hour a play started in."""
    return at_ms // HOUR_MS


def chart(bucket_minute: int, kind: ChartKind, country: str | None = None) -> str:
    """One minute's chart of tracks or artists, in a country or (None) everywhere."""
    return f"music:chart:{bucket_minute}:{kind}:{country or GLOBAL}"


def chart_hour(bucket_hour: int, kind: ChartKind, country: str | None = None) -> str:
    """One hour's chart, as chart()."""
    return f"music:chart-hour:{bucket_hour}:{kind}:{country or GLOBAL}"


def chart_minutes(now_ms: int, kind: ChartKind, country: str | None = None) -> list[str]:
    """The last hour's chart: the 60 minute buckets ending with now's."""
    last = minute_bucket(now_ms)
    return [chart(b, kind, country) for b in range(last - 59, last + 1)]


def chart_hours(now_ms: int, kind: ChartKind, country: str | None = None) -> list[str]:
    """The last day's chart: the 24 hour buckets ending with now's."""
    last = hour_bucket(now_ms)
    return [chart_hour(b, kind, country) for b in range(last - 23, last + 1)]


def chart_cache(window: str, bucket: int, kind: ChartKind, country: str | None = None) -> str:
    """Where a reader may keep a summed window for a short while (its own key,
    with a TTL; outside the read model: the projection never writes it)."""
    return f"music:chart-cache:{window}:{bucket}:{kind}:{country or GLOBAL}"


def playlist(playlist_id: str) -> str:
    return f"music:playlist:{playlist_id}"


def playlist_items(playlist_id: str) -> str:
    return f"music:playlist:{playlist_id}:items"


def playlist_tracks(playlist_id: str) -> str:
    return f"music:playlist:{playlist_id}:tracks"


def playlist_collaborators(playlist_id: str) -> str:
    return f"music:playlist:{playlist_id}:collaborators"


def playlist_links(playlist_id: str) -> str:
    return f"music:playlist:{playlist_id}:links"


def listener_playlists(listener: str) -> str:
    return f"music:playlists:{listener}"


def followed(listener: str) -> str:
    return f"music:followed:{listener}"


def discovery(listener: str) -> str:
    return f"music:discovery:{listener}"
