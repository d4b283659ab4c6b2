"""202 means Kafka has it: each command read back from the log, envelope and all."""

from __future__ import annotations

import time
from typing import Any

import pytest

from schemas import exchange as ex
from schemas.ulid import is_ulid
from tests.integration.gateway.conftest import Gateway, read_record, unique, unique_symbol

pytestmark = pytest.mark.integration


async def accepted(
    gateway: Gateway, method: str, path: str, body: Any, **kw: Any
) -> dict[str, Any]:
    headers = kw.pop("headers", None) or gateway.key()
    response = await gateway.client.request(method, path, json=body, headers=headers, **kw)
    assert response.status_code == 202, response.text
    answer = response.json()
    assert is_ulid(answer["event_id"])
    assert isinstance(answer["partition"], int) and isinstance(answer["offset"], int)
    return dict(answer)


async def test_deposit_is_on_the_log_with_a_complete_envelope(gateway: Gateway) -> None:
    account = unique()
    headers = {**gateway.key(), "X-Correlation-Id": "corr-" + account}
    before = time.time_ns() // 1000
    answer = await accepted(
        gateway, "POST", f"/v1/exchange/accounts/{account}/deposits", {"amount": 12_500},
        headers=headers,
    )  # fmt: skip
    assert answer["topic"] == "exchange.commands"
    key, record = read_record(
        gateway.settings, answer["topic"], answer["partition"], answer["offset"]
    )
    assert isinstance(record, ex.DepositCash)
    assert key == account.encode()
    assert (record.account_id, record.amount) == (account, 12_500)
    env = record.envelope
    assert env.event_id == answer["event_id"]
    assert env.type == "onelog.exchange.DepositCash" and env.schema_version == 1
    assert before <= env.recorded_at <= time.time_ns() // 1000
    assert env.occurred_at == env.recorded_at
    assert env.producer == headers["Authorization"].split()[1].split(".")[0]
    assert env.key == account
    assert env.correlation_id == "corr-" + account
    assert env.causation_id is None


async def test_place_limit_order_gets_an_order_id(gateway: Gateway) -> None:
    account, symbol = unique(), unique_symbol()
    body = {
        "account_id": account, "client_order_id": "c-1", "symbol": symbol, "side": "sell",
        "type": "limit", "time_in_force": "IOC", "quantity": 30, "price": 1999,
        "occurred_at": 1_700_000_000_000_000,
    }  # fmt: skip
    answer = await accepted(gateway, "POST", "/v1/exchange/orders", body)
    assert is_ulid(answer["order_id"]) and answer["order_id"] != answer["event_id"]
    _, record = read_record(
        gateway.settings, "exchange.commands", answer["partition"], answer["offset"]
    )
    assert isinstance(record, ex.PlaceOrder)
    assert record.order_id == answer["order_id"]
    assert (record.order_type, record.time_in_force, record.side) == ("limit", "IOC", "sell")
    assert (record.quantity, record.price, record.cash_limit) == (30, 1999, None)
    assert record.envelope.occurred_at == 1_700_000_000_000_000
    assert record.envelope.correlation_id == record.envelope.event_id
    assert record.envelope.key == account


async def test_market_buy_carries_its_cash_limit(gateway: Gateway) -> None:
    body = {
        "account_id": unique(), "client_order_id": "m-1", "symbol": unique_symbol(),
        "side": "buy", "type": "market", "time_in_force": "IOC", "quantity": 3,
        "cash_limit": 10_000,
    }  # fmt: skip
    answer = await accepted(gateway, "POST", "/v1/exchange/orders", body)
    _, record = read_record(
        gateway.settings, "exchange.commands", answer["partition"], answer["offset"]
    )
    assert isinstance(record, ex.PlaceOrder)
    assert (record.order_type, record.price, record.cash_limit) == ("market", None, 10_000)


@pytest.mark.parametrize("where", ["body", "query"])
async def test_cancel_takes_account_from_body_or_query(gateway: Gateway, where: str) -> None:
    account = unique()
    order_id = "01J0000000000000000000000Z"
    path = f"/v1/exchange/orders/{order_id}"
    if where == "body":
        answer = await accepted(gateway, "DELETE", path, {"account_id": account})
    else:
        response = await gateway.client.delete(
            path, params={"account_id": account}, headers=gateway.key()
        )
        assert response.status_code == 202, response.text
        answer = response.json()
    _, record = read_record(
        gateway.settings, "exchange.commands", answer["partition"], answer["offset"]
    )
    assert isinstance(record, ex.CancelOrder)
    assert (record.account_id, record.order_id) == (account, order_id)


@pytest.mark.parametrize(
    ("suffix", "body", "model", "fields"),
    [
        ("withdrawals", {"amount": 7}, ex.WithdrawCash, {"amount": 7}),
        (
            "share-transfers",
            {"symbol": "ACME", "quantity": 40, "direction": "in"},
            ex.TransferShares,
            {"symbol": "ACME", "quantity": 40, "direction": "in"},
        ),
    ],
)
async def test_account_commands(
    gateway: Gateway, suffix: str, body: dict[str, Any], model: type, fields: dict[str, Any]
) -> None:
    account = unique()
    answer = await accepted(gateway, "POST", f"/v1/exchange/accounts/{account}/{suffix}", body)
    _, record = read_record(
        gateway.settings, "exchange.commands", answer["partition"], answer["offset"]
    )
    assert isinstance(record, model)
    assert record.model_dump(include=set(fields)) == fields
    assert record.envelope.key == account


async def test_admin_commands_go_to_the_admin_topic_keyed_by_symbol(gateway: Gateway) -> None:
    symbol = unique_symbol()
    admin = gateway.key(("exchange:admin",))
    steps = [
        ("/v1/exchange/instruments", {"symbol": symbol, "tick_size": 5, "lot_size": 10},
         ex.ListInstrument),
        (f"/v1/exchange/instruments/{symbol}/halt", {"reason": "news pending ☂"}, ex.HaltSymbol),
        (f"/v1/exchange/instruments/{symbol}/resume", None, ex.ResumeSymbol),
    ]  # fmt: skip
    for path, body, model in steps:
        if body is None:
            response = await gateway.client.post(path, headers=admin)
            assert response.status_code == 202, response.text
            answer = response.json()
        else:
            answer = await accepted(gateway, "POST", path, body, headers=admin)
        assert answer["topic"] == "exchange.admin"
        key, record = read_record(
            gateway.settings, "exchange.admin", answer["partition"], answer["offset"]
        )
        assert isinstance(record, model)
        assert key == symbol.encode() and record.envelope.key == symbol
    assert isinstance(record, ex.ResumeSymbol)
