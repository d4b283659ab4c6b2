"""The stock exchange on the log: its records (records.py), every version of
their schemas (history/) and its topics (topics.py), declared as SCHEMA_DOMAIN."""

from __future__ import annotations

from pathlib import Path

from schemas.domain import SchemaDomain
from schemas.exchange import topics

# The records stay importable from schemas.exchange, where the whole code base
# has always taken them (DepositCash, Side, CASH, TRADER_COMMANDS, ALL, ...).
from schemas.exchange.records import *  # noqa: F403
from schemas.exchange.records import ALL

SCHEMA_DOMAIN = SchemaDomain(
    name="exchange",
    records=ALL,
    history=Path(__file__).parent / "history",
    topics=topics.EXCHANGE_TOPICS,
    changelogs=topics.EXCHANGE_CHANGELOGS,
)
