"""Request bodies -> 422 problem details naming each field at fault."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.exchange.commands import BY_NAME
from gateway.problems import Problem
from gateway.writes import validate

LIMIT_BUY: dict[str, Any] = {
    "account_id": "alice",
    "client_order_id": "c-1",
    "symbol": "ACME",
    "side": "buy",
    "type": "limit",
    "time_in_force": "GTC",
    "quantity": 10,
    "price": 1250,
}


def problem_of(command: str, body: dict[str, Any], path: dict[str, Any] | None = None) -> Problem:
    with pytest.raises(Problem) as caught:
        validate(BY_NAME[command], body, path or {}, path_in_body=False)
    assert caught.value.status == 422
    return caught.value


def pointers(problem: Problem) -> set[str]:
    return {str(e.get("pointer") or e.get("parameter")) for e in problem.errors}


def test_a_valid_limit_order_passes() -> None:
    request, path = validate(BY_NAME["place_order"], LIMIT_BUY, {}, path_in_body=False)
    assert request.price == 1250 and path is None


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"quantity": -5}, "#/quantity"),
        ({"quantity": 0}, "#/quantity"),
        ({"quantity": 2**63}, "#/quantity"),
        ({"quantity": 10**400}, "#/quantity"),
        ({"quantity": "10"}, "#/quantity"),
        ({"quantity": 10.5}, "#/quantity"),
        ({"quantity": 2.0**53}, "#/quantity"),
        ({"quantity": True}, "#/quantity"),
        ({"quantity": {"$gt": 0}}, "#/quantity"),
        ({"price": None}, "#/price"),
        ({"side": "hold"}, "#/side"),
        ({"type": "stop"}, "#/type"),
        ({"time_in_force": "DAY"}, "#/time_in_force"),
        ({"symbol": "acme"}, "#/symbol"),
        ({"symbol": "A" * 17}, "#/symbol"),
        ({"account_id": "al ice"}, "#/account_id"),
        ({"account_id": "ali\u202ece"}, "#/account_id"),
        ({"client_order_id": "c\x00-1"}, "#/client_order_id"),
        ({"client_order_id": "c-\ud800"}, "#/client_order_id"),
        ({"client_order_id": ""}, "#/client_order_id"),
        ({"occurred_at": -1}, "#/occurred_at"),
        ({"unexpected": 1}, "#/unexpected"),
    ],
)
def test_each_bad_field_is_named(change: dict[str, Any], pointer: str) -> None:
    problem = problem_of("place_order", {**LIMIT_BUY, **change})
    assert pointers(problem) == {pointer}


def test_a_whole_number_written_with_a_fraction_is_an_integer() -> None:
    # JSON Schema calls 10.0 an integer, and /openapi.json says integer.
    body = {**LIMIT_BUY, "quantity": 10.0, "price": 1250.0, "occurred_at": 1.0}
    request, _ = validate(BY_NAME["place_order"], body, {}, path_in_body=False)
    assert (request.quantity, request.price, request.occurred_at) == (10, 1250, 1)
    assert all(type(n) is int for n in (request.quantity, request.price, request.occurred_at))


def test_missing_fields_are_all_named() -> None:
    problem = problem_of("place_order", {"account_id": "alice"})
    assert {"#/client_order_id", "#/symbol", "#/side", "#/type", "#/quantity"} <= pointers(problem)


def test_market_order_with_a_price_names_price() -> None:
    body = {**LIMIT_BUY, "type": "market", "time_in_force": "IOC", "cash_limit": 100}
    assert pointers(problem_of("place_order", body)) == {"#/price"}


def test_market_buy_needs_a_cash_limit() -> None:
    body = {**LIMIT_BUY, "type": "market", "price": None}
    assert pointers(problem_of("place_order", body)) == {"#/cash_limit"}


def test_cash_limit_is_refused_on_a_market_sell() -> None:
    body = {**LIMIT_BUY, "side": "sell", "type": "market", "price": None, "cash_limit": 5}
    assert pointers(problem_of("place_order", body)) == {"#/cash_limit"}


def test_market_sell_needs_neither_price_nor_cash_limit() -> None:
    body = {**LIMIT_BUY, "side": "sell", "type": "market", "price": None}
    request, _ = validate(BY_NAME["place_order"], body, {}, path_in_body=False)
    assert request.cash_limit is None


def test_path_parameters_are_named_as_parameters() -> None:
    problem = problem_of("deposit", {"amount": 5}, {"account_id": "bad/id"})
    assert problem.errors[0]["parameter"] == "account_id"


def test_body_and_path_errors_come_together() -> None:
    problem = problem_of("deposit", {"amount": -5}, {"account_id": "bad id"})
    assert pointers(problem) == {"account_id", "#/amount"}


def test_cancel_needs_a_ulid_order_id() -> None:
    problem = problem_of("cancel_order", {"account_id": "alice"}, {"order_id": "not-a-ulid"})
    assert pointers(problem) == {"order_id"}


def test_problem_body_is_rfc9457() -> None:
    body = problem_of("deposit", {"amount": "lots"}, {"account_id": "alice"}).body("/x")
    assert body["status"] == 422
    assert body["type"].endswith("/validation")
    assert body["instance"] == "/x"
    assert body["errors"][0]["pointer"] == "#/amount"
    assert "amount" in body["detail"]
