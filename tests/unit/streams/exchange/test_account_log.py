"""The account stage's state as parts: balances, open orders, and rings of ids."""

from __future__ import annotations

import random
from typing import Any

import orjson
import pytest

from schemas.exchange import (
    CancelOrder,
    CommandRejected,
    DepositCash,
    OrderClosed,
    OrderFilled,
    PlaceOrder,
    TransferShares,
)
from streams.exchange.account_log import AccountLog
from streams.exchange.accounts import AccountState, decide_record
from streams.facts import Fact
from streams.state_log import StateLog
from tests.unit.streams.exchange.changelog import Changelog, record


class Account:
    """One account's stage with its changelog, committed after each input."""

    def __init__(self, **capacities: int) -> None:
        self.capacities = capacities
        self.account_log = AccountLog(**capacities)
        self.changelog = Changelog(self.account_log)
        self.state = AccountState("alice", **capacities)
        self.touched: list[str] = []
        self.ids = iter(range(10**9))

    def send(self, kind: Any, event_id: str | None = None, **payload: Any) -> list[Fact]:
        event_id = event_id or f"e{next(self.ids)}"
        cause = record((kind, {"account_id": "alice", **payload}), event_id, "alice")
        facts = decide_record(self.state, cause)
        self.touched = list(self.account_log.touched(self.state, cause, facts))
        self.changelog.decided("alice", self.state, cause, facts)
        self.changelog.commit({"alice": self.state})
        return facts

    def place(
        self, order_id: str, side: str, quantity: int, price: int, client: str | None = None
    ) -> list[Fact]:
        return self.send(
            PlaceOrder,
            order_id=order_id,
            client_order_id=client or "c-" + order_id,
            symbol="ACME",
            side=side,
            order_type="limit",
            time_in_force="GTC",
            quantity=quantity,
            price=price,
            cash_limit=None,
        )

    def fill(self, order_id: str, side: str, price: int, quantity: int) -> list[Fact]:
        return self.send(
            OrderFilled,
            order_id=order_id,
            symbol="ACME",
            side=side,
            price=price,
            quantity=quantity,
            trade_id="t",
            seq=1,
        )

    def close(self, order_id: str, side: str, reason: str = "filled") -> list[Fact]:
        return self.send(
            OrderClosed, order_id=order_id, symbol="ACME", side=side, reason=reason, seq=1
        )

    def part(self, sub_key: str) -> Any:
        return orjson.loads(self.changelog.parts["alice"][sub_key])

    def restart(self, seed: int = 0) -> None:
        """Continue from the state restored from the parts (read in a random order)."""
        self.state = self.changelog.restore(
            random.Random(seed),
            lambda key: AccountState(key, **self.capacities),
            {"alice": self.state},
        )["alice"]


def test_an_account_log_is_a_state_log() -> None:
    log: StateLog = AccountLog()
    assert log.restore("alice", {}).state_hash() == AccountState("alice").state_hash()


def test_a_deposit_writes_the_cash_and_its_command_id() -> None:
    account = Account()
    account.send(DepositCash, "d1", amount=1_000)
    assert account.touched == ["cash", "cmd:0"]
    assert account.account_log.entry(account.state, "cash") == b"[1000,0]"
    assert account.account_log.entry(account.state, "cmd:0") == b'["d1",0]'


def test_shares_are_one_part_per_symbol() -> None:
    account = Account()
    account.send(TransferShares, symbol="ACME", quantity=30, direction="in")
    assert account.touched == ["s:ACME", "cmd:0"]
    assert account.part("s:ACME") == [30, 0]


def test_an_order_is_a_part_from_acceptance_to_its_close() -> None:
    account = Account()
    account.send(DepositCash, amount=10_000)
    account.place("o1", "buy", 40, 200, client="c1")
    assert sorted(account.touched) == ["cash", "cmd:1", "coid:0", "o:o1"]
    assert account.account_log.entry(account.state, "o:o1") == (
        b'["ACME","buy","c1",8000,false,200]'
    )
    assert account.part("coid:0") == ["c1", 0]
    account.send(CancelOrder, order_id="o1")
    assert sorted(account.touched) == ["cmd:2", "o:o1"]
    assert account.part("o:o1") == ["ACME", "buy", "c1", 8000, True, 200]
    account.fill("o1", "buy", 150, 10)  # 500 of price improvement released
    assert set(account.touched) == {"cash", "o:o1", "s:ACME"}  # cash twice: fill, release
    assert account.part("o:o1")[3] == 6000
    account.close("o1", "buy", "cancelled")
    assert sorted(account.touched) == ["cash", "closed:0", "o:o1"]
    assert "o:o1" not in account.changelog.parts["alice"]
    assert account.part("closed:0") == ["o1", 0, "cancelled", "c1"]
    assert account.part("cash") == [8_500, 0]


def test_a_refused_command_writes_only_its_id_and_a_repeated_one_nothing() -> None:
    account = Account()
    facts = account.place("o1", "buy", 1, 100)
    assert facts[0][0] is CommandRejected and account.touched == ["cmd:0"]
    account.send(DepositCash, "d1", amount=100)
    assert account.send(DepositCash, "d1", amount=100) == [] and account.touched == []


def test_facts_from_matching_are_not_remembered_as_commands() -> None:
    # The engine's transactions deliver each fill and close once; the memory
    # of ids is for commands the gateway may have written twice.
    account = Account()
    account.send(DepositCash, amount=1_000)
    account.place("o1", "buy", 2, 100)
    account.fill("o1", "buy", 100, 1)
    account.close("o1", "buy")
    assert list(account.state.command_ids) == ["e0", "e1"]
    assert account.state.command_ids.count == 2


def test_the_memory_of_commands_forgets_in_the_same_order_after_each_restart() -> None:
    account = Account(max_command_ids=3)
    for n in range(5):
        account.send(DepositCash, f"d{n}", amount=1)
        account.restart(seed=n)
    assert list(account.state.command_ids) == ["d2", "d3", "d4"]
    assert sorted(account.changelog.parts["alice"]) == ["cash", "cmd:0", "cmd:1", "cmd:2"]
    assert account.send(DepositCash, "d2", amount=1) == []  # still remembered
    assert account.send(DepositCash, "d0", amount=1) != []  # forgotten: decided again
    account.restart()
    assert list(account.state.command_ids) == ["d3", "d4", "d0"]
    assert account.state.cash_available == 6


def test_closed_orders_and_client_order_ids_are_rings_too() -> None:
    account = Account(max_client_order_ids=2, max_closed_orders=2)
    account.send(DepositCash, amount=1_000)
    for n in range(3):
        account.place(f"o{n}", "buy", 1, 100, client=f"c{n}")
        account.close(f"o{n}", "buy", "expired")
    account.restart()
    assert list(account.state.closed_orders) == ["o1", "o2"]
    assert list(account.state.client_order_ids) == ["c1", "c2"]
    assert account.send(CancelOrder, order_id="o0")[0][1]["reason_code"] == "unknown_order"
    assert account.send(CancelOrder, order_id="o2")[0][1]["reason_code"] == "order_closed"
    assert account.place("o3", "buy", 1, 100, client="c1")[0][1]["reason_code"] == (
        "duplicate_client_order_id"
    )
    assert account.place("o3", "buy", 1, 100, client="c0")[0][0] is not CommandRejected


def test_an_order_id_closed_twice_keeps_its_slot_and_age() -> None:
    account = Account(max_closed_orders=2)
    account.send(DepositCash, amount=1_000)
    for order_id, client in (("o1", "a"), ("o2", "b"), ("o1", "c")):
        account.place(order_id, "buy", 1, 100, client=client)
        account.close(order_id, "buy", "expired")
    assert account.part("closed:0") == ["o1", 0, "expired", "c"]
    account.restart()
    account.place("o3", "buy", 1, 100, client="d")
    account.close("o3", "buy")
    assert list(account.state.closed_orders) == ["o2", "o3"]


def test_a_restored_account_decides_as_the_live_one() -> None:
    account = Account()
    account.send(DepositCash, amount=10_000)
    account.send(TransferShares, symbol="ACME", quantity=50, direction="in")
    account.place("o1", "buy", 10, 100)
    account.place("o2", "sell", 10, 100)
    account.send(CancelOrder, order_id="o2")
    live = AccountState.from_dict(account.state.to_dict())
    account.restart()
    for kind, payload in (
        (
            OrderFilled,
            {
                "order_id": "o1",
                "symbol": "ACME",
                "side": "buy",
                "price": 90,
                "quantity": 4,
                "trade_id": "t",
                "seq": 1,
            },
        ),
        (CancelOrder, {"order_id": "o2"}),
        (
            OrderClosed,
            {"order_id": "o2", "symbol": "ACME", "side": "sell", "reason": "cancelled", "seq": 2},
        ),
    ):
        cause = record((kind, {"account_id": "alice", **payload}), f"x-{kind.__name__}", "alice")
        assert repr(decide_record(account.state, cause)) == repr(decide_record(live, cause))
    assert account.state.state_hash() == live.state_hash()


def test_unknown_parts_and_a_ring_of_another_capacity_are_refused() -> None:
    with pytest.raises(ValueError, match="'x:1'"):
        AccountLog().entry(AccountState("alice"), "x:1")
    with pytest.raises(ValueError, match="'x:1'"):
        AccountLog().restore("alice", {"x:1": b"[]"})
    account = Account(max_command_ids=4)
    for _ in range(5):
        account.send(DepositCash, amount=1)
    with pytest.raises(ValueError, match="capacity 3"):
        AccountLog(max_command_ids=3).restore("alice", account.changelog.parts["alice"])


def test_memories_saved_without_counts_count_the_ids_they_hold() -> None:
    # States saved whole before the memories were rings.
    account = Account(max_command_ids=3)
    for event_id in ("a", "b"):
        account.send(DepositCash, event_id, amount=1)
    saved = account.state.to_dict()
    del saved["memory_counts"]
    old = AccountState.from_dict(saved, max_command_ids=3)
    assert old.state_hash() == account.state.state_hash()
    assert old.command_ids.slot_of("b") == 1 and old.command_ids.count == 2
