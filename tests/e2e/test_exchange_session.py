"""An ordinary trading session over HTTP, cancels racing fills, then an audit.

Four traders send a few hundred crossing limit orders at once, and cancel
recent orders as they go: often after the fill won (a normal race), now and
then twice, now and then someone else's. Once the exchange is quiet, every
order's read model must be what the log says whatever order the projector
read the topics in (`onelog verify` exits 0), a refused cancel must not have
changed any order's status, and each account reserves exactly what its
resting orders need (price improvement released at each fill).
"""

from __future__ import annotations

import json
import random
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Platform, eventually, onelog

pytestmark = pytest.mark.e2e

ORDERS = 300
MID = 1_000  # cents


def _sent(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 202, response.text
    return dict(response.json())


def _rounds_of_orders(rng: random.Random, accounts: list[str]) -> list[list[dict[str, Any]]]:
    """Orders in rounds of twenty, sent a round at a time."""
    rounds = []
    for n in range(0, ORDERS, 20):
        rounds.append(
            [
                {
                    "account_id": rng.choice(accounts),
                    "client_order_id": f"c-{n + i}",
                    "side": side,
                    "type": "limit",
                    "time_in_force": rng.choice(("GTC", "GTC", "GTC", "IOC")),
                    "quantity": rng.randint(1, 20),
                    # Buys above the middle and sells below it cross, at the resting price.
                    "price": MID + rng.randint(-2, 4) * (1 if side == "buy" else -1),
                }
                for i, side in enumerate(rng.choice(("buy", "sell")) for _ in range(20))
            ]
        )
    return rounds


def test_a_session_of_orders_and_racing_cancels_replays_to_the_live_read_models(
    running_platform: Platform,
) -> None:
    p = running_platform
    rng = random.Random(7)
    tag = uuid.uuid4().hex[:6].upper()
    symbol = f"R{tag}"
    accounts = [f"t{n}-{tag.lower()}" for n in range(4)]
    placed: list[tuple[str, str]] = []  # (order id, account id)
    with (
        httpx.Client(base_url=p.url, headers=p.headers, timeout=10) as http,
        ThreadPoolExecutor(8) as pool,
    ):
        listing = {"symbol": symbol, "tick_size": 1, "lot_size": 1}
        _sent(http.post("/v1/exchange/instruments", json=listing))
        shares = {"symbol": symbol, "quantity": 100_000, "direction": "in"}
        for account in accounts:
            funds = f"/v1/exchange/accounts/{account}"
            _sent(http.post(f"{funds}/deposits", json={"amount": 100_000_000}))
            _sent(http.post(f"{funds}/share-transfers", json=shares))
        eventually(
            lambda: http.get(f"/v1/exchange/book/{symbol}").status_code == 200,
            what="the listed symbol",
        )

        def place(order: dict[str, Any]) -> tuple[str, str]:
            body = _sent(http.post("/v1/exchange/orders", json={"symbol": symbol, **order}))
            return body["order_id"], order["account_id"]

        def cancel(target: tuple[str, str]) -> None:
            order_id, account = target
            _sent(http.delete(f"/v1/exchange/orders/{order_id}", params={"account_id": account}))

        cancels = 0
        for orders in _rounds_of_orders(rng, accounts):
            placed += pool.map(place, orders)
            targets = []
            for _ in range(8):
                order_id, owner = rng.choice(placed[-40:])
                roll = rng.random()
                if roll < 0.1:  # someone else's order
                    targets.append((order_id, rng.choice([a for a in accounts if a != owner])))
                else:
                    targets += [(order_id, owner)] * (2 if roll < 0.25 else 1)
            cancels += len(targets)
            list(pool.map(cancel, targets))

        # Last, a buy sweeps the asks below its limit and rests what is left: the
        # price improvement must come back at its fills, not when it closes.
        ask = {"account_id": accounts[1], "client_order_id": "ask", "side": "sell",
               "type": "limit", "quantity": 500, "price": MID + 2}  # fmt: skip
        placed.append(place(ask))
        eventually(lambda: http.get(f"/v1/exchange/book/{symbol}").json()["asks"], what="asks")
        sweep = {"account_id": accounts[0], "client_order_id": "sweep", "side": "buy",
                 "type": "limit", "quantity": 2_000, "price": MID + 10}  # fmt: skip
        placed.append(place(sweep))

        def read_orders() -> list[dict[str, Any]]:
            responses = pool.map(lambda o: http.get(f"/v1/exchange/orders/{o[0]}"), placed)
            return [r.json() if r.status_code == 200 else {} for r in responses]

        def quiet() -> list[dict[str, Any]] | None:
            orders = read_orders()
            decided = all(o.get("status") not in (None, "accepted", "unknown") for o in orders)
            cancelling = any(o.get("cancel_requested") and o["resting"] > 0 for o in orders)
            return orders if decided and not cancelling else None

        orders = eventually(quiet, timeout=180, what="every order decided, every cancel done")

        def reservations_match() -> list[dict[str, Any]] | None:
            seen = [http.get(f"/v1/exchange/accounts/{a}").json() for a in accounts]
            for account in seen:
                resting = [o for o in account["open_orders"] if o["symbol"] == symbol]
                buys = sum(o["price"] * o["resting"] for o in resting if o["side"] == "buy")
                sells = sum(o["resting"] for o in resting if o["side"] == "sell")
                balances = account["balances"]
                if (balances["cash"]["reserved"], balances[symbol]["reserved"]) != (buys, sells):
                    return None
            return seen

        eventually(reservations_match, timeout=60, what="reserved = what resting orders need")

    statuses = {o["status"] for o in orders}
    # Every order was funded, on tick and on lot: nothing may read "rejected",
    # least of all an order whose cancel came too late.
    assert statuses <= {"resting", "partially_filled", "filled", "cancelled", "expired"}
    assert {"filled", "cancelled"} <= statuses
    # A cancel of someone else's order left its owner in place.
    assert [o["account_id"] for o in orders] == [owner for _, owner in placed]
    late = [o for o in orders if o.get("cancel_rejected_reason")]
    assert late, f"no cancel lost a race in {cancels} cancels: the session proves little"
    assert {o["cancel_rejected_code"] for o in late} <= {
        "order_closed",
        "cancel_pending",
        "order_not_open",
    }

    runs: list[subprocess.CompletedProcess[str]] = []

    def verified() -> subprocess.CompletedProcess[str] | None:
        runs.append(onelog(p, "verify", "--namespace", f"v{uuid.uuid4().hex[:6]}"))
        return runs[-1] if runs[-1].returncode == 0 else None

    # The projector may still be applying the last facts: verify until equal.
    try:
        done = eventually(verified, timeout=180, what="onelog verify exiting 0")
    except AssertionError:
        raise AssertionError(
            f"verify: {runs[-1].stdout[:3000]} {runs[-1].stderr[-2000:]}"
        ) from None
    assert json.loads(done.stdout)["equal"] is True
