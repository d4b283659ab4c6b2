"""What a Faust worker runs: the app with every domain's stages and agents
registered, its /readyz, and the real writers the agents are handed.

Start one with `faust -A onelog.worker worker` (onelog/platform.py:
start_worker); more workers share the partitions between them. This is the
worker's composition root: streams/ declares the agents and their ports, and
the read side's writers are plugged in here, so streams never import
projections.
"""

from __future__ import annotations

from infra.settings import settings
from projections.judge.live_progress import RedisLiveProgress
from streams.app import app
from streams.exchange import stages as exchange_stages
from streams.judge import agents as judge_agents
from streams.readiness import Readiness

_settings = settings()
judge_agents.live_progress.plug(RedisLiveProgress(_settings.redis_url, _settings.namespace))

__all__ = ["Readiness", "app", "exchange_stages", "judge_agents"]
