from __future__ import annotations

from projections.exchange_clickhouse import COLUMNS, ORDERS, TRADES, clickhouse_rows
from projections.log_record import LogRecord
from schemas import exchange as ex
from tests.unit.projections.exchange_records import Session, trading_session


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
