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
from onelog.domain import cli_domains
from streams.app import app
from streams.domain import Plugs, streams_domains
from streams.engine.host import StageHost
from streams.readiness import Readiness

_settings = settings()
_domains = streams_domains()
# The read side's writers, by the port name an agent asks for.
_plugs: Plugs = {port: writer for d in cli_domains() for port, writer in d.plugs(_settings).items()}
for _domain in _domains:
    _domain.agents(app, _plugs)
# Every domain's deciding stages, started and stopped with the Faust app like its agents.
stage_host = app.add_dependency(StageHost([stage for d in _domains for stage in d.stages]))

__all__ = ["Readiness", "app", "stage_host"]
