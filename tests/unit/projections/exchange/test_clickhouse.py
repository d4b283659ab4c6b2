from __future__ import annotations

import pytest

from projections.exchange.clickhouse import COLUMNS, ORDERS, TRADES, clickhouse_rows
from projections.log_record import LogRecord
from schemas import exchange as ex
from schemas.envelope import Record
from tests.unit.projections.exchange.records import Session, trading_session


def _message(offset: int = 7) -> LogRecord:
    return LogRecord("exchange.market", 1, offset, b"ACME", b"", 0)


def test_a_trade_is_one_trades_row_with_its_position() -> None:
    (trade,) = [r for _, _, r in trading_session() if isinstance(r, ex.TradeExecuted)][:1]
    ((table, row),) = clickhouse_rows(trade, _message())
    assert table == TRADES
    assert set(row) == set(COLUMNS[TRADES])
    assert (row["topic"], row["partition"], row["offset"]) == ("exchange.market", 1, 7)
    assert (row["trade_id"], row["price"], row["quantity"]) == ("t1", 1000, 10)
    assert row["occurred_at"] == trade.envelope.occurred_at  # µs, as DateTime64(6) stores it


def test_every_order_event_is_an_orders_row_with_all_columns() -> None:
    tables = []
    for _, _, record in trading_session():
        for table, row in clickhouse_rows(record, _message()):
            tables.append(table)
            assert set(row) == set(COLUMNS[table])
    assert tables.count(TRADES) == 2
    # 4 accepted, 3 rested, 4 fills, 3 closed, 1 cancel requested, 1 cancelled, 1 rejected
    assert tables.count(ORDERS) == 17


def test_a_closed_order_takes_its_reason_as_status() -> None:
    closed = [r for _, _, r in trading_session() if isinstance(r, ex.OrderClosed)][-1]
    ((_, row),) = clickhouse_rows(closed, _message())
    assert (row["status"], row["status_rank"]) == ("cancelled", 4)


def test_a_rejection_without_an_order_and_commands_add_no_rows() -> None:
    session = Session()
    session.add(
        "exchange.accounts",
        "a",
        ex.CommandRejected,
        account_id="a",
        command_id="c",
        command_type="WithdrawCash",
        reason_code="insufficient_funds",
        reason="no",
    )
    session.add("exchange.commands", "a", ex.DepositCash, account_id="a", amount=5)
    assert [clickhouse_rows(r, _message()) for _, _, r in session] == [[], []]


def _refused(session: Session, account: str, command_type: str, code: str) -> Record:
    return session.add(
        "exchange.accounts",
        account,
        ex.CommandRejected,
        account_id=account,
        command_id="cmd",
        command_type=command_type,
        order_id="s2",
        client_order_id=None,
        reason_code=code,
        reason="refused",
    )


@pytest.mark.parametrize(
    ("command_type", "code"),
    [
        ("CancelOrder", "cancel_pending"),
        ("CancelOrder", "order_closed"),
        ("PlaceOrder", "duplicate_order_id"),
    ],
)
def test_a_refusal_of_a_command_on_an_open_order_is_no_status_of_it(
    command_type: str, code: str
) -> None:
    refused = _refused(trading_session(), "bob", command_type, code)
    ((table, row),) = clickhouse_rows(refused, _message())
    assert table == ORDERS
    assert (row["status"], row["status_rank"], row["reason_code"]) == ("", 0, code)


def test_a_cancel_matching_refused_is_no_status_of_the_order() -> None:
    refused = trading_session().market(
        ex.CancelRejected, order_id="s2", account_id="bob", reason_code="order_not_open", reason="n"
    )
    ((_, row),) = clickhouse_rows(refused, _message())
    assert (row["status"], row["status_rank"]) == ("", 0)


def test_a_cancel_of_an_order_that_may_be_someone_elses_adds_no_orders_row() -> None:
    # Its account_id is the canceller's: an orders row would lend it the order.
    refused = _refused(trading_session(), "mallory", "CancelOrder", "unknown_order")
    assert clickhouse_rows(refused, _message()) == []


def test_a_refused_place_order_is_the_orders_status() -> None:
    refused = _refused(trading_session(), "bob", "PlaceOrder", "insufficient_funds")
    ((_, row),) = clickhouse_rows(refused, _message())
    assert (row["status"], row["status_rank"], row["account_id"]) == ("rejected", 4, "bob")
