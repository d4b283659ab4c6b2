"""The exchange's Faust agents: thin shells around the pure stages.

    exchange.commands ─┐                        ┌─> exchange.accounts
                       ├─ account stage ────────┤
    exchange.fills ────┘  (risk + settlement,   └─> exchange.orders ─┐
                           per account)                               │
    exchange.admin ───────────────────────────────────────────────────┼─ matching (per symbol)
                                                                      │
              exchange.fills <──┬──────────────────────────────────────┘
                                └─> exchange.market

Risk and settlement are one agent because they share the account's state:
both read and change the same balances, so they must see each other's
changes in order. Inputs an agent joins are co-partitioned (same key, same
partition count), so a partition's state never needs another partition.
"""

from __future__ import annotations

from typing import Any

from infra.topics import EXCHANGE_ADMIN, EXCHANGE_COMMANDS, EXCHANGE_FILLS, EXCHANGE_ORDERS
from streams.app import app
from streams.exchange import accounts, matching
from streams.stage import Stage, StageRunner, raw_topic
from streams.state_codec import state_table
from streams.tracked_state import tracked_from_dict

ACCOUNT_STAGE = Stage(
    name="exchange.account-stage",
    key_field="account_id",
    new_state=accounts.AccountState,
    decide=accounts.decide_record,
)
MATCHING_STAGE = Stage(
    name="exchange.matching-stage",
    key_field="symbol",
    new_state=matching.SymbolState,
    decide=matching.decide,
)

account_table = state_table(
    app, "exchange-accounts", "exchange-account", tracked_from_dict(accounts.AccountState.from_dict)
)
book_table = state_table(
    app, "exchange-books", "exchange-book", tracked_from_dict(matching.SymbolState.from_dict)
)

account_inputs = raw_topic(app, EXCHANGE_COMMANDS.name, EXCHANGE_FILLS.name)
matching_inputs = raw_topic(app, EXCHANGE_ADMIN.name, EXCHANGE_ORDERS.name)

_accounts = StageRunner(app, ACCOUNT_STAGE, account_table)
_matching = StageRunner(app, MATCHING_STAGE, book_table)


@app.agent(account_inputs)
async def account_stage(stream: Any) -> None:
    async for event in stream.events():
        await _accounts.process(event)


@app.agent(matching_inputs)
async def matching_stage(stream: Any) -> None:
    async for event in stream.events():
        await _matching.process(event)
