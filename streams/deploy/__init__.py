"""The deployment system: the orchestrator's pure core (waves.py,
failures.py, approval.py) and, as they land, its deciding stage, the clock,
the builder and the region agents (docs/deploy.md)."""

from __future__ import annotations

from streams.domain import StreamsDomain

STREAMS = StreamsDomain(name="deploy")
