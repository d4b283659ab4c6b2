"""The exchange's topics: what key orders each, and which records it carries.

Topics that one stage consumes together share key and partition count
(co-partitioned), so one partition of each holds the same keys.
"""

from __future__ import annotations

from schemas.exchange.records import (
    ACCOUNT_FACTS,
    ADMIN_COMMANDS,
    FILL_FACTS,
    MARKET_FACTS,
    ORDER_FLOW,
    TRADER_COMMANDS,
)
from schemas.topic_spec import TopicSpec, changelog, schema_names

EXCHANGE_COMMANDS = TopicSpec(
    "exchange.commands", "exchange", key="account_id", record_types=schema_names(TRADER_COMMANDS)
)
EXCHANGE_ADMIN = TopicSpec(
    "exchange.admin", "exchange", key="symbol", record_types=schema_names(ADMIN_COMMANDS)
)
# Risk's decisions that matching must act on, routed by symbol.
EXCHANGE_ORDERS = TopicSpec(
    "exchange.orders", "exchange", key="symbol", record_types=schema_names(ORDER_FLOW)
)
# Matching's facts, each with the symbol's sequence number.
EXCHANGE_MARKET = TopicSpec(
    "exchange.market", "exchange", key="symbol", record_types=schema_names(MARKET_FACTS)
)
# Matching's facts routed back to the accounts they settle against.
EXCHANGE_FILLS = TopicSpec(
    "exchange.fills", "exchange", key="account_id", record_types=schema_names(FILL_FACTS)
)
# The account stage's facts: balances and what risk refused.
EXCHANGE_ACCOUNTS = TopicSpec(
    "exchange.accounts", "exchange", key="account_id", record_types=schema_names(ACCOUNT_FACTS)
)

EXCHANGE_TOPICS = (
    EXCHANGE_COMMANDS,
    EXCHANGE_ADMIN,
    EXCHANGE_ORDERS,
    EXCHANGE_MARKET,
    EXCHANGE_FILLS,
    EXCHANGE_ACCOUNTS,
)

EXCHANGE_ACCOUNT_CHANGELOG = changelog("exchange.account-stage", "exchange", "account_id")
EXCHANGE_MATCHING_CHANGELOG = changelog("exchange.matching-stage", "exchange", "symbol")
EXCHANGE_CHANGELOGS = (EXCHANGE_ACCOUNT_CHANGELOG, EXCHANGE_MATCHING_CHANGELOG)
