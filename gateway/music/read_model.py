"""The music service's live read model as the gateway reads it: the keys
projections/music/keys.py names (and says why their writes commute), in the
namespace of this platform. Each read is one round trip.

A chart is summed at read over its window's buckets (ZUNIONSTORE into
keys.chart_cache, kept CHART_CACHE_MS): many readers of one chart in the same
second sum it once, and a play shows within that much of its projection.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from projections.music import keys
from projections.music.keys import ChartKind
from projections.namespaced_reads import NamespacedReads

CHART_CACHE_MS = 1000


@dataclass(frozen=True)
class TrackStamp:
    """What the gateway stamps on a play's end or an AddTracks item."""

    duration_ms: int
    artist_id: str


@dataclass(frozen=True)
class PlaylistAccess:
    """Who may do what with a playlist, as the read model knows it."""

    owner: str
    visibility: str
    version: int
    collaborators: frozenset[str]

    def edits(self, listener: str) -> bool:
        return listener == self.owner or listener in self.collaborators


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _stamp(fields: list[Any]) -> TrackStamp | None:
    duration, artist = fields
    if duration is None or artist is None:
        return None
    try:
        return TrackStamp(int(duration), _text(artist))
    except ValueError:
        return None


class MusicReadModel(NamespacedReads):
    """Contract: every method reads, never writes the read model (a chart's
    cache key is the reader's own, outside it)."""

    async def track_stamps(self, track_ids: Iterable[str]) -> dict[str, TrackStamp]:
        """Each known track's duration and artist (an unknown one is absent)."""
        wanted = list(dict.fromkeys(track_ids))
        if not wanted:
            return {}
        async with self._redis.pipeline(transaction=False) as pipe:
            for track_id in wanted:
                pipe.hmget(self._key(keys.track(track_id)), "duration_ms", "artist_id")
            found = await pipe.execute()
        out: dict[str, TrackStamp] = {}
        for track_id, fields in zip(wanted, found, strict=True):
            stamp = _stamp(fields)
            if stamp is not None:
                out[track_id] = stamp
        return out

    async def playlist_access(self, playlist_id: str) -> PlaylistAccess | None:
        """The playlist's owner, visibility, version and collaborators (None: unknown yet)."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hmget(self._key(keys.playlist(playlist_id)), "owner", "visibility", "version")
            pipe.smembers(self._key(keys.playlist_collaborators(playlist_id)))
            (owner, visibility, version), collaborators = await pipe.execute()
        if owner is None:
            return None
        return PlaylistAccess(
            owner=_text(owner),
            visibility=_text(visibility or b"private"),
            version=int(version or 0),
            collaborators=frozenset(_text(c) for c in collaborators),
        )

    async def has_link(self, playlist_id: str, token_id: str) -> bool:
        """Whether the playlist has a share link of this id (one the stage made)."""
        found = await self._redis.sismember(self._key(keys.playlist_links(playlist_id)), token_id)
        return bool(found)

    async def follows(self, listener: str, playlist_id: str) -> bool:
        return bool(await self._redis.sismember(self._key(keys.followed(listener)), playlist_id))

    async def playlist(self, playlist_id: str) -> dict[str, Any] | None:
        """The playlist's fields and its items in order ({item_id, track_id})."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hgetall(self._key(keys.playlist(playlist_id)))
            pipe.lrange(self._key(keys.playlist_items(playlist_id)), 0, -1)
            pipe.hgetall(self._key(keys.playlist_tracks(playlist_id)))
            pipe.smembers(self._key(keys.playlist_collaborators(playlist_id)))
            head, items, tracks, collaborators = await pipe.execute()
        if not head or b"owner" not in head:
            return None
        fields = {_text(k): _text(v) for k, v in head.items()}
        track_of = {_text(k): _text(v) for k, v in tracks.items()}
        return {
            "playlist_id": playlist_id,
            "owner": fields["owner"],
            "name": fields.get("name", ""),
            "description": fields.get("description", ""),
            "visibility": fields.get("visibility", "private"),
            "version": int(fields.get("version", "0")),
            "followers": int(fields.get("followers", "0")),
            "collaborators": sorted(_text(c) for c in collaborators),
            "items": [{"item_id": _text(i), "track_id": track_of.get(_text(i))} for i in items],
        }

    async def recent(self, listener: str, limit: int) -> list[dict[str, Any]]:
        """The listener's counted plays, newest first."""
        found: Any = await self._redis.zrevrange(self._key(keys.recent(listener)), 0, limit - 1)
        return [orjson.loads(entry) for entry in found]

    async def now_playing(self, listener: str) -> dict[str, Any] | None:
        """The play started and not ended, if any."""
        found = await self._redis.hgetall(self._key(keys.now_playing(listener)))
        fields = {_text(k): _text(v) for k, v in found.items()}
        if fields.get("playing") != "1":
            return None
        return {
            "track_id": fields.get("track_id"),
            "started_at_ms": int(fields.get("started_at_ms", "0")),
            "context": fields.get("context"),
            "context_id": fields.get("context_id"),
            "device": fields.get("device"),
            "country": fields.get("country"),
        }

    async def chart(
        self, window: str, kind: ChartKind, country: str | None, limit: int, now_ms: int
    ) -> list[tuple[str, int]]:
        """The window's top `limit` (id, counted plays), summed over its buckets."""
        cache = self._key(keys.chart_cache(window, keys.minute_bucket(now_ms), kind, country))
        if not await self._redis.exists(cache):
            buckets = (
                keys.chart_minutes(now_ms, kind, country)
                if window == "hour"
                else keys.chart_hours(now_ms, kind, country)
            )
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.zunionstore(cache, [self._key(b) for b in buckets])
                pipe.pexpire(cache, CHART_CACHE_MS)
                await pipe.execute()
        found: Any = await self._redis.zrevrange(cache, 0, limit - 1, withscores=True)
        return [(_text(member), int(score)) for member, score in found]
