"""The feed's live read model as the gateway reads it (Redis; the layout is
keys.py, written by redis.py).

Each read is one pipeline (one round trip); a home-feed page takes a few,
each of which depends on the one before (the following set names the
followees whose delivery to look up, the pulled ones name the author-posts
to merge, the ids found name the bodies). The shaping of raw hashes into
answers is pure (`post_view`, `member_view`), tested by itself. Times are
integer milliseconds since the epoch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as aioredis

from projections.feed import keys
from projections.namespaced_reads import NamespacedReads

# A timeline entry or an author's post: (post_id, published_at_ms).
Ref = tuple[str, int]
_COUNTS = ("likes", "shares", "comments")


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _hash(raw: Mapping[Any, Any]) -> dict[str, str]:
    return {_text(k): _text(v) for k, v in raw.items()}


def _int(value: str | None, default: int = 0) -> int:
    try:
        return default if value is None or value == "" else int(value)
    except ValueError:
        return default


def _json_list(value: str | None) -> list[Any]:
    if not value:
        return []
    try:
        parsed = json.loads(value)
    except ValueError:
        return []
    return parsed if isinstance(parsed, list) else []


def member_view(member: str, fields: Mapping[str, str]) -> dict[str, Any]:
    """A member as GET /members/{member} shows them."""
    return {
        "member": member,
        "handle": fields.get("handle", ""),
        "created_at_ms": _int(fields.get("created_at_ms")),
        "followers": _int(fields.get("followers")),
        "following": _int(fields.get("following")),
        "delivery": fields.get("delivery") or "push",
    }


def counts_view(fields: Mapping[str, str]) -> dict[str, int]:
    return {name: max(0, _int(fields.get(name))) for name in _COUNTS}


def post_view(
    post_id: str, fields: Mapping[str, str], counts: Mapping[str, str]
) -> dict[str, Any] | None:
    """A post as the API shows it, or None when there is no body or it was deleted."""
    if not fields.get("author") or fields.get("deleted") == "1":
        return None
    return {
        "post_id": post_id,
        "author": fields["author"],
        "published_at_ms": _int(fields.get("published_at_ms")),
        "text": fields.get("text", ""),
        "links": _json_list(fields.get("links")),
        "media": _json_list(fields.get("media")),
        "version": _int(fields.get("version"), 1),
        **counts_view(counts),
    }


@dataclass(frozen=True)
class ReaderGraph:
    """What a read of a reader's feed needs to know of the reader: whom they
    follow, the blocks naming them both ways, their timeline's size and its
    newest entries (below the anchor asked for), their affinity by author."""

    following: frozenset[str]
    blocking: frozenset[str]
    blocked_by: frozenset[str]
    timeline_size: int
    timeline: tuple[Ref, ...]
    affinity: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    delivery: str
    since_ms: int


# A home-feed page looks at up to a timeline's cap of posts and at every
# followee's delivery: one script each, so Redis answers one flat reply
# instead of a pipeline of a thousand replies that the client parses one by
# one (that parsing, not Redis, was most of a ranked page's time). Keys are
# named from the namespace prefix, as the projector's own script names them.
_POST_FACTS_LUA = """
local prefix = ARGV[1]
local out = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  local head = redis.call('HMGET', prefix .. 'feed:post:' .. id, 'author', 'deleted')
  local n = redis.call('HMGET', prefix .. 'feed:counts:' .. id, 'likes', 'comments', 'shares')
  out[#out + 1] = (head[1] or '') .. '\t' .. (head[2] or '') .. '\t' .. (n[1] or '0')
    .. '\t' .. (n[2] or '0') .. '\t' .. (n[3] or '0')
end
return out
"""
_DELIVERIES_LUA = """
local prefix = ARGV[1]
local out = {}
for i = 2, #ARGV do
  local key = prefix .. 'feed:member:' .. ARGV[i]
  local d = redis.call('HMGET', key, 'delivery', 'delivery_since_ms')
  out[#out + 1] = d[1] or 'push'
  out[#out + 1] = d[2] or '0'
end
return out
"""


# The posts a page shows, bodies and counts, as one JSON text (cjson):
# [[[field, value, ...], [field, value, ...]], ...] in the order asked.
_POST_BODIES_LUA = """
local prefix = ARGV[1]
local out = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  out[#out + 1] = {
    redis.call('HGETALL', prefix .. 'feed:post:' .. id),
    redis.call('HGETALL', prefix .. 'feed:counts:' .. id),
  }
end
return cjson.encode(out)
"""


def _pairs(flat: Any) -> dict[str, str]:
    # cjson writes an empty Lua table as {}: a missing hash.
    if not isinstance(flat, list):
        return {}
    return {str(flat[i]): str(flat[i + 1]) for i in range(0, len(flat) - 1, 2)}


@dataclass(frozen=True)
class PostFacts:
    """What a page needs of a post before it shows it: whose, whether
    deleted, and its counts."""

    author: str
    deleted: bool
    likes: int
    comments: int
    shares: int


def _refs(raw: Iterable[Any]) -> tuple[Ref, ...]:
    return tuple((_text(member), int(float(score))) for member, score in raw)


class FeedReadModel(NamespacedReads):
    """Reads return plain values; None or empty for what is unknown."""

    def __init__(self, redis: aioredis.Redis, namespace: str) -> None:
        super().__init__(redis, namespace)
        self._post_facts = redis.register_script(_POST_FACTS_LUA)
        self._deliveries = redis.register_script(_DELIVERIES_LUA)
        self._post_bodies = redis.register_script(_POST_BODIES_LUA)

    async def post_facts(self, post_ids: Sequence[str]) -> dict[str, PostFacts]:
        """Author, deletion and counts of each post with a body (one round trip)."""
        if not post_ids:
            return {}
        # One tab-joined line per post: author, deleted, likes, comments, shares.
        lines = await self._post_facts(args=[self._prefix, *post_ids])
        out = {}
        for post_id, line in zip(post_ids, lines, strict=True):
            author, deleted, likes, comments, shares = _text(line).split("\t")
            if author:
                out[post_id] = PostFacts(
                    author, deleted == "1", _int(likes), _int(comments), _int(shares)
                )
        return out

    async def member(self, member: str) -> dict[str, Any] | None:
        raw = await self._redis.hgetall(self._key(keys.member(member)))
        return member_view(member, _hash(raw)) if raw else None

    async def post(self, post_id: str) -> dict[str, Any] | None:
        """The post's body with its counts; None if unknown or deleted."""
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(self._key(keys.post(post_id)))
            pipe.hgetall(self._key(keys.counts(post_id)))
            body, counts = await pipe.execute()
        return post_view(post_id, _hash(body), _hash(counts))

    async def post_author(self, post_id: str) -> tuple[str, bool] | None:
        """(author, deleted) of a post whose body was written, else None."""
        author, deleted = await self._redis.hmget(
            self._key(keys.post(post_id)), ["author", "deleted"]
        )
        if author is None:
            return None
        return _text(author), deleted is not None and _text(deleted) == "1"

    async def blocks_between(self, member: str, other: str) -> tuple[bool, bool]:
        """(member blocks other, other blocks member)."""
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.sismember(self._key(keys.blocking(member)), other)
            pipe.sismember(self._key(keys.blocked_by(member)), other)
            blocks, blocked = await pipe.execute()
        return bool(blocks), bool(blocked)

    async def follows(self, member: str, other: str) -> bool:
        return bool(await self._redis.sismember(self._key(keys.following(member)), other))

    async def rejections(self, member: str, limit: int = 50) -> list[dict[str, Any]]:
        # A sorted set by time (keys.py): CommandRejected and ReactionRejected
        # come from different partitions in no fixed order.
        raw = await self._redis.zrevrange(self._key(keys.rejections(member)), 0, limit - 1)
        out = []
        for item in raw:
            try:
                value = json.loads(_text(item))
            except ValueError:
                continue
            if isinstance(value, dict):
                out.append(value)
        return out

    async def reader_graph(
        self, reader: str, *, below_ms: int | None, window: int, affinity: bool
    ) -> ReaderGraph:
        """The reader's graph and the newest `window` timeline entries
        published at or before `below_ms` (all if None), in one round trip."""
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.smembers(self._key(keys.following(reader)))
            pipe.smembers(self._key(keys.blocking(reader)))
            pipe.smembers(self._key(keys.blocked_by(reader)))
            pipe.zcard(self._key(keys.timeline(reader)))
            pipe.zrevrangebyscore(
                self._key(keys.timeline(reader)),
                "+inf" if below_ms is None else below_ms,
                "-inf",
                start=0,
                num=window,
                withscores=True,
            )
            if affinity:
                pipe.hgetall(self._key(keys.affinity(reader)))
            answers = await pipe.execute()
        following, blocking, blocked_by, size, timeline = answers[:5]
        by_author = {k: _int(v) for k, v in _hash(answers[5]).items()} if affinity else {}
        return ReaderGraph(
            following=frozenset(_text(m) for m in following),
            blocking=frozenset(_text(m) for m in blocking),
            blocked_by=frozenset(_text(m) for m in blocked_by),
            timeline_size=int(size),
            timeline=_refs(timeline),
            affinity=by_author,
        )

    async def deliveries(self, members: Sequence[str]) -> dict[str, Delivery]:
        """Each member's delivery (push or pull) and since when (one round trip)."""
        if not members:
            return {}
        flat = await self._deliveries(args=[self._prefix, *members])
        return {
            member: Delivery(_text(flat[2 * i]), _int(_text(flat[2 * i + 1])))
            for i, member in enumerate(members)
        }

    async def author_posts(
        self, authors: Sequence[str], *, below_ms: int | None, window: int
    ) -> dict[str, tuple[Ref, ...]]:
        """Each author's newest `window` posts published at or before `below_ms`."""
        if not authors:
            return {}
        async with self._redis.pipeline(transaction=False) as pipe:
            for author in authors:
                pipe.zrevrangebyscore(
                    self._key(keys.author_posts(author)),
                    "+inf" if below_ms is None else below_ms,
                    "-inf",
                    start=0,
                    num=window,
                    withscores=True,
                )
            answers = await pipe.execute()
        return {author: _refs(raw) for author, raw in zip(authors, answers, strict=True)}

    async def posts(self, post_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The shown posts (body and counts) of `post_ids`; deleted or unknown
        ones left out (one round trip, one JSON reply)."""
        if not post_ids:
            return {}
        found = json.loads(_text(await self._post_bodies(args=[self._prefix, *post_ids])))
        out = {}
        for post_id, pair in zip(post_ids, found, strict=True):
            view = post_view(post_id, _pairs(pair[0]), _pairs(pair[1]))
            if view is not None:
                out[post_id] = view
        return out

    # --- live streams (feed:live:<reader>, feed:live-author:<a>) ----------------

    def live_key(self, reader: str) -> str:
        return self._key(keys.live(reader))

    def live_author_key(self, author: str) -> str:
        return self._key(keys.live_author(author))

    async def stream_states(self, stream_keys: Sequence[str]) -> dict[str, tuple[str, str | None]]:
        """Each stream's (last id written, oldest id kept if its cap has
        trimmed any entry, else None); a stream never written is ("0-0", None).

        Redis 7.0 does not count a trim in max-deleted-entry-id (only XDEL),
        so a trim shows as more entries added than the stream holds.
        """
        if not stream_keys:
            return {}
        async with self._redis.pipeline(transaction=False) as pipe:
            for key in stream_keys:
                pipe.xinfo_stream(key)
            answers = await pipe.execute(raise_on_error=False)
        out: dict[str, tuple[str, str | None]] = {}
        for key, info in zip(stream_keys, answers, strict=True):
            if isinstance(info, Exception) or not isinstance(info, dict):
                out[key] = ("0-0", None)
                continue
            last = _text(info.get("last-generated-id", "0-0"))
            first = info.get("first-entry")
            trimmed = int(info.get("entries-added", 0)) > int(info.get("length", 0))
            oldest = _text(first[0]) if trimmed and first else None
            out[key] = (last, oldest)
        return out

    async def read_streams(
        self, positions: Mapping[str, str], *, block_ms: int, count: int
    ) -> list[tuple[str, str, dict[str, str]]]:
        """Entries after each stream's position: (stream key, entry id, fields),
        waiting at most `block_ms` for one."""
        streams: dict[Any, Any] = dict(positions)
        answer: Any = await self._redis.xread(streams, count=count, block=block_ms)
        out = []
        for stream, entries in answer or []:
            for entry_id, fields in entries:
                out.append((_text(stream), _text(entry_id), _hash(fields)))
        return out
