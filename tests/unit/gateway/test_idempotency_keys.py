"""What makes two requests "the same", and how keys are scoped."""

from __future__ import annotations

import json

import pytest

from gateway.idempotency import request_fingerprint, storage_key, validate_idempotency_key
from gateway.problems import Problem


def test_fingerprint_ignores_key_order_and_whitespace() -> None:
    a = json.loads('{"amount": 5, "occurred_at": 7}')
    b = json.loads('{ "occurred_at":7,"amount":5 }')
    assert request_fingerprint("POST", "/p", a) == request_fingerprint("post", "/p", b)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/p", {"amount": 6}),
        ("POST", "/q", {"amount": 5}),
        ("DELETE", "/p", {"amount": 5}),
        ("POST", "/p", {"amount": "5"}),
        ("POST", "/p", {"amount": 5, "extra": None}),
    ],
)
def test_fingerprint_differs_for_another_request(method: str, path: str, body: object) -> None:
    assert request_fingerprint(method, path, body) != request_fingerprint(
        "POST", "/p", {"amount": 5}
    )


def test_storage_key_is_scoped_per_api_key_and_namespace_and_hides_the_key() -> None:
    key = storage_key("live", "trader-1", "retry-42")
    assert key.startswith("live:gateway:idem:trader-1:")
    assert "retry-42" not in key
    assert key != storage_key("live", "trader-2", "retry-42")
    assert key != storage_key("replay", "trader-1", "retry-42")
    assert key != storage_key("live", "trader-1", "retry-43")


@pytest.mark.parametrize("value", ["", " ", "x" * 256, "tab\there", "new\nline", "caf\u00e9"])
def test_bad_idempotency_keys_are_400(value: str) -> None:
    with pytest.raises(Problem) as caught:
        validate_idempotency_key(value)
    assert caught.value.status == 400


def test_a_uuid_is_a_fine_idempotency_key() -> None:
    assert validate_idempotency_key("6f1c2e0a-1b2c-4d5e-8f90-123456789abc")


@pytest.mark.parametrize("value", ["k", "retry 42", "x" * 255, "~!{}"])
def test_good_idempotency_keys_pass(value: str) -> None:
    assert validate_idempotency_key(value) == value
