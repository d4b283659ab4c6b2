"""What a Faust worker runs: the app with every domain's stages and agents
registered, and its /readyz.

Start one with `faust -A streams.worker worker`; more workers share the
partitions between them.
"""

from __future__ import annotations

from streams.app import app
from streams.exchange import stages as exchange_stages
from streams.judge import agents as judge_agents
from streams.readiness import Readiness

__all__ = ["Readiness", "app", "exchange_stages", "judge_agents"]
