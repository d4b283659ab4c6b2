"""`onelog test` and `onelog up` (its defaults) never reach for the same port."""

from __future__ import annotations

import os

import pytest

from infra.settings import Settings, load_settings
from onelog import platform
from onelog.cli import SUITE_ENVIRONMENT
from streams.deploy.config import DEFAULT_REGIONS


def _settings_of(environment: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in os.environ:
        if name.startswith("ONELOG_"):
            monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    # Three brokers: the most ports `up` may take.
    monkeypatch.setenv("ONELOG_KAFKA_BROKERS", "3")
    return load_settings()


def _ports(settings: Settings) -> dict[int, str]:
    return {port: name for name, ports in platform.ports(settings).items() for port in ports}


def test_the_suite_and_up_share_no_port_and_no_state(monkeypatch: pytest.MonkeyPatch) -> None:
    # Ports are read while each environment holds: the deployment system's
    # (streams/deploy/config.py) come from the environment, not from Settings.
    up = _settings_of({}, monkeypatch)
    up_ports = _ports(up)
    suite = _settings_of(SUITE_ENVIRONMENT, monkeypatch)
    suite_ports = _ports(suite)
    # Every service of both: three brokers (broker and controller ports), Redis,
    # every worker slot, the projector, the gateway, the deployment system's
    # origin and one agent per region.
    domain = 1 + len(DEFAULT_REGIONS)
    assert len(up_ports) == len(suite_ports) == 3 * 2 + 1 + platform.MAX_WORKERS + 2 + domain
    shared = {
        port: (up_ports[port], suite_ports[port]) for port in up_ports.keys() & suite_ports.keys()
    }
    assert shared == {}
    assert up.state_dir != suite.state_dir
