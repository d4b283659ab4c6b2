"""Exchange records for projection tests: a small trading session whose read
models are known by hand.

ACME is listed; bob rests two sells (s1 10 @ 1000, s2 5 @ 1010); alice buys
12 @ 1010 and takes s1 fully and 2 of s2; alice rests b2 (3 @ 990) and
cancels it; risk rejects alice's b3. Afterwards: asks 1010 x 3, no bids,
last trade 1010 x 2, bob has s2 open with 3 resting.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from schemas import exchange as ex
from schemas.envelope import Record
from schemas.exchange import topics
from tests.unit.projections.numbered_records import NumberedRecords, Step

ORDERS = topics.EXCHANGE_ORDERS.name
MARKET = topics.EXCHANGE_MARKET.name
FILLS = topics.EXCHANGE_FILLS.name
ACCOUNTS = topics.EXCHANGE_ACCOUNTS.name


class Session(NumberedRecords):
    def __init__(self, symbol: str = "ACME") -> None:
        super().__init__()
        self.symbol = symbol
        self._seq = 0

    def add(self, topic: str, key: str, model: type[Record], **fields: Any) -> Record:
        if "seq" in model.model_fields and "seq" not in fields:
            self._seq += 1
            fields["seq"] = self._seq
        return super().add(topic, key, model, **fields)

    def market(self, model: type[Record], **fields: Any) -> Record:
        return self.add(MARKET, self.symbol, model, symbol=self.symbol, **fields)

    def accepted(self, account: str, order_id: str, side: str, price: int, qty: int) -> Record:
        return self.add(
            ORDERS,
            self.symbol,
            ex.OrderAccepted,
            order_id=order_id,
            account_id=account,
            client_order_id=f"c-{order_id}",
            symbol=self.symbol,
            side=side,
            order_type="limit",
            time_in_force="GTC",
            quantity=qty,
            price=price,
        )

    def balance(self, account: str, asset: str, available: int, reserved: int = 0) -> Record:
        return self.add(
            ACCOUNTS,
            account,
            ex.BalanceChanged,
            account_id=account,
            asset=asset,
            available_delta=0,
            reserved_delta=0,
            available=available,
            reserved=reserved,
            cause="deposit",
            ref="r",
        )

    def fill(
        self, account: str, order_id: str, side: str, price: int, qty: int, trade: str
    ) -> None:
        self.add(
            FILLS,
            account,
            ex.OrderFilled,
            account_id=account,
            order_id=order_id,
            symbol=self.symbol,
            side=side,
            price=price,
            quantity=qty,
            trade_id=trade,
            seq=self._seq,
        )

    def closed(self, account: str, order_id: str, side: str, reason: str) -> None:
        self.add(
            FILLS,
            account,
            ex.OrderClosed,
            account_id=account,
            order_id=order_id,
            symbol=self.symbol,
            side=side,
            reason=reason,
            seq=self._seq,
        )

    def trade(
        self, trade_id: str, price: int, qty: int, buy: str, sell: str, aggressor: str
    ) -> None:
        self.market(
            ex.TradeExecuted,
            trade_id=trade_id,
            price=price,
            quantity=qty,
            buy_order_id=buy,
            sell_order_id=sell,
            buy_account_id="alice",
            sell_account_id="bob",
            aggressor_side=aggressor,
        )

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)


def trading_session(symbol: str = "ACME") -> Session:
    s = Session(symbol)
    s.market(ex.InstrumentListed, tick_size=1, lot_size=1)
    s.balance("alice", ex.CASH, 100_000)
    s.balance("bob", symbol, 100)
    s.accepted("bob", "s1", "sell", 1000, 10)
    s.balance("bob", symbol, 90, 10)
    s.market(ex.OrderRested, order_id="s1", account_id="bob", side="sell", price=1000, quantity=10)
    s.accepted("bob", "s2", "sell", 1010, 5)
    s.market(ex.OrderRested, order_id="s2", account_id="bob", side="sell", price=1010, quantity=5)
    s.accepted("alice", "b1", "buy", 1010, 12)
    s.trade("t1", 1000, 10, "b1", "s1", "buy")
    s.fill("alice", "b1", "buy", 1000, 10, "t1")
    s.fill("bob", "s1", "sell", 1000, 10, "t1")
    s.closed("bob", "s1", "sell", "filled")
    s.trade("t2", 1010, 2, "b1", "s2", "buy")
    s.fill("alice", "b1", "buy", 1010, 2, "t2")
    s.fill("bob", "s2", "sell", 1010, 2, "t2")
    s.closed("alice", "b1", "buy", "filled")
    s.balance("alice", ex.CASH, 87_980)
    s.balance("alice", symbol, 12)
    s.accepted("alice", "b2", "buy", 990, 3)
    s.market(ex.OrderRested, order_id="b2", account_id="alice", side="buy", price=990, quantity=3)
    s.add(ORDERS, symbol, ex.CancelRequested, order_id="b2", account_id="alice", symbol=symbol)
    s.market(
        ex.OrderCancelled, order_id="b2", account_id="alice", side="buy", quantity=3, reason="user"
    )
    s.closed("alice", "b2", "buy", "cancelled")
    s.add(
        ACCOUNTS,
        "alice",
        ex.CommandRejected,
        account_id="alice",
        command_id="cmd-b3",
        command_type="PlaceOrder",
        order_id="b3",
        client_order_id="c-b3",
        reason_code="insufficient_funds",
        reason="not enough cash",
    )
    return s
