"""A plays request's lines: one pass when all are valid, a bad play failing
alone and named by index and field, and the records they become."""

from __future__ import annotations

from typing import Any

from gateway.music.play_lines import (
    checked_plays,
    envelope,
    foreign_listener,
    missing_ms_played,
    play_record,
)
from gateway.music.read_model import TrackStamp
from gateway.music.requests import PlayRequest
from schemas.music.plays import PlayEnded, PlaySkipped, PlayStarted
from schemas.registry import registry


def _play(**fields: Any) -> dict[str, Any]:
    return {
        "listener": "ann",
        "track_id": "t1",
        "started_at_ms": 1_700_000_000_000,
        "kind": "ended",
        "ms_played": 31_000,
        **fields,
    }


def test_every_valid_play_is_kept_in_order() -> None:
    raw = [_play(track_id=f"t{i}") for i in range(5)]
    valid, problems = checked_plays(raw)
    assert problems == {}
    assert [(i, p.track_id) for i, p in valid] == [(i, f"t{i}") for i in range(5)]


def test_a_bad_play_fails_alone_naming_its_index_and_field() -> None:
    raw = [_play(), _play(country="uk"), _play(track_id="a:b"), _play(extra=1), _play()]
    valid, problems = checked_plays(raw)
    assert [i for i, _ in valid] == [0, 4]
    assert sorted(problems) == [1, 2, 3]
    assert problems[1].status == 422
    assert [e["field"] for e in problems[1].errors] == ["plays.1.country"]
    assert problems[1].errors[0]["pointer"] == "#/plays/1/country"
    assert [e["field"] for e in problems[2].errors] == ["plays.2.track_id"]
    assert [e["field"] for e in problems[3].errors] == ["plays.3.extra"]


def test_a_play_that_is_not_an_object_is_named_too() -> None:
    valid, problems = checked_plays([_play(), "nope", None])
    assert [i for i, _ in valid] == [0]
    assert sorted(problems) == [1, 2]


def test_refusals_name_the_play() -> None:
    problem = foreign_listener(7, "bob", frozenset({"ann"}))
    assert problem.status == 403
    assert problem.errors[0]["pointer"] == "#/plays/7/listener"
    assert missing_ms_played(3).errors[0]["field"] == "plays.3.ms_played"


def _encoded(play: dict[str, Any], stamps: dict[str, TrackStamp]) -> Any:
    model, payload = play_record(PlayRequest.model_validate(play), stamps)
    payload["envelope"] = envelope(
        model, event_id="01J", key=play["listener"], producer="k", correlation_id=None,
        recorded_at=5,
    )  # fmt: skip
    return model, registry().decode(registry().encode_fields(model, payload))


def test_an_end_is_stamped_from_the_catalog_and_encodes() -> None:
    model, record = _encoded(_play(), {"t1": TrackStamp(200_000, "art1")})
    assert model is PlayEnded
    assert isinstance(record, PlayEnded)
    assert (record.duration_ms, record.artist_id) == (200_000, "art1")
    assert record.envelope.key == "ann"
    assert record.envelope.correlation_id == "01J"


def test_an_unknown_track_is_stamped_none_for_the_stage_to_decide() -> None:
    _, record = _encoded(_play(kind="skipped", track_id="zz"), {})
    assert isinstance(record, PlaySkipped)
    assert (record.duration_ms, record.artist_id) == (None, None)


def test_a_start_takes_the_records_defaults() -> None:
    _, record = _encoded(_play(kind="started", ms_played=None), {})
    assert isinstance(record, PlayStarted)
    assert (record.context, record.device, record.country) == ("other", "other", "ZZ")
