"""The exchange's deciding stages, run by the batched engine (streams/engine).

    exchange.commands ─┐                        ┌─> exchange.accounts
                       ├─ account stage ────────┤
    exchange.fills ────┘  (risk + settlement,   └─> exchange.orders ─┐
                           per account)                               │
    exchange.admin ───────────────────────────────────────────────────┼─ matching (per symbol)
                                                                      │
              exchange.fills <──┬──────────────────────────────────────┘
                                └─> exchange.market

Risk and settlement are one stage because they share the account's state:
both read and change the same balances, so they must see each other's
changes in order. Inputs a stage joins are co-partitioned (same key, same
partition count), so a partition's state never needs another partition.
"""

from __future__ import annotations

from schemas.exchange import (
    CancelOrder,
    CancelRequested,
    DepositCash,
    HaltSymbol,
    ListInstrument,
    OrderAccepted,
    OrderClosed,
    OrderFilled,
    PlaceOrder,
    ResumeSymbol,
    TransferShares,
    WithdrawCash,
)
from schemas.exchange.topics import (
    EXCHANGE_ACCOUNT_CHANGELOG,
    EXCHANGE_ADMIN,
    EXCHANGE_COMMANDS,
    EXCHANGE_FILLS,
    EXCHANGE_MATCHING_CHANGELOG,
    EXCHANGE_ORDERS,
)
from streams.engine.stage import Stage
from streams.exchange import accounts, matching
from streams.exchange.account_log import AccountLog
from streams.exchange.book_log import BookLog

ACCOUNT_STAGE = Stage(
    name="exchange.account-stage",
    inputs=(EXCHANGE_COMMANDS, EXCHANGE_FILLS),
    changelog=EXCHANGE_ACCOUNT_CHANGELOG,
    takes=(
        DepositCash,
        WithdrawCash,
        TransferShares,
        PlaceOrder,
        CancelOrder,
        OrderFilled,
        OrderClosed,
    ),
    new_state=accounts.AccountState,
    decide=accounts.decide_record,
    state_log=AccountLog(),
)
MATCHING_STAGE = Stage(
    name="exchange.matching-stage",
    inputs=(EXCHANGE_ADMIN, EXCHANGE_ORDERS),
    changelog=EXCHANGE_MATCHING_CHANGELOG,
    takes=(ListInstrument, HaltSymbol, ResumeSymbol, OrderAccepted, CancelRequested),
    new_state=matching.SymbolState,
    decide=matching.decide,
    state_log=BookLog(),
)
