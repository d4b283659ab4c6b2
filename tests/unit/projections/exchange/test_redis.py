from __future__ import annotations

import json
from typing import Any

import pytest

from projections.exchange import keys
from projections.exchange.redis import redis_writes
from schemas import exchange as ex
from schemas.envelope import Record
from tests.unit.projections.exchange.records import ACCOUNTS, Session, trading_session


def _records(session: Session, model: type[Record]) -> list[Any]:
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


def _cancel_refused_by_risk(session: Session, account: str, code: str) -> ex.CommandRejected:
    record = session.add(
        ACCOUNTS,
        account,
        ex.CommandRejected,
        account_id=account,
        command_id="cmd-cancel",
        command_type="CancelOrder",
        order_id="s2",
        client_order_id=None,
        reason_code=code,
        reason="refused",
    )
    assert isinstance(record, ex.CommandRejected)
    return record


@pytest.mark.parametrize("code", ["cancel_pending", "order_closed"])
def test_a_cancel_risk_refused_is_written_as_the_cancels_outcome_not_the_orders_status(
    code: str,
) -> None:
    session = trading_session()
    refused = _cancel_refused_by_risk(session, "bob", code)
    writes = redis_writes(refused)
    assert writes[0][:2] == ["lpush_capped", keys.rejections("bob")]
    (on_order,) = [w for w in writes if w[1] == keys.order("s2")]
    assert on_order == [
        "hset_latest",
        keys.order("s2"),
        "cancel_rejected_at",
        str(refused.envelope.recorded_at),
        "cancel_rejected_event_id",
        refused.envelope.event_id,
        "cancel_rejected_code",
        code,
        "cancel_rejected_reason",
        "refused",
    ]


def test_a_cancel_of_an_order_that_is_not_the_accounts_only_lands_in_its_rejections() -> None:
    # Risk answers unknown_order for any id not open in the account: maybe another's order.
    refused = _cancel_refused_by_risk(trading_session(), "mallory", "unknown_order")
    writes = redis_writes(refused)
    assert [w[:2] for w in writes] == [["lpush_capped", keys.rejections("mallory")]]


def test_a_place_order_refused_as_a_duplicate_leaves_the_open_order_alone() -> None:
    session = trading_session()
    refused = session.add(
        ACCOUNTS,
        "bob",
        ex.CommandRejected,
        account_id="bob",
        command_id="cmd-dup",
        command_type="PlaceOrder",
        order_id="s2",
        client_order_id="c-new",
        reason_code="duplicate_order_id",
        reason="order s2 is already open",
    )
    assert [w[:2] for w in redis_writes(refused)] == [["lpush_capped", keys.rejections("bob")]]


@pytest.mark.parametrize(
    ("code", "on_order"), [("order_not_open", True), ("not_your_order", False)]
)
def test_a_cancel_matching_refused_is_written_on_the_order_only_if_it_is_the_accounts(
    code: str, on_order: bool
) -> None:
    session = trading_session()
    refused = session.market(
        ex.CancelRejected, order_id="s2", account_id="bob", reason_code=code, reason="no"
    )
    writes = redis_writes(refused)
    guarded = [w for w in writes if w[0] == "hset_latest"]
    assert guarded == (
        [
            [
                "hset_latest",
                keys.order("s2"),
                "cancel_rejected_at",
                str(refused.envelope.recorded_at),
                "cancel_rejected_event_id",
                refused.envelope.event_id,
                "cancel_rejected_code",
                code,
                "cancel_rejected_reason",
                "no",
            ]
        ]
        if on_order
        else []
    )
    assert not [w for w in writes if w[0] in ("hset", "hset_ranked") and w[1] == keys.order("s2")]


# Every market fact with every field filled in, and what the public feed may say of it.
_ALICE, _BOB = "alice-acct", "bob-acct"
_PUBLISHED: dict[type[Record], tuple[dict[str, Any], dict[str, Any]]] = {
    ex.InstrumentListed: ({"tick_size": 5, "lot_size": 10}, {"tick_size": 5, "lot_size": 10}),
    ex.TradingHalted: ({"reason": "news"}, {"reason": "news"}),
    ex.TradingResumed: ({}, {}),
    ex.OrderRested: (
        {"order_id": "o1", "account_id": _ALICE, "side": "buy", "price": 100, "quantity": 3},
        {"order_id": "o1", "side": "buy", "price": 100, "quantity": 3},
    ),
    ex.TradeExecuted: (
        {
            "trade_id": "t1",
            "price": 100,
            "quantity": 3,
            "buy_order_id": "o1",
            "sell_order_id": "o2",
            "buy_account_id": _ALICE,
            "sell_account_id": _BOB,
            "aggressor_side": "sell",
        },
        {
            "trade_id": "t1",
            "price": 100,
            "quantity": 3,
            "buy_order_id": "o1",
            "sell_order_id": "o2",
            "aggressor_side": "sell",
        },
    ),
    ex.OrderCancelled: (
        {
            "order_id": "o1",
            "account_id": _ALICE,
            "side": "buy",
            "quantity": 3,
            "reason": "self_trade_prevented",
        },
        {"order_id": "o1", "side": "buy", "quantity": 3},
    ),
    ex.OrderExpired: (
        {"order_id": "o1", "account_id": _ALICE, "side": "buy", "quantity": 3, "reason": "x"},
        {"order_id": "o1", "side": "buy", "quantity": 3},
    ),
    ex.OrderRejected: (
        {"order_id": "o1", "account_id": _ALICE, "reason_code": "halted", "reason": "halted"},
        {},
    ),
    ex.CancelRejected: (
        {"order_id": "o1", "account_id": _ALICE, "reason_code": "order_not_open", "reason": "n"},
        {},
    ),
    ex.AdminRejected: (
        {"command_type": "HaltSymbol", "reason_code": "already_halted", "reason": "halted"},
        {},
    ),
}


def test_every_market_fact_has_a_decided_public_message() -> None:
    assert set(_PUBLISHED) == set(ex.MARKET_FACTS)


@pytest.mark.parametrize("model", list(_PUBLISHED), ids=lambda m: m.__name__)
def test_the_public_market_feed_names_orders_never_accounts_nor_refusals(
    model: type[Record],
) -> None:
    fields, public = _PUBLISHED[model]
    record = Session().market(model, **fields)
    (publish,) = [w for w in redis_writes(record) if w[0] == "publish"]
    assert publish[1] == keys.market_channel("ACME")
    message = json.loads(publish[2])
    # symbol and seq always: a reader sees a gap in seq as a lost message.
    identity = {"symbol": "ACME", "seq": 1}
    assert message == {**identity, "type": model.__name__, "event": {**identity, **public}}
    assert _ALICE not in publish[2] and _BOB not in publish[2]
