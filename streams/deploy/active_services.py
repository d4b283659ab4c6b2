"""Which services the clock must tick: those with a deployment active or
queued, as deploy.facts tells it.

A deployment counts from DeploymentStarted, DeploymentQueued or
RollbackStarted (a rollback of an earlier success has no start of its own)
until DeploymentSucceeded, DeploymentRolledBack, DeploymentDequeued, or a
CommandRejected naming it (a queued deployment refused when its turn came).
Pure: no I/O, no clock. Facts must come in the log's order per service (one
partition holds a service's), as a re-read from the beginning gives them.
"""

from __future__ import annotations

from schemas.deploy.records import (
    CommandRejected,
    DeploymentDequeued,
    DeploymentQueued,
    DeploymentRolledBack,
    DeploymentStarted,
    DeploymentSucceeded,
    RollbackStarted,
)
from schemas.envelope import Record

_OPENS = (DeploymentStarted, DeploymentQueued, RollbackStarted)
_ENDS = (DeploymentSucceeded, DeploymentRolledBack, DeploymentDequeued)


class ActiveServices:
    def __init__(self) -> None:
        self._open: dict[str, set[str]] = {}  # service -> its deployments not yet ended

    def apply(self, fact: Record) -> None:
        """Take one fact of deploy.facts, in the log's order for its service."""
        if isinstance(fact, _OPENS):
            self._open.setdefault(fact.service, set()).add(fact.deployment_id)
        elif isinstance(fact, _ENDS) or (
            isinstance(fact, CommandRejected) and fact.command == "StartDeployment"
        ):
            open_ = self._open.get(fact.service)
            if open_ is not None:
                open_.discard(fact.deployment_id)
                if not open_:
                    del self._open[fact.service]

    def services(self) -> list[str]:
        """The services to tick, sorted."""
        return sorted(self._open)
