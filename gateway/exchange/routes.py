"""The exchange's HTTP operations under /v1/exchange: its commands, the NDJSON
batch, the reads of its live read model and the market stream."""

from __future__ import annotations

from gateway.batch import ndjson_batch
from gateway.exchange import PREFIX, reads
from gateway.exchange.commands import ADMIN, COMMANDS, READ, WRITE
from gateway.exchange.writes import authorize, command_endpoint
from gateway.operation import Operation, command_operations
from gateway.responses import READ_RESPONSES, WRITE_RESPONSES


def operations() -> list[Operation]:
    return [
        *command_operations(PREFIX, COMMANDS, command_endpoint),
        Operation(
            "POST",
            PREFIX + "/batch",
            ndjson_batch(COMMANDS, WRITE, authorize),
            "Many commands, one per NDJSON line: {\"command\": name, ...fields}",
            scope=f"{WRITE} (and {ADMIN} for admin lines)",
            body_media_type="application/x-ndjson",
            responses={200: "one NDJSON result line per input line", **WRITE_RESPONSES},
            response_media_type="application/x-ndjson",
        ),
        Operation("GET", PREFIX + "/book/{symbol}", reads.book, "Order book depth",
                  scope=READ, parameters=reads.BookQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + "/trades/{symbol}", reads.trades, "Recent trades",
                  scope=READ, parameters=reads.TradesQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + "/accounts/{account_id}", reads.account,
                  "Balances and positions", scope=READ,
                  parameters=reads.AccountQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + "/orders/{order_id}", reads.order, "An order's state",
                  scope=READ, parameters=reads.OrderQuery, responses=READ_RESPONSES),
        Operation("GET", PREFIX + "/market/{symbol}/stream", reads.market_stream,
                  "Live market data (SSE): a snapshot, then increments with seq", scope=READ,
                  parameters=reads.BookQuery, responses=READ_RESPONSES,
                  response_media_type="text/event-stream"),
    ]  # fmt: skip
