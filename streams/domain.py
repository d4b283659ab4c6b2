"""What one domain brings to the stream worker, declared once.

Each domain's package (`streams/<domain>/__init__.py`) exports
`STREAMS: StreamsDomain`; the worker's composition (onelog/worker.py) walks
`streams_domains()`, hosts every domain's deciding stages on the batched
engine and has every domain register its Faust agents, naming no domain
itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from infra.domains import domain_modules
from streams.engine.stage import Stage

if TYPE_CHECKING:  # a pure core's import of its domain's package loads no Faust
    import faust

Plugs = Mapping[str, object]
"""The read side's writers the worker's composition built for the agents, by
port name (e.g. "judge.live_progress"): streams/ may not import projections,
so a port's writer is handed in. An agent runs without a writer it is not
handed."""


def _no_agents(app: faust.App, plugs: Plugs) -> None:
    return None


@dataclass(frozen=True)
class StreamsDomain:
    """Contract: importing the domain's package builds its stages but starts
    nothing and imports no Faust app; `agents` may, as only a worker calls it."""

    name: str
    # Its deciding stages, run on the batched engine (streams/engine) in every worker.
    stages: tuple[Stage, ...] = ()
    # Registers its Faust topics, tables and agents on the app; called once per worker.
    agents: Callable[[faust.App, Plugs], None] = field(default=_no_agents)


def streams_domains() -> tuple[StreamsDomain, ...]:
    """Every domain's descriptor, in the order of infra.domains.DOMAINS."""
    return tuple(module.STREAMS for module in domain_modules("streams"))
