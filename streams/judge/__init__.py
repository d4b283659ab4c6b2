"""The coding-interview judge: limits, sandbox, languages, problems and the agent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from streams.domain import Plugs, StreamsDomain

if TYPE_CHECKING:
    import faust


def _agents(app: faust.App, plugs: Plugs) -> None:
    # Imported here: the agent's module builds the sandbox and the problem
    # store, which only a worker needs.
    from streams.judge import agents

    agents.register(app, plugs)


STREAMS = StreamsDomain(name="judge", agents=_agents)
