"""Every way a request is refused is a problem+json 4xx that says why."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from tests.integration.gateway.conftest import Gateway, problem, unique

pytestmark = pytest.mark.integration

LIMIT_ORDER = {
    "account_id": "alice", "client_order_id": "c-1", "symbol": "ACME", "side": "buy",
    "type": "limit", "time_in_force": "GTC", "quantity": 10, "price": 100,
}  # fmt: skip


async def test_422_names_the_field(gateway: Gateway) -> None:
    response = await gateway.client.post(
        "/v1/exchange/orders", json={**LIMIT_ORDER, "quantity": -3}, headers=gateway.key()
    )
    assert response.status_code == 422
    body = problem(response)
    assert [e["pointer"] for e in body["errors"]] == ["#/quantity"]
    assert "quantity" in body["detail"]


@pytest.mark.parametrize(
    ("raw", "status", "pointer"),
    [
        (b'{"amount": 99999999999999999999999999999999}', 422, "#/amount"),
        (b'{"amount": 1e400}', 422, "#/amount"),
        (b'{"amount": "100"}', 422, "#/amount"),
        (b'{"amount": [100]}', 422, "#/amount"),
        (b'{"amount": -100}', 422, "#/amount"),
        (b'{"amount": 100, "\\u0000\\u202e": 1}', 422, "#/\x00\u202e"),
        (b'{"amount": 100, "occurred_at": "yesterday"}', 422, "#/occurred_at"),
        (b"[1, 2, 3]", 422, "#"),
        ('{"amount": 100, "note": "\U0001f4a3\u0301\ufffd"}'.encode(), 422, "#/note"),
        (b"amount=100", 400, None),
        (b"\xc3\x28\xa0\xa1", 400, None),
        (b'{"amount": 100', 400, None),
        (b'{"a":' * 5000 + b"1" + b"}" * 5000, 400, None),
        (b"[" * 20000 + b"]" * 20000, 400, None),
    ],
)
async def test_hostile_bodies_get_a_clear_4xx(
    gateway: Gateway, raw: bytes, status: int, pointer: str | None
) -> None:
    response = await gateway.client.post(
        f"/v1/exchange/accounts/{unique()}/deposits",
        content=raw,
        headers={**gateway.key(), "Content-Type": "application/json"},
    )
    assert response.status_code == status, response.text
    body = problem(response)
    if pointer is not None:
        assert pointer in [e["pointer"] for e in body["errors"]]


async def test_a_non_json_media_type_is_415(gateway: Gateway) -> None:
    response = await gateway.client.post(
        f"/v1/exchange/accounts/{unique()}/deposits",
        content=b"amount=5",
        headers={**gateway.key(), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415
    problem(response)


async def test_bad_path_parameter_is_named(gateway: Gateway) -> None:
    response = await gateway.client.post(
        "/v1/exchange/accounts/%E2%80%AEevil%00/deposits", json={"amount": 5},
        headers=gateway.key(),
    )  # fmt: skip
    assert response.status_code == 422
    assert problem(response)["errors"][0]["parameter"] == "account_id"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer nobody.secret"},
        {"Authorization": "Bearer garbage"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"X-API-Key": "t-x.y"},
    ],
)
async def test_401_without_a_valid_key(gateway: Gateway, headers: dict[str, str]) -> None:
    response = await gateway.client.post(
        f"/v1/exchange/accounts/{unique()}/deposits", json={"amount": 5}, headers=headers
    )
    assert response.status_code == 401
    assert problem(response)["type"].endswith(("unauthenticated", "invalid-api-key"))
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_401_for_a_wrong_secret_does_not_echo_it(gateway: Gateway) -> None:
    key_id = gateway.key()["Authorization"].split()[1].split(".")[0]
    response = await gateway.client.post(
        f"/v1/exchange/accounts/{unique()}/deposits", json={"amount": 5},
        headers={"Authorization": f"Bearer {key_id}.not-the-secret-xyz"},
    )  # fmt: skip
    assert response.status_code == 401
    assert "not-the-secret-xyz" not in response.text


async def test_x_api_key_header_works_too(gateway: Gateway) -> None:
    secret = gateway.key()["Authorization"].split()[1]
    response = await gateway.client.post(
        f"/v1/exchange/accounts/{unique()}/deposits", json={"amount": 5},
        headers={"X-API-Key": secret},
    )  # fmt: skip
    assert response.status_code == 202, response.text


@pytest.mark.parametrize(
    ("scopes", "method", "path", "body"),
    [
        (("exchange:read",), "POST", "/v1/exchange/accounts/a/deposits", {"amount": 5}),
        (("exchange:write",), "POST", "/v1/exchange/instruments",
         {"symbol": "ACME", "tick_size": 1, "lot_size": 1}),
        (("exchange:admin",), "POST", "/v1/exchange/orders", LIMIT_ORDER),
        (("exchange:write",), "GET", "/v1/exchange/book/ACME", None),
    ],
)  # fmt: skip
async def test_403_for_the_wrong_scope(
    gateway: Gateway, scopes: tuple[str, ...], method: str, path: str, body: object
) -> None:
    response = await gateway.client.request(method, path, json=body, headers=gateway.key(scopes))
    assert response.status_code == 403
    assert "scope" in problem(response)["detail"]


async def test_413_for_a_declared_large_body(gateway: Gateway) -> None:
    big = json.dumps({"amount": 5, "pad": "x" * 100_000}).encode()
    response = await gateway.client.post(
        f"/v1/exchange/accounts/{unique()}/deposits", content=big,
        headers={**gateway.key(), "Content-Type": "application/json"},
    )  # fmt: skip
    assert response.status_code == 413
    problem(response)


async def test_413_for_a_streamed_large_body(gateway: Gateway) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"amount": 5, "pad": "'
        for _ in range(100):
            yield b"x" * 1024
        yield b'"}'

    response = await gateway.client.post(
        f"/v1/exchange/accounts/{unique()}/deposits", content=chunks(),
        headers={**gateway.key(), "Content-Type": "application/json"},
    )  # fmt: skip
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    problem(response)


async def test_unknown_route_and_method_are_problems(gateway: Gateway) -> None:
    missing = await gateway.client.get("/v1/exchange/nowhere")
    assert missing.status_code == 404
    problem(missing)
    wrong = await gateway.client.put("/v1/exchange/orders")
    assert wrong.status_code == 405
    problem(wrong)


async def test_rate_limit_answers_429_with_retry_after(gateway: Gateway) -> None:
    limited = gateway.key(rate_per_minute=6, burst=2)
    other = gateway.key(rate_per_minute=6, burst=2)
    path = f"/v1/exchange/accounts/{unique()}/deposits"
    statuses = [
        (await gateway.client.post(path, json={"amount": 1}, headers=limited)).status_code
        for _ in range(2)
    ]
    assert statuses == [202, 202]
    refused = await gateway.client.post(path, json={"amount": 1}, headers=limited)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 10
    problem(refused)
    # The limit is per key: another key is untouched.
    assert (await gateway.client.post(path, json={"amount": 1}, headers=other)).status_code == 202
