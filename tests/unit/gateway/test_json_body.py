"""Hostile bodies: what is not one JSON object is a clear 4xx, never a 500."""

from __future__ import annotations

import pytest

from gateway.json_body import check_media_type, parse_object
from gateway.problems import Problem


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"{'single': 'quotes'}",
        b'{"amount": 5',
        b'{"amount": NaN}',
        b'{"amount": Infinity}',
        b"\xff\xfe\x00garbage",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
        b'{"amount": "\\ud800"}',
    ],
)
def test_malformed_json_is_400(raw: bytes) -> None:
    with pytest.raises(Problem) as caught:
        parse_object(raw)
    assert caught.value.status == 400
    assert caught.value.slug == "malformed-json"


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"text"', b"42", b"null"])
def test_json_that_is_not_an_object_is_422(raw: bytes) -> None:
    with pytest.raises(Problem) as caught:
        parse_object(raw)
    assert caught.value.status == 422
    assert caught.value.errors[0]["pointer"] == "#"


def test_big_integers_parse_exactly_for_the_model_to_bound() -> None:
    assert parse_object(b'{"amount": 123456789012345678901234567890}') == {
        "amount": 123456789012345678901234567890
    }


def test_empty_body_may_stand_for_an_empty_object() -> None:
    assert parse_object(b"  ", empty_is={}) == {}
    with pytest.raises(Problem):
        parse_object(b"")


@pytest.mark.parametrize("media", [None, "application/json", "application/json; charset=utf-8",
                                   "application/merge-patch+json"])  # fmt: skip
def test_json_media_types_pass(media: str | None) -> None:
    check_media_type(media)


@pytest.mark.parametrize("media", ["text/plain", "application/x-www-form-urlencoded"])
def test_other_media_types_are_415(media: str) -> None:
    with pytest.raises(Problem) as caught:
        check_media_type(media)
    assert caught.value.status == 415
