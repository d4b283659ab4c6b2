"""The stock exchange's pure core (order book, matching, accounts) and its two
deciding stages, which the worker runs on the batched engine."""

from __future__ import annotations

from streams.domain import StreamsDomain
from streams.exchange.stages import ACCOUNT_STAGE, MATCHING_STAGE

STREAMS = StreamsDomain(name="exchange", stages=(ACCOUNT_STAGE, MATCHING_STAGE))
