"""GET /v1/feed/members/{member}/live: new posts for the member as
Server-Sent Events.

The projector appends each post pushed to the member to feed:live:<member>
and each post of a pulled author to feed:live-author:<author> (capped Redis
streams; projections/feed/keys.py). This reads the member's stream and those
of the pulled authors they follow (XREAD BLOCK, each wait bounded below the
Redis client's timeout), drops what the member may not see now (an author
they no longer follow, a block either way: streams/feed/visibility.py), and
sends each post as a `post` event whose data has a `seq` and whose id is the
position of every stream read (gateway/feed/live_position.py).

- First connect: a `ready` event (id = the streams' current ends), then posts.
- Last-Event-ID: from that position, without a gap; the seq goes on.
- A position the streams' caps have overtaken (or one this stream never
  sent): a `reset` event, meaning "reload the first page", then posts from now.
- The following set and the pulled authors are read again every few seconds:
  a new pulled followee's stream is read from its end at that moment.
- Heartbeats and the stream's bound as the other SSE routes (gateway/sse.py).
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Mapping

from starlette.requests import Request
from starlette.responses import Response

from gateway.access import acts_for
from gateway.feed.commands import READ
from gateway.feed.live_position import (
    OWN,
    START,
    BadPosition,
    LivePosition,
    author_stream,
    decode_position,
    encode_position,
    lost_entries,
)
from gateway.feed.pages import blocks_of, pulled_followees
from gateway.feed.principal import MEMBER
from gateway.feed.read_model import feed_read_model
from gateway.feed.requests import MemberQuery
from gateway.parameters import parameters
from gateway.services import admitted
from gateway.sse import KEEPALIVE, event_stream, sse_event
from projections.feed.read import FeedReadModel, ReaderGraph
from streams.feed.visibility import Route, may_see

# How often the member's graph (follows, blocks, pulled authors) is read again.
GRAPH_EVERY_S = 5.0
# Entries read per XREAD.
READ_COUNT = 100


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class LiveReader:
    """The streams one member's live feed reads, and what it may show."""

    def __init__(self, model: FeedReadModel, member: str) -> None:
        self.model = model
        self.member = member
        self.graph: ReaderGraph | None = None
        self.names: dict[str, str] = {}  # Redis key -> short stream name

    async def refresh(self) -> None:
        graph = await self.model.reader_graph(self.member, below_ms=0, window=1, affinity=False)
        following = sorted(graph.following)
        found = await self.model.deliveries(following)
        pulled = pulled_followees(
            following, {m: (d.delivery, d.since_ms) for m, d in found.items()}, _now_ms()
        )
        names = {self.model.live_key(self.member): OWN}
        names.update({self.model.live_author_key(a): author_stream(a) for a in pulled})
        self.graph, self.names = graph, names

    def shows(self, author: str) -> bool:
        graph = self.graph
        if graph is None or author == self.member or author not in graph.following:
            return False
        return may_see(blocks_of(self.member, graph), self.member, author, Route.LIVE)

    async def ends(self, names: Mapping[str, str]) -> dict[str, tuple[str, str | None]]:
        """(last id, oldest id kept if the cap trimmed any) by short name."""
        states = await self.model.stream_states(list(names))
        return {names[key]: state for key, state in states.items()}


async def start_position(reader: LiveReader, resume: str | None) -> tuple[LivePosition, str | None]:
    """Where to read from, and why the client must reload (or None)."""
    ends = await reader.ends(reader.names)
    fresh = {name: last for name, (last, _) in ends.items()}
    if resume is None:
        return LivePosition(0, fresh), None
    try:
        given = decode_position(resume)
    except BadPosition:
        return LivePosition(0, fresh), "unknown_position"
    ids: dict[str, str] = {}
    for name, (last, oldest_kept) in ends.items():
        at = given.ids.get(name)
        if at is None:
            # A stream the last connection did not read (a newly pulled author).
            ids[name] = last
        elif lost_entries(at, oldest_kept):
            return LivePosition(given.seq, fresh), "position_expired"
        else:
            ids[name] = at
    return LivePosition(given.seq, ids), None


async def _events(
    reader: LiveReader, position: LivePosition, reset: str | None, keepalive_s: float,
    block_s: float,
) -> AsyncGenerator[str, None]:  # fmt: skip
    if reset is not None:
        yield sse_event("reset", {"reason": reset, "seq": position.seq}, encode_position(position))
    else:
        yield sse_event("ready", {"seq": position.seq}, encode_position(position))
    refreshed = time.monotonic()
    quiet_since = time.monotonic()
    while True:
        if time.monotonic() - refreshed >= GRAPH_EVERY_S:
            await reader.refresh()
            refreshed = time.monotonic()
            missing = {k: n for k, n in reader.names.items() if n not in position.ids}
            if missing:
                ends = await reader.ends(missing)
                position = LivePosition(
                    position.seq, {**position.ids, **{n: last for n, (last, _) in ends.items()}}
                )
        streams = {key: position.ids.get(name, START) for key, name in reader.names.items()}
        entries = await reader.model.read_streams(
            streams, block_ms=max(1, round(block_s * 1000)), count=READ_COUNT
        )
        if not entries:
            if time.monotonic() - quiet_since >= keepalive_s:
                quiet_since = time.monotonic()
                yield KEEPALIVE
            continue
        quiet_since = time.monotonic()
        for key, entry_id, fields in entries:
            name = reader.names.get(key)
            if name is None:
                continue
            author = fields.get("author", "")
            sent = reader.shows(author)
            position = position.moved(name, entry_id, sent)
            if sent:
                data = {
                    "seq": position.seq,
                    "post_id": fields.get("post_id", ""),
                    "author": author,
                    "published_at_ms": int(fields.get("published_at_ms") or 0),
                }
                yield sse_event("post", data, encode_position(position))


async def live(request: Request) -> Response:
    """SSE of new posts for the member (see the module's docstring)."""
    services, key = await admitted(request, READ)
    query = parameters(request, MemberQuery)
    acts_for(key, MEMBER, query.member, field="member", where="path")
    reader = LiveReader(feed_read_model(services), query.member)
    await reader.refresh()
    position, reset = await start_position(reader, request.headers.get("last-event-id"))
    config = services.config
    # XREAD BLOCK holds a pooled connection whose reads time out at
    # redis_timeout_s: each wait stays well below it.
    block_s = max(0.05, min(config.stream_keepalive_s, config.redis_timeout_s / 2))
    return event_stream(
        _events(reader, position, reset, config.stream_keepalive_s, block_s),
        config.stream_max_s,
        config.stream_keepalive_s,
    )
