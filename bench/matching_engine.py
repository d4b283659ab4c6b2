"""How many orders a second the matching engine takes, on one core.

A deterministic mixed flow (60% limit, 10% market, 30% cancel, prices around
a mid) is generated up front, then timed twice: through the fast OrderBook
alone, and through matching.decide, which checks each order and builds the
fact payloads the agent would send. Neither number includes Kafka, Avro or
the Faust table; they bound what one matching partition can do in Python.

    python -m bench.matching_engine [--orders N] [--seed S] [--repeat R]
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from collections.abc import Callable
from typing import Any

from schemas.exchange import CancelRequested, ListInstrument, OrderAccepted
from streams.exchange import matching
from streams.exchange.book import OrderBook

MID = 10_000  # cents
ACCOUNTS = [f"acct-{i}" for i in range(200)]

# (kind, order id, account, side, price or None, quantity, tif, cash limit)
Op = tuple[str, str, str, str, int | None, int, str, int | None]


def mixed_flow(n: int, seed: int) -> list[Op]:
    """The flow; a shadow book picks cancels among orders that still rest, as traders would."""
    rng = random.Random(seed)
    shadow = OrderBook()
    ops: list[Op] = []
    live: list[str] = []  # may hold orders that have since filled: dropped when drawn
    for i in range(n):
        roll = rng.random()
        order_id = f"o{i}"
        account = rng.choice(ACCOUNTS)
        side = "buy" if rng.random() < 0.5 else "sell"
        if roll < 0.30:
            while live:
                j = rng.randrange(len(live))
                live[j], live[-1] = live[-1], live[j]
                victim = live.pop()
                if shadow.cancel(victim) is not None:
                    ops.append(("cancel", victim, "", "", None, 0, "", None))
                    break
            continue
        if roll < 0.40:
            budget = 1_000_000_000 if side == "buy" else None
            op: Op = ("place", order_id, account, side, None, rng.randint(1, 100), "IOC", budget)
        else:
            # Mostly passive prices, some that cross the spread.
            offset = rng.randint(-10, 40)
            price = MID - offset if side == "buy" else MID + offset
            tif = "GTC" if rng.random() < 0.9 else "IOC"
            op = ("place", order_id, account, side, price, rng.randint(1, 100), tif, None)
            live.append(order_id)
        shadow.place(*op[1:])
        ops.append(op)
    return ops


def time_book(ops: list[Op]) -> tuple[float, int, int]:
    """Seconds for the flow through a fresh OrderBook; also trades and resting orders."""
    book = OrderBook()
    place, cancel = book.place, book.cancel
    trades = 0
    gc.disable()
    start = time.perf_counter()
    for kind, order_id, account, side, price, qty, tif, cash_limit in ops:
        if kind == "place":
            trades += len(place(order_id, account, side, price, qty, tif, cash_limit)[2])
        else:
            cancel(order_id)
    elapsed = time.perf_counter() - start
    gc.enable()
    return elapsed, trades, len(book)


def as_commands(ops: list[Op]) -> list[tuple[Any, dict[str, Any]]]:
    commands: list[tuple[Any, dict[str, Any]]] = []
    owner: dict[str, str] = {}
    for kind, order_id, account, side, price, qty, tif, cash_limit in ops:
        if kind == "place":
            owner[order_id] = account
            commands.append(
                (
                    OrderAccepted,
                    {
                        "order_id": order_id,
                        "account_id": account,
                        "client_order_id": order_id,
                        "symbol": "BENCH",
                        "side": side,
                        "order_type": "market" if price is None else "limit",
                        "time_in_force": tif,
                        "quantity": qty,
                        "price": price,
                        "cash_limit": cash_limit,
                    },
                )
            )
        else:
            commands.append(
                (
                    CancelRequested,
                    {"order_id": order_id, "account_id": owner[order_id], "symbol": "BENCH"},
                )
            )
    return commands


def time_decide(ops: list[Op]) -> tuple[float, int]:
    """Seconds for the flow through matching.decide; also the facts built."""
    state = matching.SymbolState("BENCH")
    matching.decide(state, (ListInstrument, {"symbol": "BENCH", "tick_size": 1, "lot_size": 1}))
    commands = as_commands(ops)
    decide = matching.decide
    facts = 0
    gc.disable()
    start = time.perf_counter()
    for command in commands:
        facts += len(decide(state, command))
    elapsed = time.perf_counter() - start
    gc.enable()
    return elapsed, facts


def best_of(repeat: int, run: Callable[[], tuple[Any, ...]]) -> tuple[Any, ...]:
    return min((run() for _ in range(repeat)), key=lambda r: r[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    ops = mixed_flow(args.orders, args.seed)
    kinds = {"limit": 0, "market": 0, "cancel": 0}
    for op in ops:
        kinds["cancel" if op[0] == "cancel" else "market" if op[4] is None else "limit"] += 1
    mix = ", ".join(f"{k} {v / len(ops):.0%}" for k, v in kinds.items())
    print(f"flow: {len(ops):,} operations ({mix}), seed {args.seed}, best of {args.repeat}")

    seconds, trades, resting = best_of(args.repeat, lambda: time_book(ops))
    print(
        f"OrderBook alone:      {len(ops) / seconds:>11,.0f} orders/s  "
        f"({seconds:.2f} s, {trades:,} book events, {resting:,} resting at the end)"
    )

    seconds, facts = best_of(args.repeat, lambda: time_decide(ops))
    print(
        f"matching.decide:      {len(ops) / seconds:>11,.0f} orders/s  "
        f"({seconds:.2f} s, {facts:,} facts built)"
    )


if __name__ == "__main__":
    main()
