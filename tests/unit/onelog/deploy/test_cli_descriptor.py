"""The deployment system's part of the command: its processes, its curls,
its key option and its audit."""

from __future__ import annotations

import json
import shlex

from infra.settings import load_settings
from onelog.cli import build_parser
from onelog.deploy import CLI
from onelog.deploy.services import CLOCK, ORIGIN, region_agent_name
from streams.deploy.config import DEFAULT_REGIONS, deploy_settings


def test_up_starts_the_origin_then_one_agent_per_region_then_the_clock() -> None:
    settings = load_settings()
    services = list(CLI.services(settings))
    names = [s.name for s in services]
    regions = deploy_settings(settings).regions
    assert names == [ORIGIN, *(region_agent_name(r) for r in regions), CLOCK]
    agent = services[1]
    assert list(agent.argv[-4:]) == ["-m", "streams.deploy.region_agent", "--region", regions[0]]
    # Every child sees the same deploy folder and ports as this process.
    assert agent.env["ONELOG_DEPLOY_DIR"] == str(deploy_settings(settings).deploy_dir)
    # Ports are distinct, one per listener.
    ports = [port for s in services for port in s.ports]
    assert len(ports) == len(set(ports)) == 1 + len(regions)


def test_five_regions_by_default() -> None:
    assert len(DEFAULT_REGIONS) == 5


def test_the_sample_curls_deploy_the_good_then_the_bad_release() -> None:
    samples = CLI.samples("http://gw", "k.s")
    assert list(samples) == ["deploy_curl", "deploy_rollback_curl"]
    bodies = [json.loads(shlex.split(curl)[-1]) for curl in samples.values()]
    assert bodies == [
        {"service": "hello", "release_id": "hello-good"},
        {"service": "hello", "release_id": "hello-bad"},
    ]
    assert all("http://gw/v1/deploy/deployments" in curl for curl in samples.values())


def test_keys_take_services_and_audit_takes_a_deployment() -> None:
    parser = build_parser()
    keys = parser.parse_args(["keys", "k1", "--service", "hello", "--service", "api"])
    assert keys.service == ["hello", "api"]
    audit = parser.parse_args(["audit", "deployment", "d-1", "--json"])
    assert audit.deployment_id == "d-1" and audit.json


def test_down_ends_the_hosts_releases_after_each_region_agent() -> None:
    services = list(CLI.services(load_settings()))
    agents = [s for s in services if s.name.startswith("deploy-region-")]
    assert agents and all(s.after_stop is not None for s in agents)
    assert all(s.after_stop is None for s in services if s not in agents)
