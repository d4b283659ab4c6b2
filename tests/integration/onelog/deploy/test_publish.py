"""What `up` publishes for the deployment system lands on the log once, and
its processes start and answer as `up` waits for them."""

from __future__ import annotations

import stat
from collections import Counter

import httpx
import pytest

from infra import processes
from infra.kafka_broker import bootstrap_servers
from infra.settings import Settings
from onelog import platform
from onelog.audit_log import logged_records
from onelog.deploy import CLI
from onelog.deploy.publish import publish_on_up
from onelog.deploy.sample_releases import BAD_RELEASE, GOOD_RELEASE, SERVICE
from onelog.deploy.services import ORIGIN, region_agent_name
from schemas.deploy.records import BuildRelease, SetServiceHosts
from schemas.deploy.topics import DEPLOY_TOPICS
from streams.deploy.config import deploy_settings

pytestmark = pytest.mark.integration


def _published(settings: Settings) -> Counter[str]:
    seen: Counter[str] = Counter()
    topics = [spec.name for spec in DEPLOY_TOPICS]
    for logged in logged_records(bootstrap_servers(settings), topics, lambda: None):
        record = logged.record
        if isinstance(record, SetServiceHosts) and record.service == SERVICE:
            seen["hosts"] += 1
        elif isinstance(record, BuildRelease) and record.service == SERVICE:
            seen[record.release_id] += 1
    return seen


def test_up_publishes_the_sample_once_and_keeps_the_key_private(
    infrastructure: Settings,
) -> None:
    # The suite's own deploy folder, as `up` and the e2e tests use it: a
    # BuildRelease naming a repository elsewhere would stay on this log.
    publish_on_up(infrastructure)
    publish_on_up(infrastructure)
    # Once on this log, however many `up`s (and test runs) published.
    assert _published(infrastructure) == {"hosts": 1, GOOD_RELEASE: 1, BAD_RELEASE: 1}
    deploy = deploy_settings(infrastructure)
    assert stat.S_IMODE(deploy.signing_key_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(deploy.signing_key_path.parent.stat().st_mode) == 0o700
    assert b"PUBLIC KEY" in deploy.public_key_path.read_bytes()
    assert (deploy.deploy_dir / "repos" / "hello-service" / ".git").is_dir()


def test_the_origin_and_a_region_agent_start_and_answer(infrastructure: Settings) -> None:
    deploy = deploy_settings(infrastructure)
    services = {s.name: s for s in CLI.services(infrastructure)}
    wanted = [ORIGIN, region_agent_name(deploy.regions[0])]
    if any(processes.running_pid(infrastructure.state_dir, n) for n in wanted):
        pytest.skip("the e2e platform's deploy processes run: they answer already")
    try:
        for name in wanted:
            platform.start_domain_service(infrastructure, services[name])
        stats = httpx.get(f"{deploy.origin_url}/stats", timeout=5)
        assert stats.status_code == 200 and "bytes_sent" in stats.json()
        cache = httpx.get(f"{deploy.region_cache_url(deploy.regions[0])}/healthz", timeout=5)
        assert cache.status_code == 200
    finally:
        for name in reversed(wanted):
            processes.stop(infrastructure.state_dir, name)
    assert all(processes.running_pid(infrastructure.state_dir, n) is None for n in wanted)
