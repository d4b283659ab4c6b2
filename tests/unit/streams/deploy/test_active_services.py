"""Which services the clock ticks, from the orchestrator's facts."""

from __future__ import annotations

from typing import Any

from schemas.deploy.records import (
    CommandRejected,
    DeploymentDequeued,
    DeploymentQueued,
    DeploymentRolledBack,
    DeploymentStarted,
    DeploymentSucceeded,
    HostsChanged,
    RollbackStarted,
)
from schemas.envelope import Record
from streams.deploy.active_services import ActiveServices
from tests.unit.streams.deploy.orchestrator_driver import Driver, sealed


def _fact(model: type[Record], **payload: Any) -> Record:
    return model.model_construct(**payload)


def test_a_service_is_ticked_from_its_start_to_its_end() -> None:
    active = ActiveServices()
    active.apply(_fact(HostsChanged, service="a"))
    assert active.services() == []
    active.apply(_fact(DeploymentStarted, service="b", deployment_id="d1"))
    active.apply(_fact(DeploymentStarted, service="a", deployment_id="d2"))
    active.apply(_fact(DeploymentQueued, service="a", deployment_id="d3"))
    assert active.services() == ["a", "b"]
    active.apply(_fact(DeploymentSucceeded, service="a", deployment_id="d2"))
    assert active.services() == ["a", "b"]  # d3 waits
    active.apply(_fact(CommandRejected, service="a", deployment_id="d3", command="StartDeployment"))
    active.apply(_fact(DeploymentRolledBack, service="b", deployment_id="d1"))
    assert active.services() == []


def test_a_rollback_of_an_earlier_success_is_ticked_too() -> None:
    active = ActiveServices()
    active.apply(_fact(DeploymentStarted, service="a", deployment_id="d1"))
    active.apply(_fact(DeploymentSucceeded, service="a", deployment_id="d1"))
    active.apply(_fact(RollbackStarted, service="a", deployment_id="d1"))
    assert active.services() == ["a"]
    active.apply(_fact(DeploymentQueued, service="a", deployment_id="d2"))
    active.apply(_fact(DeploymentDequeued, service="a", deployment_id="d2"))
    active.apply(_fact(DeploymentRolledBack, service="a", deployment_id="d1"))
    assert active.services() == []


def test_it_follows_the_orchestrator_through_a_whole_deployment() -> None:
    d = Driver()
    d.release()
    d.start()
    active = ActiveServices()
    for kind, payload in d.log:
        active.apply(sealed(kind, d.now_ms, payload))
    assert active.services() == ["shop"]
    d.settle_all()
    active = ActiveServices()
    for kind, payload in d.log:
        active.apply(sealed(kind, d.now_ms, payload))
    assert active.services() == []
