"""How many state parts the exchange's stages write per order, and how fast the
parts are encoded and restored.

A pipeline-like session runs through the three pure stages, in memory: funded
accounts send limit orders around a mid (10% market orders, 20% cancels) on a
few symbols; the account stage's accepted orders and cancel requests go to
matching, whose fills and closes come back to the account stage. Each stage
takes its inputs in batches, as the batched engine does: after each input it
asks its StateLog which parts it touched, at the end of the batch it encodes
each touched part once (a tombstone for one that no longer exists) into a
changelog kept in memory, compacted. At the end every state is restored from
its live parts and checked against the live one (state_hash).

Then a deep book: one symbol with `--resting` orders resting, restored from
its parts.

For comparison it also samples what a whole state saved per input (today's
Faust table changelog, `to_dict` as JSON) weighs. No Kafka, no Avro: the
figures bound the state's share of a stage's work in Python.

    python -m bench.state_log [--orders N] [--accounts A] [--symbols S]
                              [--batch B] [--resting R] [--seed S]
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from schemas.envelope import Envelope, Record
from schemas.exchange import (
    CancelOrder,
    CancelRequested,
    DepositCash,
    ListInstrument,
    OrderAccepted,
    OrderClosed,
    OrderFilled,
    PlaceOrder,
    TransferShares,
)
from streams.exchange import accounts, matching
from streams.exchange.account_log import AccountLog
from streams.exchange.book_log import BookLog
from streams.facts import Fact
from streams.state_codec import encode_state
from streams.state_log import StateLog

MID = 10_000  # cents
WHOLE_STATE_SAMPLE = 1000  # weigh the whole state of one input in this many


def envelope(event_id: str, key: str) -> Envelope:
    return Envelope.model_construct(
        event_id=event_id,
        type="bench",
        schema_version=1,
        occurred_at=0,
        recorded_at=0,
        producer="bench",
        key=key,
        correlation_id=event_id,
        causation_id=None,
    )


def as_record(kind: type[Record], payload: dict[str, Any], event_id: str, key: str) -> Record:
    return kind.model_construct(envelope=envelope(event_id, key), **payload)


def session(orders: int, accounts_n: int, symbols: list[str], seed: int) -> list[Record]:
    """The traders' commands: funding, then orders and cancels."""
    rng = random.Random(seed)
    names = [f"acct-{i}" for i in range(accounts_n)]
    out: list[Record] = []
    for name in names:
        out.append(
            as_record(DepositCash, {"account_id": name, "amount": 10**12}, f"d-{name}", name)
        )
        for symbol in symbols:
            payload = {"account_id": name, "symbol": symbol, "quantity": 10**9, "direction": "in"}
            out.append(as_record(TransferShares, payload, f"t-{name}-{symbol}", name))
    placed: list[tuple[str, str]] = []
    for i in range(orders):
        account = rng.choice(names)
        if placed and rng.random() < 0.2:
            order_id, owner = placed[rng.randrange(max(0, len(placed) - 200), len(placed))]
            payload = {"account_id": owner, "order_id": order_id}
            out.append(as_record(CancelOrder, payload, f"x{i}", owner))
            continue
        side = "buy" if rng.random() < 0.5 else "sell"
        market = rng.random() < 0.1
        offset = rng.randint(-10, 40)
        payload = {
            "account_id": account,
            "order_id": f"o{i}",
            "client_order_id": f"c{i}",
            "symbol": rng.choice(symbols),
            "side": side,
            "order_type": "market" if market else "limit",
            "time_in_force": "IOC" if market else ("GTC" if rng.random() < 0.9 else "IOC"),
            "quantity": rng.randint(1, 100),
            "price": None if market else (MID - offset if side == "buy" else MID + offset),
            "cash_limit": 10**9 if market and side == "buy" else None,
        }
        placed.append((f"o{i}", account))
        out.append(as_record(PlaceOrder, payload, f"e{i}", account))
    return out


@dataclass
class StageLog:
    """One stage's changelog in memory, and what writing it cost."""

    state_log: StateLog
    states: dict[str, Any] = field(default_factory=dict)
    parts: dict[tuple[str, str], bytes] = field(default_factory=dict)
    batch: dict[str, dict[str, None]] = field(default_factory=dict)
    inputs: int = 0
    written: int = 0
    tombstones: int = 0
    bytes_written: int = 0
    touched_s: float = 0.0
    encode_s: float = 0.0
    whole_bytes: int = 0
    whole_samples: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)  # parts written per kind of part

    def decided(self, key: str, state: Any, cause: Record, facts: list[Fact]) -> None:
        self.inputs += 1
        start = time.perf_counter()
        touched = self.state_log.touched(state, cause, facts)
        self.touched_s += time.perf_counter() - start
        self.batch.setdefault(key, {}).update(dict.fromkeys(touched))
        if self.inputs % WHOLE_STATE_SAMPLE == 0:
            self.whole_bytes += len(encode_state(state))
            self.whole_samples += 1

    def commit(self) -> None:
        entry = self.state_log.entry
        start = time.perf_counter()
        encoded = [
            (key, sub_key, entry(self.states[key], sub_key))
            for key, sub_keys in self.batch.items()
            for sub_key in sub_keys
        ]
        self.encode_s += time.perf_counter() - start
        by_kind = self.by_kind
        for key, sub_key, value in encoded:
            self.written += 1
            kind = sub_key.partition(":")[0]
            by_kind[kind] = by_kind.get(kind, 0) + 1
            # The engine's record key is the JSON array [state key, sub-key].
            self.bytes_written += len(key) + len(sub_key) + 7 + (len(value) if value else 0)
            if value is None:
                self.tombstones += 1
                self.parts.pop((key, sub_key), None)
            else:
                self.parts[(key, sub_key)] = value
        self.batch.clear()

    def restore(self) -> tuple[float, int]:
        """Seconds to restore every state from its live parts (checked equal), and parts read."""
        by_key: dict[str, dict[str, bytes]] = {}
        for (key, sub_key), value in self.parts.items():
            by_key.setdefault(key, {})[sub_key] = value
        restore = self.state_log.restore
        gc.disable()
        start = time.perf_counter()
        restored = {key: restore(key, parts) for key, parts in by_key.items()}
        elapsed = time.perf_counter() - start
        gc.enable()
        for key, state in restored.items():
            assert state.state_hash() == self.states[key].state_hash(), key
        return elapsed, len(self.parts)


def run_session(records: list[Record], symbols: list[str], batch: int) -> tuple[StageLog, ...]:
    account_log = StageLog(AccountLog())
    book_log = StageLog(BookLog())
    for symbol in symbols:
        listed = book_log.states[symbol] = matching.SymbolState(symbol)
        listing = as_record(
            ListInstrument, {"symbol": symbol, "tick_size": 1, "lot_size": 1}, f"l-{symbol}", symbol
        )
        book_log.decided(symbol, listed, listing, matching.decide(listed, listing))
    book_log.commit()
    commands = deque(records)
    to_accounts: deque[Record] = deque()
    to_matching: deque[Record] = deque()
    while commands or to_accounts or to_matching:
        # A batch of the account stage: the fills and closes waiting, then commands.
        for _ in range(batch):
            source = to_accounts or commands
            if not source:
                break
            cause = source.popleft()
            key = cause.envelope.key
            state = account_log.states.get(key)
            if state is None:
                state = account_log.states[key] = accounts.AccountState(key)
            facts = accounts.decide_record(state, cause)
            account_log.decided(key, state, cause, facts)
            forward(facts, cause, to_matching, (OrderAccepted, CancelRequested))
        account_log.commit()
        for _ in range(min(batch, len(to_matching))):
            cause = to_matching.popleft()
            key = cause.envelope.key
            symbol_state = book_log.states[key]
            facts = matching.decide(symbol_state, cause)
            book_log.decided(key, symbol_state, cause, facts)
            forward(facts, cause, to_accounts, (OrderFilled, OrderClosed))
        book_log.commit()
    return account_log, book_log


def forward(
    facts: list[Fact], cause: Record, queue: deque[Record], kinds: tuple[type[Record], ...]
) -> None:
    """The facts of `kinds` as the next stage reads them (event ids derived from the cause)."""
    for index, (kind, payload) in enumerate(facts):
        if kind in kinds:
            key = payload["account_id"] if kind in (OrderFilled, OrderClosed) else payload["symbol"]
            queue.append(as_record(kind, payload, f"{cause.envelope.event_id}-{index}", key))


def deep_book(resting: int) -> tuple[float, float, int]:
    """Seconds to encode and to restore a book of `resting` resting orders; parts."""
    book_log = BookLog()
    state = matching.SymbolState("DEEP")
    matching.decide(state, (ListInstrument, {"symbol": "DEEP", "tick_size": 1, "lot_size": 1}))
    rng = random.Random(1)
    for i in range(resting):
        side = "buy" if i % 2 else "sell"
        price = MID - rng.randint(1, 500) if side == "buy" else MID + rng.randint(0, 499)
        matching.decide(
            state,
            (
                OrderAccepted,
                {
                    "order_id": f"r{i}",
                    "account_id": f"acct-{i % 1000}",
                    "client_order_id": f"r{i}",
                    "symbol": "DEEP",
                    "side": side,
                    "order_type": "limit",
                    "time_in_force": "GTC",
                    "quantity": rng.randint(1, 100),
                    "price": price,
                    "cash_limit": None,
                },
            ),
        )
    sub_keys = ["meta", *(f"o:{order_id}" for order_id in state.arrivals)]
    entry = book_log.entry
    start = time.perf_counter()
    parts = {sub_key: entry(state, sub_key) for sub_key in sub_keys}
    encode_s = time.perf_counter() - start
    live = {sub_key: value for sub_key, value in parts.items() if value is not None}
    gc.disable()
    start = time.perf_counter()
    restored = book_log.restore("DEEP", live)
    restore_s = time.perf_counter() - start
    gc.enable()
    assert restored.state_hash() == state.state_hash()
    return encode_s, restore_s, len(live)


def report(name: str, log: StageLog, orders: int, restore: Callable[[], tuple[float, int]]) -> None:
    restore_s, live = restore()
    whole = log.whole_bytes / max(log.whole_samples, 1)
    print(
        f"{name}: {log.inputs:,} inputs, {log.written:,} parts written "
        f"({log.tombstones:,} tombstones), {log.written / orders:.2f} per order, "
        f"{log.written / log.inputs:.2f} per input, {log.bytes_written / log.inputs:,.0f} B "
        f"per input (a whole state per input: {whole:,.0f} B)"
    )
    kinds = ", ".join(f"{kind} {n / orders:.2f}" for kind, n in sorted(log.by_kind.items()))
    print(f"    per order, by part: {kinds}")
    print(
        f"    touched {log.touched_s / log.inputs * 1e6:.2f} µs/input; encoded "
        f"{log.written / log.encode_s:,.0f} parts/s; {live:,} live parts restored at "
        f"{live / restore_s:,.0f} parts/s ({restore_s:.2f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--accounts", type=int, default=1_000)
    parser.add_argument("--symbols", type=int, default=4)
    parser.add_argument("--batch", type=int, default=2_000, help="inputs per stage batch")
    parser.add_argument("--resting", type=int, default=200_000, help="orders in the deep book")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    symbols = [f"SYM{i}" for i in range(args.symbols)]
    records = session(args.orders, args.accounts, symbols, args.seed)
    placed = sum(isinstance(r, PlaceOrder) for r in records)
    print(
        f"session: {placed:,} orders and {len(records) - placed:,} other commands, "
        f"{args.accounts:,} accounts, {args.symbols} symbols, batches of {args.batch:,} inputs"
    )
    account_log, book_log = run_session(records, symbols, args.batch)
    report("account stage", account_log, placed, account_log.restore)
    report("matching", book_log, placed, book_log.restore)

    encode_s, restore_s, parts = deep_book(args.resting)
    print(
        f"deep book: {parts:,} parts encoded at {parts / encode_s:,.0f} parts/s, "
        f"restored at {parts / restore_s:,.0f} parts/s ({restore_s:.2f} s)"
    )


if __name__ == "__main__":
    main()
