"""Every listener the platform starts binds loopback unless a setting exposes it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra import processes
from infra.listeners import listening, process_group
from infra.settings import Settings
from onelog import platform

STARTED_HERE = (
    (platform.worker_name(1), lambda s: platform.start_worker(s, 1)),
    (platform.PROJECTOR, platform.start_projector),
    (platform.GATEWAY, platform.start_gateway),
)


def _listens_on_its_ports(settings: Settings, name: str, ports: list[int]) -> bool:
    pid = processes.running_pid(settings.state_dir, name)
    return pid is not None and set(ports) <= {x.port for x in listening(process_group(pid))}


@pytest.fixture(scope="module")
def whole_platform(infrastructure: Settings) -> Iterator[Settings]:
    settings = infrastructure
    started = []
    try:
        for name, start in STARTED_HERE:
            if processes.running_pid(settings.state_dir, name) is None:
                started.append(name)
            start(settings)
        # The domains' own processes (the deployment system's origin, region
        # agents and clock), as `up` starts them after the others.
        for service in platform.domain_services(settings):
            if processes.running_pid(settings.state_dir, service.name) is None:
                started.append(service.name)
            platform.start_domain_service(settings, service)
        for name, ports in platform.ports(settings, workers=1).items():
            processes.wait_until(
                lambda n=name, p=ports: _listens_on_its_ports(settings, n, p),  # type: ignore[misc]
                120,
                f"{name} listening on {ports}",
                processes.log_file(settings.state_dir, name),
            )
        yield settings
    finally:
        for name in reversed(started):
            processes.stop(settings.state_dir, name)


def test_every_listener_of_every_service_is_on_loopback(whole_platform: Settings) -> None:
    expected = platform.ports(whole_platform, workers=1)
    domains = {service.name for service in platform.domain_services(whole_platform)}
    assert set(expected) == {"kafka-1", "redis", "worker-1", "projector", "gateway", *domains}
    for name, ports in expected.items():
        pid = processes.running_pid(whole_platform.state_dir, name)
        assert pid is not None, f"{name} runs from another state folder: its pid is unknown"
        listeners = listening(process_group(pid))
        assert set(ports) <= {x.port for x in listeners}, (name, listeners)
        exposed = sorted(f"{x.host}:{x.port}" for x in listeners if not x.is_loopback)
        assert exposed == [], f"{name} listens beyond loopback: {exposed}"
