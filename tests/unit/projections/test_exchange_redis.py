from __future__ import annotations

import json

from projections import exchange_keys as keys
from projections.exchange_redis import redis_writes
from schemas import exchange as ex
from tests.unit.projections.exchange_records import Session, trading_session


def _records(session: Session, model: type) -> list:
    return [r for _, _, r in session if isinstance(r, model)]


def test_a_market_fact_is_guarded_by_its_seq_and_announced_with_it() -> None:
    rested = _records(trading_session(), ex.OrderRested)[0]
    writes = redis_writes(rested)
    assert writes[0] == ["guard_seq", keys.market("ACME"), "seq", str(rested.seq)]
    channel, message = writes[-1][1:]
    assert writes[-1][0] == "publish"
    assert channel == keys.market_channel("ACME")
    assert json.loads(message)["seq"] == rested.seq


def test_a_trade_takes_from_the_resting_order_opposite_the_aggressor() -> None:
    session = Session()
    session.trade("t1", 1000, 4, "b1", "s1", aggressor="buy")
    session.trade("t2", 990, 1, "b9", "s9", aggressor="sell")
    buy_aggressor, sell_aggressor = (redis_writes(r) for _, _, r in session)
    (take,) = [w for w in buy_aggressor if w[0] == "take"]
    assert take[1] == keys.order("s1")
    assert take[4] == keys.depth("ACME", "sell")
    assert take[6] == "4"
    (take,) = [w for w in sell_aggressor if w[0] == "take"]
    assert take[1] == keys.order("b9")
    assert take[4] == keys.depth("ACME", "buy")


def test_a_fill_counts_once_per_trade() -> None:
    filled = _records(trading_session(), ex.OrderFilled)[0]
    writes = redis_writes(filled)
    assert writes[0] == ["guard_once", keys.order_trades(filled.order_id), filled.trade_id]
    assert ["hincrby", keys.order(filled.order_id), "filled", str(filled.quantity)] in writes


def test_order_status_moves_forward_by_rank() -> None:
    session = trading_session()
    accepted = redis_writes(_records(session, ex.OrderAccepted)[0])
    closed = redis_writes(_records(session, ex.OrderClosed)[0])
    ranked = [w for w in accepted + closed if w[0] == "hset_ranked"]
    assert [(w[2], w[4]) for w in ranked] == [("1", "accepted"), ("4", "filled")]


def test_a_balance_change_stores_the_balance_after_the_move() -> None:
    change = _records(trading_session(), ex.BalanceChanged)[1]
    assert redis_writes(change) == [
        ["hset", keys.balances("bob"), "ACME", '{"available":100,"reserved":0}']
    ]


def test_commands_make_no_live_writes() -> None:
    session = Session()
    session.add("exchange.commands", "a", ex.DepositCash, account_id="a", amount=5)
    (record,) = [r for _, _, r in session]
    assert redis_writes(record) == []


def test_writes_use_relative_keys_and_string_values() -> None:
    for _, _, record in trading_session():
        for write in redis_writes(record):
            assert all(isinstance(part, str) for part in write), write
            assert not write[1].startswith("live:")
