"""The deployment system: the orchestrator's pure core (waves.py,
failures.py, approval.py) and, as they land, its deciding stage, the clock,
the builder and the region agents (docs/deploy.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from streams.deploy.stage import ORCHESTRATOR_STAGE
from streams.domain import Plugs, StreamsDomain

if TYPE_CHECKING:
    import faust


def register_agents(app: faust.App, plugs: Plugs) -> None:
    # Imported here: the builder's shell builds the sandbox and loads the
    # signing key, which only a worker needs.
    from streams.deploy import builder_agent

    builder_agent.register(app, plugs)


STREAMS = StreamsDomain(name="deploy", stages=(ORCHESTRATOR_STAGE,), agents=register_agents)
