"""The feed's live read model as the gateway uses it, and a post as a member
may see it.

A post is looked up by id for every command and read on one post: unknown,
deleted, or hidden from the member by the author's block (streams/feed/
visibility.py, the direct route) is a 404 naming `post_id`; a post the
gateway issued a moment ago is waited for (gateway/feed/issued.py).
"""

from __future__ import annotations

from typing import Any

from gateway.feed import GATEWAY
from gateway.feed.issued import IssuedPosts, shown_within
from gateway.problems import Problem
from gateway.services import Services
from projections.feed.read import FeedReadModel
from streams.feed.visibility import Blocks, Route, may_see


def feed_read_model(services: Services) -> FeedReadModel:
    model = services.read_models.get(GATEWAY.name)
    if not isinstance(model, FeedReadModel):
        raise Problem(
            503,
            "read-model-unavailable",
            "the feed's read model is not running in this gateway",
            headers={"Retry-After": str(services.config.unavailable_retry_after_s)},
        )
    return model


def issued_posts(services: Services) -> IssuedPosts:
    return IssuedPosts(services.redis, services.settings.namespace, services.config.issued_wait_s)


def unknown_post(post_id: str, where: str = "path") -> Problem:
    at = {"parameter": "post_id"} if where == "path" else {"pointer": "#/post_id"}
    return Problem(
        404,
        "unknown-post",
        f"no post {post_id!r} this member may see",
        errors=[{"field": "post_id", **at, "detail": "unknown, deleted or hidden"}],
    )


def not_the_author(post_id: str, member: str) -> Problem:
    detail = f"post {post_id!r} is not {member!r}'s own"
    return Problem(
        403,
        "not_the_author",
        detail,
        errors=[{"field": "post_id", "parameter": "post_id", "detail": detail}],
    )


async def post_author(
    model: FeedReadModel, issued: IssuedPosts, post_id: str
) -> tuple[str, bool] | None:
    """(author, deleted) of the post, waiting for one the gateway just issued."""
    found = await model.post_author(post_id)
    if found is not None:
        return found
    fresh = await issued.issued(post_id)
    if fresh is None:
        return None
    return await shown_within(lambda: model.post_author(post_id), fresh.wait_left_s)


async def own_post_author(
    model: FeedReadModel, issued: IssuedPosts, member: str, post_id: str
) -> str:
    """`member` if the post is theirs and not deleted; else 404 or 403
    not_the_author. Another's fresh post is refused without waiting."""
    found = await model.post_author(post_id)
    if found is None:
        fresh = await issued.issued(post_id)
        if fresh is None:
            raise unknown_post(post_id)
        if fresh.author != member:
            raise not_the_author(post_id, member)
        found = await shown_within(lambda: model.post_author(post_id), fresh.wait_left_s)
    if found is None or found[1]:
        raise unknown_post(post_id)
    if found[0] != member:
        raise not_the_author(post_id, member)
    return member


async def seen_author(
    model: FeedReadModel, issued: IssuedPosts, member: str, post_id: str, *, where: str
) -> str:
    """The author of a post `member` may see (directly), else a 404 naming `post_id`."""
    found = await post_author(model, issued, post_id)
    if found is None or found[1]:
        raise unknown_post(post_id, where)
    author = found[0]
    if author != member:
        blocks, blocked = await model.blocks_between(member, author)
        pairs = {(member, author)} if blocks else set()
        if blocked:
            pairs.add((author, member))
        if not may_see(Blocks.of(pairs), member, author, Route.DIRECT):
            raise unknown_post(post_id, where)
    return author


async def seen_post(
    model: FeedReadModel, issued: IssuedPosts, member: str, post_id: str
) -> dict[str, Any]:
    """The post as `member` may see it (body and counts), else 404."""
    await seen_author(model, issued, member, post_id, where="path")
    post = await model.post(post_id)
    if post is None:
        raise unknown_post(post_id)
    return post
