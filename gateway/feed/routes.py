"""The feed's HTTP operations under /v1/feed: its commands, the NDJSON batch,
the reads of a member, a post, the rejections and the home feed, and the
live stream of new posts."""

from __future__ import annotations

from dataclasses import replace

from gateway.batch import ndjson_batch
from gateway.feed import PREFIX, live, reads
from gateway.feed.commands import BATCHED, COMMANDS, ON_OWN_POST, REACTIONS, READ, WRITE
from gateway.feed.requests import MemberQuery, PostQuery, RejectionsQuery, TimelineQuery
from gateway.feed.writes import authorize, feed_command_endpoint
from gateway.operation import Operation, command_operations
from gateway.responses import READ_RESPONSES, WRITE_RESPONSES

_MEMBER = "/members/{member}"
_OWN_POST_RESPONSES = {
    **WRITE_RESPONSES,
    403: "the key lacks the scope or does not act for `member`, or the post is another "
    "member's (`not_the_author`, naming post_id)",
    404: "unknown or deleted post (naming post_id)",
}
_REACTION_RESPONSES = {
    **WRITE_RESPONSES,
    404: "unknown or deleted post, or one the author's block hides (naming post_id)",
}
_TIMELINE_RESPONSES = {
    **READ_RESPONSES,
    400: "a cursor this feed did not issue to this member for this mode (naming cursor)",
    503: "Redis, or ClickHouse for an older page, did not answer (Retry-After)",
}


def _command_operations() -> list[Operation]:
    def documented(op: Operation) -> Operation:
        name = op.endpoint.__name__
        if name in ON_OWN_POST:
            return replace(op, responses=_OWN_POST_RESPONSES)
        if name in REACTIONS:
            return replace(op, responses=_REACTION_RESPONSES)
        return op

    return [documented(op) for op in command_operations(PREFIX, COMMANDS, feed_command_endpoint)]


def operations() -> list[Operation]:
    names = ", ".join(c.name for c in BATCHED)
    return [
        *_command_operations(),
        Operation("POST", PREFIX + "/batch", ndjson_batch(BATCHED, WRITE, authorize),
                  "Many commands, one per NDJSON line: {\"command\": name, ...fields, path "
                  f"parameters included}}; names: {names}",
                  scope=WRITE, body_media_type="application/x-ndjson",
                  responses={200: "one NDJSON result line per input line", **WRITE_RESPONSES},
                  response_media_type="application/x-ndjson"),
        Operation("GET", PREFIX + _MEMBER, reads.member,
                  "A member: handle, followers, following, delivery",
                  scope=READ, parameters=MemberQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + _MEMBER + "/timeline", reads.timeline,
                  "A page of the member's home feed, chronological or ranked (cursor: the "
                  "previous page's next_cursor)",
                  scope=READ, parameters=TimelineQuery, responses=_TIMELINE_RESPONSES),
        Operation("GET", PREFIX + _MEMBER + "/posts/{post_id}", reads.post,
                  "One post as the member may see it (404 if hidden)",
                  scope=READ, parameters=PostQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + _MEMBER + "/rejections", reads.rejections,
                  "The member's refused commands with the reason, newest first",
                  scope=READ, parameters=RejectionsQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + _MEMBER + "/live", live.live,
                  "New posts for the member (SSE: `post` events with seq; ids are opaque "
                  "positions, Last-Event-ID resumes; `reset` asks for a fresh first page)",
                  scope=READ, parameters=MemberQuery, responses=READ_RESPONSES,
                  response_media_type="text/event-stream"),
    ]  # fmt: skip
