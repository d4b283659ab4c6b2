"""The feed's write routes: the shared write path (gateway/writes.py) with
what only the gateway knows checked or resolved.

1. The acting member: {member} in the path, which the key must act for
   (gateway/access.py: 403 naming `member`).
2. An edit or a delete names a post: unknown or deleted is a 404 naming
   `post_id`, another member's a 403 `not_the_author` naming it.
3. A reaction (like, unlike, share, comment) needs the post's author, the
   record's routing to the post's partition: it joins from the read model,
   and a post unknown, deleted or hidden from the member by a block is a 404.
4. A post id a 202 tells is remembered with its author (gateway/feed/issued.py)
   before the 202 is answered, so the next request on it waits for the
   projector instead of a 404.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from pydantic import BaseModel
from redis.exceptions import RedisError
from starlette.requests import Request
from starlette.responses import Response

from gateway.access import acts_for_command
from gateway.auth import ApiKey, authenticate
from gateway.command import Command
from gateway.feed.commands import ON_OWN_POST, REACTIONS
from gateway.feed.read_model import (
    feed_read_model,
    issued_posts,
    own_post_author,
    seen_author,
)
from gateway.json_body import check_media_type, parse_object
from gateway.operation import Endpoint
from gateway.services import Services
from gateway.writes import validate, write_command

log = logging.getLogger(__name__)


async def authorize(
    services: Services,
    key: ApiKey,
    command: Command,
    request_model: Any,
    path_model: BaseModel | None,
    *,
    path_in_body: bool,
) -> None:
    """The key acts for the member; an edit or delete is of the member's own post."""
    acts_for_command(key, command, request_model, path_model, path_in_body=path_in_body)
    if command.name in ON_OWN_POST:
        member = str(getattr(path_model, "member"))  # noqa: B009
        post_id = str(getattr(path_model, "post_id"))  # noqa: B009
        await own_post_author(feed_read_model(services), issued_posts(services), member, post_id)


async def reaction_author(
    services: Services, request_model: Any, path_model: BaseModel | None
) -> dict[str, Any]:
    """The post's author, for a reaction's record (404 if the member may not see it)."""
    member = str(getattr(path_model, "member"))  # noqa: B009
    in_path = hasattr(path_model, "post_id")
    post_id = str(getattr(path_model if in_path else request_model, "post_id"))  # noqa: B009
    author = await seen_author(
        feed_read_model(services),
        issued_posts(services),
        member,
        post_id,
        where="path" if in_path else "body",
    )
    return {"author": author}


async def _remember_post(services: Services, author: str, accepted: Response) -> None:
    """Kafka already has the post, so a Redis failure must not turn the 202
    into an error that invites a duplicate: a read of the id then answers
    404 until the projector writes it, and the client asks again."""
    if accepted.status_code != 202:
        return
    post_id = orjson.loads(bytes(accepted.body)).get("post_id")
    if not isinstance(post_id, str):
        return
    try:
        await issued_posts(services).remember(post_id, author)
    except RedisError as exc:
        log.warning("could not remember issued post %s: %s", post_id, exc)


def feed_command_endpoint(command: Command) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        services: Services = request.state.services
        key = authenticate(request, services.api_keys, command.scope)
        check_media_type(request.headers.get("content-type"))
        body = parse_object(await request.body(), empty_is={})
        request_model, path_model = validate(command, body, request.path_params, path_in_body=False)
        await authorize(services, key, command, request_model, path_model, path_in_body=False)
        resolved = (
            await reaction_author(services, request_model, path_model)
            if command.name in REACTIONS
            else None
        )
        response = await write_command(
            request, services, key, command, body, request_model, path_model, resolved
        )
        if "post_id" in command.assigns:
            await _remember_post(services, str(getattr(path_model, "member")), response)  # noqa: B009
        return response

    endpoint.__name__ = command.name
    endpoint.__doc__ = command.summary
    return endpoint
