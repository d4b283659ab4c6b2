"""HTTP in, read model out: the whole platform as a producer, an analyst and an
auditor see it."""

from __future__ import annotations

import json
import subprocess
import uuid
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Platform, eventually, onelog

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def traded(running_platform: Platform) -> dict[str, str]:
    """One trade made over HTTP: a listed symbol, a funded buyer, a seller with shares."""
    p = running_platform
    symbol, buyer, seller = (f"{x}{uuid.uuid4().hex[:6].upper()}" for x in ("E", "B", "S"))
    with httpx.Client(base_url=p.url, headers=p.headers, timeout=10) as http:
        steps = [
            ("/v1/exchange/instruments", {"symbol": symbol, "tick_size": 5, "lot_size": 1}),
            (f"/v1/exchange/accounts/{buyer}/deposits", {"amount": 1_000_000}),
            (
                f"/v1/exchange/accounts/{seller}/share-transfers",
                {"symbol": symbol, "quantity": 100, "direction": "in"},
            ),
        ]
        for path, body in steps:
            assert http.post(path, json=body).status_code == 202, path
        eventually(
            lambda: http.get(f"/v1/exchange/book/{symbol}").status_code == 200,
            what="the listed symbol in the read model",
        )
        sell = http.post(
            "/v1/exchange/orders",
            json={
                "account_id": seller,
                "client_order_id": "s-1",
                "symbol": symbol,
                "side": "sell",
                "type": "limit",
                "time_in_force": "GTC",
                "quantity": 40,
                "price": 2_000,
            },
        )
        assert sell.status_code == 202, sell.text
        # Two accounts' orders reach the book in no promised order: let the
        # sell rest first so the buy is the aggressor.
        eventually(
            lambda: http.get(f"/v1/exchange/book/{symbol}").json().get("best_ask") == 2_000,
            what="the sell resting on the book",
        )
        buy = http.post(
            "/v1/exchange/orders",
            json={
                "account_id": buyer,
                "client_order_id": "b-1",
                "symbol": symbol,
                "side": "buy",
                "type": "limit",
                "time_in_force": "GTC",
                "quantity": 25,
                "price": 2_010,
            },
        )
        assert buy.status_code == 202, buy.text
    return {
        "symbol": symbol,
        "buyer": buyer,
        "seller": seller,
        "sell_order": sell.json()["order_id"],
        "buy_order": buy.json()["order_id"],
    }


def test_the_trade_is_live_in_redis(running_platform: Platform, traded: dict[str, str]) -> None:
    p, t = running_platform, traded
    with httpx.Client(base_url=p.url, headers=p.headers, timeout=10) as http:
        trades = eventually(
            lambda: http.get(f"/v1/exchange/trades/{t['symbol']}").json().get("trades"),
            what="the trade in Redis",
        )
        assert [(x["price"], x["quantity"]) for x in trades] == [(2_000, 25)]

        def settled() -> dict[str, Any] | None:
            account = http.get(f"/v1/exchange/accounts/{t['buyer']}").json()
            return account if t["symbol"] in account.get("balances", {}) else None

        buyer = eventually(settled, what="the buyer's shares")
        assert buyer["balances"][t["symbol"]]["available"] == 25
        assert buyer["balances"]["cash"]["available"] == 1_000_000 - 25 * 2_000
        book = http.get(f"/v1/exchange/book/{t['symbol']}").json()
        assert book["best_ask"] == 2_000
        assert [(lvl["price"], lvl["quantity"]) for lvl in book["asks"]] == [(2_000, 15)]


def test_the_trade_reaches_clickhouse_for_analysts(
    running_platform: Platform, traded: dict[str, str]
) -> None:
    query = f"SELECT price, quantity FROM trades FINAL WHERE symbol = '{traded['symbol']}'"

    def rows() -> list[dict[str, Any]]:
        done = onelog(running_platform, "sql", query)
        return json.loads(done.stdout) if done.returncode == 0 else []

    assert eventually(rows, what="the trade in ClickHouse") == [{"price": 2_000, "quantity": 25}]
    refused = onelog(running_platform, "sql", "DROP TABLE trades")
    assert refused.returncode != 0


def test_an_auditor_reads_the_whole_life_of_an_order(
    running_platform: Platform, traded: dict[str, str]
) -> None:
    def history() -> list[dict[str, Any]]:
        done = onelog(running_platform, "audit", "order", traded["buy_order"])
        entries = json.loads(done.stdout) if done.returncode == 0 else []
        kinds = [e["record_type"] for e in entries]
        return entries if "OrderFilled" in kinds and "OrderClosed" in kinds else []

    entries = eventually(history, what="the order's fill on the log")
    kinds = [e["record_type"] for e in entries]
    assert kinds[0] == "PlaceOrder"
    assert kinds.index("OrderAccepted") < kinds.index("TradeExecuted") < kinds.index("OrderClosed")
    # Who sent it, with which key: the API key id is the producer of the command.
    assert entries[0]["producer"] == running_platform.api_key.split(".")[0]


def test_replay_rebuilds_read_models_equal_to_the_live_ones(
    running_platform: Platform, traded: dict[str, str]
) -> None:
    def verified() -> subprocess.CompletedProcess[str] | None:
        done = onelog(running_platform, "verify", "--namespace", f"v{uuid.uuid4().hex[:6]}")
        return done if done.returncode == 0 else None

    # The projector may still be applying the last facts: verify until equal.
    done = eventually(verified, timeout=120, what="onelog verify exiting 0")
    assert json.loads(done.stdout)["equal"] is True
