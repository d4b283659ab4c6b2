"""A key acts for its principal only: a trader's key on the accounts it was
granted, a learner's as that learner, an operator's for anyone. Every route
that names an account, an order, a learner or a submission refuses another
principal's with a 403 naming why, and allows the key's own.

Market data and problems stay readable by any key with the read scope.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from gateway.auth import create_api_key
from infra.settings import Settings
from schemas import exchange as ex
from schemas import judge as jd
from streams.sealing import new_event_id, now_micros
from tests.integration.gateway.conftest import Gateway, problem, sse_events, unique, unique_symbol
from tests.integration.gateway.exchange.test_reads import Market, listed_with_a_bid, market
from tests.integration.gateway.exchange.test_reads import fact as market_fact
from tests.integration.gateway.judge.test_routes import Projected, fact, projected, slug
from tests.unit.gateway.judge.test_requests import SUBMIT

pytestmark = pytest.mark.integration

__all__ = ["market", "projected"]  # the seeding fixtures, shared with their modules

TRADER = ("exchange:read", "exchange:write")
LEARNER = ("judge:read", "judge:write")
NDJSON = {"Content-Type": "application/x-ndjson"}
LIMIT = {"client_order_id": "c-1", "symbol": "ACME", "side": "buy", "type": "limit",
         "quantity": 1, "price": 100}  # fmt: skip


def refused_for(response: httpx.Response, other: str) -> dict[str, Any]:
    """The 403 of a key that does not act for `other`, naming it."""
    assert response.status_code == 403, response.text
    body = problem(response)
    assert f"not for {other!r}" in body["detail"], body
    return body


def account_requests(account: str) -> list[tuple[str, str, dict[str, Any], dict[str, str]]]:
    """(method, path, body, query) of every exchange command acting on `account`."""
    order_id = new_event_id(now_micros())
    return [
        ("POST", f"/v1/exchange/accounts/{account}/deposits", {"amount": 5}, {}),
        ("POST", f"/v1/exchange/accounts/{account}/withdrawals", {"amount": 5}, {}),
        ("POST", f"/v1/exchange/accounts/{account}/share-transfers",
         {"symbol": "ACME", "quantity": 1, "direction": "in"}, {}),
        ("POST", "/v1/exchange/orders", {**LIMIT, "account_id": account}, {}),
        ("DELETE", f"/v1/exchange/orders/{order_id}", {"account_id": account}, {}),
        ("DELETE", f"/v1/exchange/orders/{order_id}", {}, {"account_id": account}),
    ]  # fmt: skip


@pytest.mark.parametrize("command", range(6))
async def test_an_account_command_acts_for_the_keys_accounts_only(
    gateway: Gateway, command: int
) -> None:
    mine, theirs = unique(), unique()
    trader = gateway.key(TRADER, accounts=(mine,))
    method, path, body, query = account_requests(mine)[command]
    own = await gateway.client.request(method, path, json=body, params=query, headers=trader)
    assert own.status_code == 202, own.text

    method, path, body, query = account_requests(theirs)[command]
    other = await gateway.client.request(method, path, json=body, params=query, headers=trader)
    refusal = refused_for(other, theirs)
    assert refusal["errors"][0]["field"] == "account_id"
    assert repr(mine) in refusal["detail"]  # what the key does act for

    operator = gateway.key(("exchange:write", "exchange:operator"))
    anyone = await gateway.client.request(method, path, json=body, params=query, headers=operator)
    assert anyone.status_code != 403, anyone.text


async def test_a_key_without_a_principal_acts_for_no_account(gateway: Gateway) -> None:
    nobody = gateway.key(TRADER)
    account = unique()
    for method, path, body, query in account_requests(account):
        response = await gateway.client.request(
            method, path, json=body, params=query, headers=nobody
        )
        assert "acts for no account" in refused_for(response, account)["detail"]
    read = await gateway.client.get(f"/v1/exchange/accounts/{account}", headers=nobody)
    refused_for(read, account)


async def test_a_cancel_acts_on_the_orders_own_account(gateway: Gateway, market: Market) -> None:
    mine, theirs, symbol = unique(), unique(), unique_symbol()
    their_order, my_order = new_event_id(now_micros()), new_event_id(now_micros())
    market.apply(*listed_with_a_bid(symbol, theirs, their_order))
    market.apply(
        market_fact(ex.OrderRested, order_id=my_order, account_id=mine, symbol=symbol,
                    side="buy", price=100, quantity=1, seq=3),
    )  # fmt: skip
    trader = gateway.key(TRADER, accounts=(mine,))
    # The body names the key's own account, but the order is another's.
    path, named = f"/v1/exchange/orders/{their_order}", {"account_id": mine}
    for response in (
        await gateway.client.request("DELETE", path, json=named, headers=trader),
        await gateway.client.request("DELETE", path, params=named, headers=trader),
    ):
        body = refused_for(response, theirs)
        assert "the order's account" in body["detail"]
        assert body["errors"][0]["parameter"] == "order_id"
    own = await gateway.client.request(
        "DELETE", f"/v1/exchange/orders/{my_order}", json={"account_id": mine}, headers=trader
    )
    assert own.status_code == 202, own.text


async def test_a_batch_checks_the_account_of_every_line(gateway: Gateway, market: Market) -> None:
    mine, theirs, symbol = unique(), unique(), unique_symbol()
    their_order = new_event_id(now_micros())
    market.apply(*listed_with_a_bid(symbol, theirs, their_order))
    lines = [
        {"command": "deposit", "account_id": mine, "amount": 10},
        {"command": "deposit", "account_id": theirs, "amount": 10},
        {"command": "withdraw", "account_id": theirs, "amount": 10},
        {"command": "transfer_shares", "account_id": theirs, "symbol": "ACME", "quantity": 1,
         "direction": "in"},
        {"command": "place_order", **LIMIT, "account_id": theirs},
        {"command": "cancel_order", "account_id": theirs, "order_id": their_order},
        {"command": "cancel_order", "account_id": mine, "order_id": their_order},
        {"command": "place_order", **LIMIT, "account_id": mine},
    ]  # fmt: skip
    response = await gateway.client.post(
        "/v1/exchange/batch",
        content="".join(json.dumps(line) + "\n" for line in lines),
        headers={**gateway.key(TRADER, accounts=(mine,)), **NDJSON},
    )
    assert response.status_code == 200, response.text
    answers = [json.loads(line) for line in response.text.splitlines()]
    assert [a["status"] for a in answers] == [202, 403, 403, 403, 403, 403, 403, 202]
    for answer in answers[1:7]:
        assert f"not for {theirs!r}" in answer["error"]["detail"]
    assert answers[1]["error"]["errors"][0]["pointer"] == "#/account_id"
    assert answers[6]["error"]["errors"][0]["pointer"] == "#/order_id"


async def test_reads_of_an_account_and_an_order_are_the_owners(
    gateway: Gateway, market: Market
) -> None:
    mine, theirs, symbol = unique(), unique(), unique_symbol()
    my_order, their_order = new_event_id(now_micros()), new_event_id(now_micros())
    market.apply(*listed_with_a_bid(symbol, mine, my_order))
    market.apply(
        market_fact(ex.OrderRested, order_id=their_order, account_id=theirs, symbol=symbol,
                    side="sell", price=110, quantity=1, seq=3),
    )  # fmt: skip
    trader = gateway.key(("exchange:read",), accounts=(mine,))

    account = await gateway.client.get(f"/v1/exchange/accounts/{mine}", headers=trader)
    assert account.status_code == 200
    assert [o["order_id"] for o in account.json()["open_orders"]] == [my_order]
    other = await gateway.client.get(f"/v1/exchange/accounts/{theirs}", headers=trader)
    assert refused_for(other, theirs)["errors"][0]["parameter"] == "account_id"

    order = await gateway.client.get(f"/v1/exchange/orders/{my_order}", headers=trader)
    assert order.status_code == 200 and order.json()["account_id"] == mine
    other = await gateway.client.get(f"/v1/exchange/orders/{their_order}", headers=trader)
    body = refused_for(other, theirs)
    assert "the order's account" in body["detail"]
    assert body["errors"][0]["parameter"] == "order_id"

    operator = gateway.key(("exchange:read", "exchange:operator"))
    for path in (f"/v1/exchange/accounts/{theirs}", f"/v1/exchange/orders/{their_order}"):
        assert (await gateway.client.get(path, headers=operator)).status_code == 200


async def test_market_data_is_readable_by_any_reader(gateway: Gateway, market: Market) -> None:
    symbol = unique_symbol()
    market.apply(*listed_with_a_bid(symbol, unique(), new_event_id(now_micros())))
    reader = gateway.key(("exchange:read",))  # acts for no account
    for path in (f"/v1/exchange/book/{symbol}", f"/v1/exchange/trades/{symbol}"):
        assert (await gateway.client.get(path, headers=reader)).status_code == 200


async def test_the_market_stream_is_readable_by_any_reader(
    uvicorn_gateway: tuple[str, str], gateway_settings: Settings, market: Market
) -> None:
    url, _ = uvicorn_gateway
    symbol = unique_symbol()
    market.apply(*listed_with_a_bid(symbol, unique(), new_event_id(now_micros())))
    reader = create_api_key(gateway_settings.api_keys_file, unique("r"), ("exchange:read",))
    async with (
        httpx.AsyncClient(base_url=url, timeout=10) as client,
        client.stream("GET", f"/v1/exchange/market/{symbol}/stream",
                      headers={"Authorization": f"Bearer {reader}"}) as stream,
    ):  # fmt: skip
        assert stream.status_code == 200
        snapshot = await asyncio.wait_for(anext(sse_events(stream.aiter_lines())), 5)
        assert snapshot["event"] == "snapshot"


# --- the judge ---------------------------------------------------------------


async def test_runs_and_submissions_act_as_the_keys_learner(
    gateway: Gateway, projected: Projected
) -> None:
    problem_id, me, them = slug(), unique("u"), unique("u")
    projected.publish_problem(problem_id)
    learner = gateway.key(LEARNER, learner=me)
    body = SUBMIT | {"problem_id": problem_id}
    for path, extra in (("/v1/judge/runs", {"stdin": "1 2\n"}), ("/v1/judge/submissions", {})):
        own = await gateway.client.post(path, json=body | extra | {"user_id": me}, headers=learner)
        assert own.status_code == 202, own.text
        other = await gateway.client.post(
            path, json=body | extra | {"user_id": them}, headers=learner
        )
        body_403 = refused_for(other, them)
        assert body_403["errors"][0]["pointer"] == "#/user_id"
        assert repr(me) in body_403["detail"]
    operator = gateway.key(("judge:write", "judge:operator"))
    anyone = await gateway.client.post(
        "/v1/judge/submissions", json=body | {"user_id": them}, headers=operator
    )
    assert anyone.status_code == 202, anyone.text
    nobody = gateway.key(LEARNER)
    refused = await gateway.client.post(
        "/v1/judge/submissions", json=body | {"user_id": them}, headers=nobody
    )
    assert "acts for no learner" in refused_for(refused, them)["detail"]


async def test_progress_is_marked_and_read_by_its_learner(
    gateway: Gateway, projected: Projected
) -> None:
    problem_id, me, them = slug(), unique("u"), unique("u")
    projected.publish_problem(problem_id)
    learner = gateway.key(LEARNER, learner=me)
    mark = {"status": "completed"}
    own = await gateway.client.post(
        f"/v1/judge/users/{me}/progress/{problem_id}", json=mark, headers=learner
    )
    assert own.status_code == 202, own.text
    other = await gateway.client.post(
        f"/v1/judge/users/{them}/progress/{problem_id}", json=mark, headers=learner
    )
    assert refused_for(other, them)["errors"][0]["parameter"] == "user_id"

    read = await gateway.client.get(f"/v1/judge/users/{me}/progress", headers=learner)
    assert read.status_code == 200 and read.json()["user_id"] == me
    other = await gateway.client.get(f"/v1/judge/users/{them}/progress", headers=learner)
    assert refused_for(other, them)["errors"][0]["parameter"] == "user_id"


def judged_submission(projected: Projected, user: str) -> str:
    """A submission of `user`'s, judged, in the read model."""
    sid, problem_id = new_event_id(now_micros()), slug()
    projected.apply(
        fact(jd.SubmitSolution, user, submission_id=sid, user_id=user, problem_id=problem_id,
             problem_revision=1, language="python", source="x"),
        fact(jd.SubmissionJudged, user, submission_id=sid, user_id=user, problem_id=problem_id,
             problem_revision=1, language="python", mode="submit", verdict="accepted",
             passed=1, total=1, time_ms=5, memory_kb=1, message=""),
    )  # fmt: skip
    return sid


async def test_a_submission_and_its_stream_are_its_learners(
    gateway: Gateway, projected: Projected
) -> None:
    me, them = unique("u"), unique("u")
    mine, theirs = judged_submission(projected, me), judged_submission(projected, them)
    learner = gateway.key(("judge:read",), learner=me)

    own = await gateway.client.get(f"/v1/judge/submissions/{mine}", headers=learner)
    assert own.status_code == 200 and own.json()["user_id"] == me
    other = await gateway.client.get(f"/v1/judge/submissions/{theirs}", headers=learner)
    body = refused_for(other, them)
    assert "the submission's learner" in body["detail"]
    assert body["errors"][0]["parameter"] == "submission_id"

    # A judged submission's stream is its snapshot, then the end.
    async with gateway.client.stream(
        "GET", f"/v1/judge/submissions/{mine}/stream", headers=learner
    ) as stream:
        assert stream.status_code == 200
        events = [event async for event in sse_events(stream.aiter_lines())]
    assert [e["event"] for e in events] == ["snapshot"]
    assert json.loads(events[0]["data"])["user_id"] == me
    other = await gateway.client.get(f"/v1/judge/submissions/{theirs}/stream", headers=learner)
    refused_for(other, them)

    operator = gateway.key(("judge:read", "judge:operator"))
    anyone = await gateway.client.get(f"/v1/judge/submissions/{theirs}", headers=operator)
    assert anyone.status_code == 200


async def test_problems_are_readable_by_any_reader(gateway: Gateway, projected: Projected) -> None:
    problem_id = slug()
    projected.publish_problem(problem_id)
    for reader in (gateway.key(("judge:read",)), gateway.key(("judge:read",), learner="ada")):
        for path in ("/v1/judge/problems", f"/v1/judge/problems/{problem_id}"):
            assert (await gateway.client.get(path, headers=reader)).status_code == 200
