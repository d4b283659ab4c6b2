"""What a Faust worker runs: the app with every domain's agents registered,
and its /readyz.

Start one with `faust -A streams.worker worker`; more workers share the
partitions between them.
"""

from __future__ import annotations

from streams.app import app
from streams.exchange import agents as exchange_agents
from streams.judge import agents as judge_agents
from streams.readiness import Readiness

__all__ = ["Readiness", "app", "exchange_agents", "judge_agents"]
