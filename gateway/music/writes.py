"""The music service's write routes: the shared write path (gateway/writes.py)
with what only the gateway knows checked or resolved.

1. The acting listener (the body's `listener`, or the path's): the key must
   act for them (gateway/access.py: 403 naming `listener`).
2. A playlist the read model knows: an owner's command from anyone else, or
   an item edit from neither the owner nor a collaborator, is a 403
   `not-allowed` naming `listener`. A playlist the read model does not know
   yet (created a moment ago) goes to the playlist stage, which decides
   from its own state (PlaylistCommandRejected not_found / not_allowed).
3. AddTracks: each item gets its id (a ULID) and the track's duration from
   the catalog read model (None when it lacks the track: the stage refuses
   the command as unknown_track, so a replay decides the same); the 202
   tells the item ids.
4. A follow with a share token: the token's MAC is checked
   (gateway/music/share_tokens.py) and only its token id goes into the
   record; a forged token is a 403 naming `share_token`. A share link's 202
   tells the token, computed again from the token id, so a replayed answer
   tells it too and no secret is stored.
5. If-Match: the playlist's version the client last saw
   (`"3"`, `3` or `W/"3"`) becomes `expected_version`; a stale one is
   refused by the stage as version_conflict.
"""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from gateway.access import acts_for_command
from gateway.auth import ApiKey, authenticate
from gateway.command import Command
from gateway.json_body import check_media_type, parse_object
from gateway.json_response import JSONResponse
from gateway.music import GATEWAY
from gateway.music.commands import CREATE_SHARE_LINK, EDITORS, FOLLOW_PLAYLIST, OWNERS
from gateway.music.read_model import MusicReadModel
from gateway.music.share_tokens import share_key, share_token, token_id_of
from gateway.operation import Endpoint
from gateway.problems import Problem
from gateway.services import Services
from gateway.writes import validate, write_command
from streams.sealing import new_event_id, now_micros


def music_read_model(services: Services) -> MusicReadModel:
    model = services.read_models.get(GATEWAY.name)
    if not isinstance(model, MusicReadModel):
        raise Problem(
            503,
            "read-model-unavailable",
            "the music read model is not running in this gateway",
            headers={"Retry-After": str(services.config.unavailable_retry_after_s)},
        )
    return model


def not_allowed(listener: str, why: str) -> Problem:
    detail = f"listener {listener!r} {why}"
    return Problem(403, "not-allowed", detail, errors=[{"field": "listener", "detail": detail}])


def expected_version(if_match: str | None) -> int | None:
    """If-Match as a playlist version, or a 400 naming the header."""
    if if_match is None:
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isdigit() or len(text) > 15:
        raise Problem(
            400,
            "invalid-if-match",
            'If-Match must be the playlist\'s version, e.g. "3"',
            errors=[{"parameter": "If-Match", "detail": "not a version"}],
        )
    return int(text)


async def authorize(
    services: Services,
    key: ApiKey,
    command: Command,
    request_model: Any,
    path_model: BaseModel | None,
    *,
    path_in_body: bool,
) -> None:
    """The key acts for the listener; the read model's playlist lets them act."""
    acts_for_command(key, command, request_model, path_model, path_in_body=path_in_body)
    if command.name not in OWNERS and command.name not in EDITORS:
        return
    playlist_id = str(getattr(path_model, "playlist_id"))  # noqa: B009
    listener = str(request_model.listener)
    access = await music_read_model(services).playlist_access(playlist_id)
    if access is None:
        return
    leaving = getattr(path_model, "collaborator", None) == listener
    if command.name in OWNERS and listener != access.owner and not leaving:
        raise not_allowed(listener, f"is not the owner of playlist {playlist_id!r}")
    if command.name in EDITORS and not access.edits(listener):
        raise not_allowed(listener, f"neither owns nor edits playlist {playlist_id!r}")


async def _added_items(services: Services, track_ids: list[str]) -> list[dict[str, Any]]:
    stamps = await music_read_model(services).track_stamps(track_ids)
    now = now_micros()
    return [
        {
            "item_id": new_event_id(now),
            "track_id": track_id,
            "duration_ms": stamps[track_id].duration_ms if track_id in stamps else None,
        }
        for track_id in track_ids
    ]


async def _followed_link(services: Services, playlist_id: str, token: str) -> str:
    token_id = token_id_of(share_key(services.settings), playlist_id, token)
    if token_id is None:
        detail = "not a share token of this playlist"
        raise Problem(
            403,
            "invalid-share-token",
            detail,
            errors=[{"field": "share_token", "pointer": "#/share_token", "detail": detail}],
        )
    return token_id


async def resolve(
    services: Services, command: Command, request_model: Any, path_model: BaseModel | None,
    if_match: str | None,
) -> dict[str, Any]:  # fmt: skip
    """The fields the gateway adds to the record (and tells in the answer)."""
    resolved: dict[str, Any] = {}
    version = expected_version(if_match)
    if version is not None:
        resolved["expected_version"] = version
    if command.name == "add_tracks":
        resolved["items"] = await _added_items(services, list(request_model.track_ids))
    if command.name == FOLLOW_PLAYLIST.name and request_model.share_token is not None:
        playlist_id = str(getattr(path_model, "playlist_id"))  # noqa: B009
        resolved["token_id"] = await _followed_link(
            services, playlist_id, request_model.share_token
        )
    return resolved


def _with_share_token(services: Services, playlist_id: str, accepted: Response) -> Response:
    if accepted.status_code != 202:
        return accepted
    body = orjson.loads(bytes(accepted.body))
    token_id = body.get("token_id")
    if not isinstance(token_id, str):
        return accepted
    body["share_token"] = share_token(share_key(services.settings), playlist_id, token_id)
    headers = {k: v for k, v in accepted.headers.items() if k.lower() == "idempotent-replayed"}
    return JSONResponse(body, 202, headers=headers)


def music_command_endpoint(command: Command) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        services: Services = request.state.services
        key = authenticate(request, services.api_keys, command.scope)
        check_media_type(request.headers.get("content-type"))
        body = parse_object(await request.body(), empty_is={})
        # A deletion's cut is a query parameter: validated with the path's.
        path = dict(request.path_params)
        path.update(
            (f, v)
            for f, v in request.query_params.items()
            if f in command.path_fields and f not in path
        )
        request_model, path_model = validate(command, body, path, path_in_body=False)
        await authorize(services, key, command, request_model, path_model, path_in_body=False)
        resolved = await resolve(
            services, command, request_model, path_model, request.headers.get("if-match")
        )
        response = await write_command(
            request, services, key, command, body, request_model, path_model, resolved or None
        )
        if command.name == CREATE_SHARE_LINK.name:
            playlist_id = str(getattr(path_model, "playlist_id"))  # noqa: B009
            response = _with_share_token(services, playlist_id, response)
        return response

    endpoint.__name__ = command.name
    endpoint.__doc__ = command.summary
    return endpoint
