"""The exchange's three stages as real Faust agents on the real broker."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest

from infra.settings import Settings
from schemas.envelope import Record
from schemas.exchange import (
    BalanceChanged,
    CommandRejected,
    DepositCash,
    ListInstrument,
    OrderAccepted,
    OrderClosed,
    OrderRejected,
    OrderRested,
    PlaceOrder,
    TradeExecuted,
    TransferShares,
)
from schemas.exchange.topics import (
    EXCHANGE_ACCOUNTS,
    EXCHANGE_COMMANDS,
    EXCHANGE_FILLS,
    EXCHANGE_MARKET,
    EXCHANGE_ORDERS,
)
from schemas.ulid import new_ulid
from tests.support.log import LogReader, LogWriter, Seen, command, records

pytestmark = pytest.mark.integration

FACT_TOPICS = [
    t.name for t in (EXCHANGE_ACCOUNTS, EXCHANGE_ORDERS, EXCHANGE_MARKET, EXCHANGE_FILLS)
]


def _unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8].upper()}"


def _order(
    account: str, symbol: str, side: str, qty: int, price: int | None, **kw: object
) -> Record:
    return command(
        PlaceOrder,
        account_id=account,
        order_id=new_ulid(1),
        client_order_id=uuid.uuid4().hex,
        symbol=symbol,
        side=side,
        order_type=kw.pop("order_type", "limit"),
        time_in_force=kw.pop("time_in_force", "GTC"),
        quantity=qty,
        price=price,
        **kw,
    )


def _names(seen: Seen, accounts: set[str], symbol: str) -> bool:
    payload = seen.record.__dict__ if seen.record else {}
    return payload.get("account_id") in accounts or payload.get("symbol") == symbol


def test_a_buy_and_a_sell_trade_and_settle(worker: Settings, writer: LogWriter) -> None:
    symbol, buyer, seller = _unique("S"), _unique("B"), _unique("A")
    writer.send(
        command(ListInstrument, symbol=symbol, tick_size=5, lot_size=10),
        command(DepositCash, account_id=buyer, amount=100_000),
        command(TransferShares, account_id=seller, symbol=symbol, quantity=50, direction="in"),
    )
    writer.send(_order(seller, symbol, "sell", 30, 1_000))
    reader = LogReader(worker.kafka_bootstrap, FACT_TOPICS)
    # Two accounts' orders reach the book in no promised order: the sell rests
    # first, so the buy is the aggressor and trades at the sell's price.
    reader.wait_for(
        lambda s: _names(s, {buyer, seller}, symbol),
        lambda seen: bool(records(seen, OrderRested)),
    )
    writer.send(_order(buyer, symbol, "buy", 20, 1_005))

    def settled(seen: list[Seen]) -> bool:
        # Each account settles on its own partition, so the buyer's shares
        # and the seller's cash arrive in no promised order: wait for both.
        fills = {
            (c.account_id, c.asset) for c in records(seen, BalanceChanged) if c.cause == "fill"
        }
        return {(buyer, symbol), (seller, "cash")} <= fills

    seen = reader.wait_for(lambda s: _names(s, {buyer, seller}, symbol), settled)
    (trade,) = records(seen, TradeExecuted)
    # The resting sell sets the price; the buy is the aggressor.
    assert (trade.price, trade.quantity, trade.aggressor_side) == (1_000, 20, "buy")
    last = {(c.account_id, c.asset): c for c in records(seen, BalanceChanged)}
    assert last[(buyer, symbol)].available == 20
    assert last[(seller, "cash")].available == 20_000
    assert last[(seller, symbol)].reserved == 10  # the 10 still resting
    reader.close()


def test_refusals_are_facts_with_reasons(worker: Settings, writer: LogWriter) -> None:
    symbol, poor, off_tick = _unique("S"), _unique("P"), _unique("T")
    writer.send(
        command(ListInstrument, symbol=symbol, tick_size=5, lot_size=1),
        command(DepositCash, account_id=poor, amount=100),
        command(DepositCash, account_id=off_tick, amount=1_000_000),
    )
    writer.send(_order(poor, symbol, "buy", 10, 100), _order(off_tick, symbol, "buy", 1, 101))
    reader = LogReader(worker.kafka_bootstrap, FACT_TOPICS)
    seen = reader.wait_for(
        lambda s: _names(s, {poor, off_tick}, symbol),
        lambda seen: bool(records(seen, CommandRejected)) and bool(records(seen, OrderRejected)),
    )
    (funds,) = records(seen, CommandRejected)
    assert (funds.account_id, funds.reason_code) == (poor, "insufficient_funds")
    (tick,) = records(seen, OrderRejected)
    assert (tick.account_id, tick.reason_code) == (off_tick, "price_off_tick")
    assert "tick" in tick.reason
    reader.close()


def test_garbage_goes_to_the_dead_letter_topic_and_the_stage_goes_on(
    worker: Settings, writer: LogWriter
) -> None:
    account = _unique("G")
    # Unique garbage, so that records other tests dead-lettered do not count.
    not_avro = b"\xc3\x01not avro at all " + account.encode()
    json_body = b'{"account": "' + account.encode() + b'"}'
    mismatched = command(DepositCash, account_id=_unique("X"), amount=5)
    writer.send_raw(EXCHANGE_COMMANDS.name, account.encode(), not_avro)
    writer.send_raw(EXCHANGE_COMMANDS.name, account.encode(), json_body)
    writer.send_raw(EXCHANGE_COMMANDS.name, account.encode(), _encode(mismatched))
    writer.send(command(DepositCash, account_id=account, amount=700))

    dlq = LogReader(worker.kafka_bootstrap, [EXCHANGE_COMMANDS.dlq])
    # The projector dead-letters undecodable records of this topic too: keep
    # the stage's own.
    dead = dlq.wait_for(
        lambda s: (
            s.raw in (not_avro, json_body, _encode(mismatched))
            and s.headers.get("dlq.stage") == b"exchange.account-stage"
        ),
        lambda seen: len({s.headers["dlq.offset"] for s in seen}) >= 3,
    )
    # A dead letter may be written again if its source is redelivered (it has no
    # state to remember it by); its source offset names it, so readers dedupe.
    assert len({s.headers["dlq.offset"] for s in dead}) == 3
    reasons = sorted(s.headers["dlq.reason"].decode() for s in dead)
    assert any("unknown writer schema" in r for r in reasons)
    assert any("C3 01" in r for r in reasons)
    assert any("does not match account_id" in r for r in reasons)

    facts = LogReader(worker.kafka_bootstrap, [EXCHANGE_ACCOUNTS.name])
    seen = facts.wait_for(
        lambda s: isinstance(s.record, BalanceChanged) and s.record.account_id == account,
        lambda seen: len(seen) >= 1,
    )
    assert records(seen, BalanceChanged)[0].available == 700
    dlq.close()
    facts.close()


def _encode(record: object) -> bytes:
    from schemas.registry import registry

    return registry().encode(record)  # type: ignore[arg-type]


def test_no_fact_is_written_twice(worker: Settings, writer: LogWriter) -> None:
    symbol, a, b = _unique("S"), _unique("A"), _unique("B")
    writer.send(
        command(ListInstrument, symbol=symbol, tick_size=1, lot_size=1),
        command(DepositCash, account_id=a, amount=10_000_000),
        command(TransferShares, account_id=b, symbol=symbol, quantity=1_000, direction="in"),
    )
    orders = []
    for i in range(50):
        orders.append(_order(b, symbol, "sell", 5, 100 + i % 5))
        orders.append(_order(a, symbol, "buy", 5, 100 + (i + 2) % 5))
    writer.send(*orders)
    reader = LogReader(worker.kafka_bootstrap, FACT_TOPICS)
    seen = reader.wait_for(
        lambda s: _names(s, {a, b}, symbol),
        lambda seen: (
            len(records(seen, OrderAccepted)) == 100
            and len(
                {
                    s.record.order_id
                    for s in seen
                    if s.topic == EXCHANGE_FILLS.name and isinstance(s.record, OrderClosed)
                }
            )
            >= 1
        ),
    )
    ids = Counter(s.record.envelope.event_id for s in seen if s.record)
    assert [i for i, n in ids.items() if n > 1] == []
    reader.close()
