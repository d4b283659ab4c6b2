"""GET routes of /v1/feed: a member, one post, the recent rejections, and a
member's home feed (chronological or ranked, a page at a time).

Every read names the acting member in its path: a key that does not act for
them is a 403 naming `member` (gateway/access.py). A post the member may not
see (unknown, deleted, or the author blocks them) is a 404 naming `post_id`.
A cursor this feed did not issue to this member for this mode is a 400
naming `cursor`.
"""

from __future__ import annotations

import time
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from gateway.access import acts_for
from gateway.analytics import AnalyticsEndpoint
from gateway.feed.archive import archived_entries
from gateway.feed.commands import READ
from gateway.feed.pages import ArchiveRead, FeedPages
from gateway.feed.principal import MEMBER
from gateway.feed.read_model import feed_read_model, issued_posts, seen_post
from gateway.feed.requests import MemberQuery, PostQuery, RejectionsQuery, TimelineQuery
from gateway.json_response import JSONResponse
from gateway.parameters import parameters
from gateway.problems import Problem
from gateway.services import Services, admitted
from infra.settings import Settings
from streams.feed.config import FeedSettings, feed_settings
from streams.feed.cursor import Cursor, CursorError, Mode, decode_cursor, encode_cursor
from streams.feed.timeline import ChronoKey, Entry

_FEED_BY_STATE_DIR: dict[Path, tuple[FeedSettings, bytes]] = {}


def feed_config(settings: Settings) -> tuple[FeedSettings, bytes]:
    """The feed's settings and the cursor key, read once per state folder.
    The key is a secret: never logged, never in an answer."""
    found = _FEED_BY_STATE_DIR.get(settings.state_dir)
    if found is None:
        config = feed_settings(settings)
        found = (config, config.cursor_key())
        _FEED_BY_STATE_DIR[settings.state_dir] = found
    return found


def bad_cursor(error: CursorError) -> Problem:
    detail = f"not a cursor of this feed: {error.why}; start again without one"
    return Problem(
        400,
        "invalid-cursor",
        detail,
        errors=[{"field": "cursor", "parameter": "cursor", "detail": detail}],
    )


def archive_reader(endpoint: AnalyticsEndpoint) -> ArchiveRead:
    async def read(
        reader: str, after: ChronoKey, snapshot_ms: int, window: int
    ) -> tuple[Entry, ...]:
        return await archived_entries(endpoint, reader, after, snapshot_ms, window)

    return read


def feed_pages(services: Services, endpoint: AnalyticsEndpoint) -> FeedPages:
    config, _ = feed_config(services.settings)
    return FeedPages(
        feed_read_model(services),
        archive_reader(endpoint),
        weights=config.weights,
        cap=config.rules.timeline_cap,
    )


async def member(request: Request) -> Response:
    """A member: handle, followers, following, delivery."""
    services, key = await admitted(request, READ)
    query = parameters(request, MemberQuery)
    acts_for(key, MEMBER, query.member, field="member", where="path")
    found = await feed_read_model(services).member(query.member)
    if found is None:
        raise Problem(
            404,
            "unknown-member",
            f"no member {query.member!r}",
            errors=[{"field": "member", "parameter": "member", "detail": "unknown"}],
        )
    return JSONResponse(found)


async def post(request: Request) -> Response:
    """One post as the member may see it: body, version and counts."""
    services, key = await admitted(request, READ)
    query = parameters(request, PostQuery)
    acts_for(key, MEMBER, query.member, field="member", where="path")
    found = await seen_post(
        feed_read_model(services), issued_posts(services), query.member, query.post_id
    )
    return JSONResponse(found)


async def rejections(request: Request) -> Response:
    """{"rejections": [...]}: the member's refused commands, newest first."""
    services, key = await admitted(request, READ)
    query = parameters(request, RejectionsQuery)
    acts_for(key, MEMBER, query.member, field="member", where="path")
    found = await feed_read_model(services).rejections(query.member, query.limit)
    return JSONResponse({"rejections": found})


async def timeline(request: Request) -> Response:
    """{"items": [post...], "next_cursor": str | null}: a page of the home feed."""
    services, key = await admitted(request, READ)
    query = parameters(request, TimelineQuery)
    acts_for(key, MEMBER, query.member, field="member", where="path")
    _, cursor_key = feed_config(services.settings)
    mode = Mode(query.mode)
    cursor: Cursor | None = None
    if query.cursor is not None:
        try:
            cursor = decode_cursor(query.cursor, cursor_key, reader=query.member, mode=mode)
        except CursorError as error:
            raise bad_cursor(error) from None
    pages = feed_pages(services, request.state.analytics)
    now_ms = time.time_ns() // 1_000_000
    read = pages.ranked if mode is Mode.RANKED else pages.chronological
    page = await read(query.member, query.limit, cursor, now_ms)
    next_cursor = None if page.next_cursor is None else encode_cursor(page.next_cursor, cursor_key)
    return JSONResponse({"items": page.items, "next_cursor": next_cursor})
