"""A tiny in-memory exchange: the three stages joined by queues instead of topics.

Each queue stands for one partition of one topic: it keeps its order, but the
order in which the stages take from different queues is up to a seeded random
scheduler, as it is up to Kafka and the workers. That lets cancels race fills
and commands race settlements, deterministically for a given seed.
"""

from __future__ import annotations

import json
import random
from collections import deque
from collections.abc import Mapping
from typing import Any

from schemas.envelope import Record
from schemas.exchange import (
    CancelRequested,
    HaltSymbol,
    ListInstrument,
    OrderAccepted,
    OrderClosed,
    OrderFilled,
    ResumeSymbol,
)
from streams.exchange import accounts, matching
from streams.exchange.book import OrderBook

Fact = tuple[type[Record], dict[str, Any]]
Queued = tuple[type[Record], Mapping[str, Any], str]  # kind, payload, command id

ADMIN = (ListInstrument, HaltSymbol, ResumeSymbol)


class Exchange:
    def __init__(self, book_factory: matching.BookFactory = OrderBook, seed: int = 0) -> None:
        self.book_factory = book_factory
        self.accounts: dict[str, accounts.AccountState] = {}
        self.symbols: dict[str, matching.SymbolState] = {}
        # One queue per (topic, key): commands and fills per account, orders and admin per symbol.
        self.queues: dict[tuple[str, str], deque[Queued]] = {}
        self.log: list[tuple[str, Fact]] = []  # (stage, fact), in the order decided
        self.rng = random.Random(seed)
        self._facts = 0

    def submit(self, kind: type[Record], payload: Mapping[str, Any], command_id: str) -> None:
        if kind in ADMIN:
            self._enqueue(("admin", payload["symbol"]), (kind, payload, command_id))
        else:
            self._enqueue(("commands", payload["account_id"]), (kind, payload, command_id))

    def _enqueue(self, queue: tuple[str, str], item: Queued) -> None:
        self.queues.setdefault(queue, deque()).append(item)

    def busy(self) -> bool:
        return any(self.queues.values())

    def step(self) -> None:
        ready = [name for name, items in self.queues.items() if items]
        topic, key = self.rng.choice(ready)
        kind, payload, command_id = self.queues[(topic, key)].popleft()
        if topic in ("commands", "fills"):
            state = self.accounts.get(key) or accounts.AccountState(key)
            self.accounts[key] = state
            facts = accounts.decide(state, (kind, payload), command_id)
            self._emit("accounts", facts)
        else:
            symbol = self.symbols.get(key) or matching.SymbolState(key, self.book_factory)
            self.symbols[key] = symbol
            self._emit("matching", matching.decide(symbol, (kind, payload)))

    def _emit(self, stage: str, facts: list[Fact]) -> None:
        for fact in facts:
            self.log.append((stage, fact))
            kind, payload = fact
            # Fact ids derive from their position, as the agents derive them from the cause.
            self._facts += 1
            fact_id = f"fact-{self._facts}"
            if kind in (OrderAccepted, CancelRequested):
                self._enqueue(("orders", payload["symbol"]), (kind, payload, fact_id))
            elif kind in (OrderFilled, OrderClosed):
                self._enqueue(("fills", payload["account_id"]), (kind, payload, fact_id))

    def drain(self) -> None:
        while self.busy():
            self.step()

    def hashes(self) -> dict[str, str]:
        result = {f"account:{k}": s.state_hash() for k, s in sorted(self.accounts.items())}
        result.update({f"symbol:{k}": s.state_hash() for k, s in sorted(self.symbols.items())})
        return result

    def restart(self) -> None:
        """Save every state as JSON text and load it back, as a worker restart would."""
        self.accounts = {
            k: accounts.AccountState.from_dict(json.loads(json.dumps(s.to_dict())))
            for k, s in self.accounts.items()
        }
        self.symbols = {
            k: matching.SymbolState.from_dict(
                json.loads(json.dumps(s.to_dict())), self.book_factory)
            for k, s in self.symbols.items()
        }
