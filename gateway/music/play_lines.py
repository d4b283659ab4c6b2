"""A plays request's lines, checked and turned into records' fields: pure.

One validation pass over the whole list (pydantic-core, in Rust): when every
play is valid, that is all; when some are not, their indexes come from the
errors' locations and only the others are validated again, so a bad play
fails alone. A record's fields are built as plain dicts and encoded without
a model (SchemaRegistry.encode_fields): the request's bounds are the
records', so a valid play is a valid record by construction, and the hot
path builds no pydantic object per play beyond the request's own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError

from gateway.music.read_model import TrackStamp
from gateway.music.requests import PlayRequest
from gateway.problems import Problem
from schemas.envelope import Record
from schemas.music.ids import UNKNOWN_COUNTRY
from schemas.music.plays import PlayEnded, PlaySkipped, PlayStarted

_PLAYS = TypeAdapter(list[PlayRequest])
_ENDS: dict[str, type[Record]] = {"ended": PlayEnded, "skipped": PlaySkipped}


def _pointer(loc: Sequence[Any]) -> str:
    return "#/plays/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in loc)


def _invalid(index: int, errors: list[dict[str, Any]]) -> Problem:
    names = ", ".join(e["field"] for e in errors)
    return Problem(422, "validation", f"invalid play {index}: {names}", errors=errors)


def checked_plays(raw: list[Any]) -> tuple[list[tuple[int, PlayRequest]], dict[int, Problem]]:
    """The valid plays with their index, and a 422 per invalid one naming its fields."""
    try:
        return list(enumerate(_PLAYS.validate_python(raw))), {}
    except ValidationError as exc:
        failed: dict[int, list[dict[str, Any]]] = {}
        for err in exc.errors(include_url=False, include_input=False):
            index = err["loc"][0]
            failed.setdefault(int(index), []).append(
                {
                    "pointer": _pointer(err["loc"]),
                    "field": ".".join(str(p) for p in ("plays", *err["loc"])),
                    "detail": err["msg"],
                    "code": err["type"],
                }
            )
    kept = [i for i in range(len(raw)) if i not in failed]
    plays = _PLAYS.validate_python([raw[i] for i in kept])
    problems = {i: _invalid(i, errors) for i, errors in failed.items()}
    return list(zip(kept, plays, strict=True)), problems


def missing_ms_played(index: int) -> Problem:
    return _invalid(
        index,
        [
            {
                "pointer": f"#/plays/{index}/ms_played",
                "field": f"plays.{index}.ms_played",
                "detail": "an ended or skipped play says how long it played",
                "code": "missing",
            }
        ],
    )


def foreign_listener(index: int, listener: str, granted: frozenset[str]) -> Problem:
    detail = f"this key acts for listeners {sorted(granted)}; not for {listener!r}"
    return Problem(
        403,
        "foreign-listener",
        detail,
        errors=[{"pointer": f"#/plays/{index}/listener", "field": f"plays.{index}.listener",
                 "detail": detail}],
    )  # fmt: skip


def play_record(
    play: PlayRequest, stamps: Mapping[str, TrackStamp]
) -> tuple[type[Record], dict[str, Any]]:
    """The play's record type and payload; an end's carries its track's stamp
    (None for a track the catalog lacks: the stage decides unknown_track)."""
    if play.kind == "started":
        return PlayStarted, {
            "listener": play.listener,
            "track_id": play.track_id,
            "started_at_ms": play.started_at_ms,
            "context": play.context or "other",
            "context_id": play.context_id or "",
            "device": play.device or "other",
            "country": play.country or UNKNOWN_COUNTRY,
        }
    stamp = stamps.get(play.track_id)
    return _ENDS[play.kind], {
        "listener": play.listener,
        "track_id": play.track_id,
        "started_at_ms": play.started_at_ms,
        "ms_played": play.ms_played,
        "context": play.context,
        "context_id": play.context_id,
        "device": play.device,
        "country": play.country,
        "duration_ms": None if stamp is None else stamp.duration_ms,
        "artist_id": None if stamp is None else stamp.artist_id,
    }


def envelope(
    model: type[Record],
    *,
    event_id: str,
    key: str,
    producer: str,
    correlation_id: str | None,
    recorded_at: int,
) -> dict[str, Any]:
    """The envelope of a play (streams/sealing.build_record's, as a dict)."""
    return {
        "event_id": event_id,
        "type": model.schema_name,
        "schema_version": model.schema_version,
        "occurred_at": recorded_at,
        "recorded_at": recorded_at,
        "producer": producer,
        "key": key,
        "correlation_id": correlation_id or event_id,
        "causation_id": None,
    }
