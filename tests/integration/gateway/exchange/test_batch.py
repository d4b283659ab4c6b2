"""NDJSON batch: every good line is produced, a bad line fails alone."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from schemas import exchange as ex
from tests.integration.gateway.conftest import Gateway, problem, read_record, unique

pytestmark = pytest.mark.integration

NDJSON = {"Content-Type": "application/x-ndjson"}


def ndjson(*lines: Any) -> bytes:
    return b"\n".join(
        line if isinstance(line, bytes) else json.dumps(line).encode() for line in lines
    )


def results(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


async def test_a_bad_line_in_the_middle_does_not_stop_the_good_ones(gateway: Gateway) -> None:
    account = unique()
    body = ndjson(
        {"command": "deposit", "account_id": account, "amount": 1000},
        {"command": "place_order", "account_id": account, "client_order_id": "b-1",
         "symbol": "ACME", "side": "buy", "type": "limit", "quantity": -1, "price": 5},
        b"{not json",
        {"command": "launch_rocket", "account_id": account},
        {"command": "place_order", "account_id": account, "client_order_id": "b-2",
         "symbol": "ACME", "side": "buy", "type": "limit", "quantity": 2, "price": 5},
    )  # fmt: skip
    response = await gateway.client.post(
        "/v1/exchange/batch", content=body, headers={**gateway.key(), **NDJSON}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = results(response.text)
    assert [r["line"] for r in lines] == [1, 2, 3, 4, 5]
    assert [r["status"] for r in lines] == [202, 422, 400, 422, 202]
    assert lines[1]["error"]["errors"][0]["pointer"] == "#/quantity"
    assert lines[3]["error"]["errors"][0]["pointer"] == "#/command"

    _, deposit = read_record(gateway.settings, lines[0]["topic"], lines[0]["partition"],
                             lines[0]["offset"])  # fmt: skip
    assert isinstance(deposit, ex.DepositCash) and deposit.amount == 1000
    _, order = read_record(gateway.settings, lines[4]["topic"], lines[4]["partition"],
                           lines[4]["offset"])  # fmt: skip
    assert isinstance(order, ex.PlaceOrder)
    assert (order.client_order_id, order.order_id) == ("b-2", lines[4]["order_id"])
    # One account, one partition: the log keeps the batch's order.
    assert lines[4]["partition"] == lines[0]["partition"]
    assert lines[4]["offset"] > lines[0]["offset"]


async def test_admin_lines_need_the_admin_scope(gateway: Gateway) -> None:
    account = unique()
    body = ndjson(
        {"command": "halt", "symbol": "ACME", "reason": "test"},
        {"command": "withdraw", "account_id": account, "amount": 1},
    )
    trader = gateway.key(("exchange:write",), accounts=(account,))
    response = await gateway.client.post(
        "/v1/exchange/batch", content=body, headers={**trader, **NDJSON}
    )
    assert [r["status"] for r in results(response.text)] == [403, 202]


async def test_path_parameters_missing_from_a_line_are_named(gateway: Gateway) -> None:
    body = ndjson({"command": "cancel_order", "account_id": unique()})
    response = await gateway.client.post(
        "/v1/exchange/batch", content=body, headers={**gateway.key(), **NDJSON}
    )
    (line,) = results(response.text)
    assert line["status"] == 422
    assert line["error"]["errors"][0]["pointer"] == "#/order_id"


async def test_empty_batch_and_idempotency_key_are_refused(gateway: Gateway) -> None:
    empty = await gateway.client.post(
        "/v1/exchange/batch", content=b"\n\n", headers={**gateway.key(), **NDJSON}
    )
    assert empty.status_code == 400
    problem(empty)
    keyed = await gateway.client.post(
        "/v1/exchange/batch",
        content=ndjson({"command": "deposit", "account_id": unique(), "amount": 1}),
        headers={**gateway.key(), **NDJSON, "Idempotency-Key": "k"},
    )
    assert keyed.status_code == 400
    problem(keyed)


async def test_batch_needs_a_key(gateway: Gateway) -> None:
    response = await gateway.client.post("/v1/exchange/batch", content=b"{}", headers=NDJSON)
    assert response.status_code == 401


async def test_a_batch_is_produced_without_a_task_per_line(gateway: Gateway) -> None:
    loop = asyncio.get_running_loop()
    tasks = 0

    def counting_factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> Any:
        nonlocal tasks
        tasks += 1
        return asyncio.Task(coro, loop=loop, **kwargs)

    account = unique()
    body = ndjson(
        *({"command": "deposit", "account_id": account, "amount": n} for n in range(1, 501))
    )
    loop.set_task_factory(counting_factory)
    try:
        response = await gateway.client.post(
            "/v1/exchange/batch", content=body, headers={**gateway.key(), **NDJSON}
        )
    finally:
        loop.set_task_factory(None)
    lines = results(response.text)
    assert [r["status"] for r in lines] == [202] * 500
    # One account, one partition: the log keeps the batch's order, each line once.
    offsets = [r["offset"] for r in lines]
    assert offsets == list(range(offsets[0], offsets[0] + 500))
    assert tasks < 10, tasks
