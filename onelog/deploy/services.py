"""The deployment system's own processes, which `up` starts after the workers
and `down` stops: the origin (the blob store over HTTP), one agent per region
(its hosts and its cache) and the clock (time for active deployments).

Each child is given the deploy settings this process sees (ONELOG_DEPLOY_*),
so all of them agree on folders and ports whatever their own environment.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from urllib.parse import urlparse

from infra import processes, readiness
from infra.listeners import listens_on
from infra.settings import Settings
from onelog.domain import DomainService
from streams.deploy.config import DeploySettings, deploy_settings

ORIGIN = "deploy-origin"
CLOCK = "deploy-clock"


def region_agent_name(region: str) -> str:
    return f"deploy-region-{region}"


def deploy_env(deploy: DeploySettings) -> dict[str, str]:
    """The environment that makes a child read these same deploy settings."""
    return {
        "ONELOG_DEPLOY_DIR": str(deploy.deploy_dir),
        "ONELOG_DEPLOY_HOST": deploy.host,
        "ONELOG_DEPLOY_ORIGIN_PORT": str(deploy.origin_port),
        "ONELOG_DEPLOY_REGION_PORT": str(deploy.region_port),
        "ONELOG_DEPLOY_REGIONS": ",".join(deploy.regions),
        "ONELOG_DEPLOY_TICK_MS": str(deploy.tick_ms),
    }


def _serves_healthz(base_url: str) -> Callable[[processes.ServiceProcess], bool]:
    port = urlparse(base_url).port or 80

    def ready(proc: processes.ServiceProcess) -> bool:
        return listens_on(proc.pid, port) and readiness.http_ok(f"{base_url}/healthz")

    return ready


def _running(proc: processes.ServiceProcess) -> bool:
    # The clock has no listener: it is ready once it runs (it reads the
    # facts from the start before its first tick, which needs no waiting).
    return processes.is_alive(proc.pid)


def origin_service(deploy: DeploySettings) -> DomainService:
    return DomainService(
        name=ORIGIN,
        argv=(sys.executable, "-m", "streams.deploy.origin"),
        ready=_serves_healthz(deploy.origin_url),
        env=deploy_env(deploy),
        ports=(deploy.origin_port,),
    )


def _stop_hosts(deploy: DeploySettings, region: str) -> Callable[[], None]:
    def stop() -> None:
        from streams.deploy.region_agent import stop_region_hosts

        stop_region_hosts(deploy, region)

    return stop


def region_agent_service(deploy: DeploySettings, region: str) -> DomainService:
    url = deploy.region_cache_url(region)
    return DomainService(
        name=region_agent_name(region),
        argv=(sys.executable, "-m", "streams.deploy.region_agent", "--region", region),
        ready=_serves_healthz(url),
        env=deploy_env(deploy),
        ports=(urlparse(url).port or 80,),
        # Hosts' releases run in sessions of their own and outlive the agent.
        after_stop=_stop_hosts(deploy, region),
    )


def clock_service(deploy: DeploySettings) -> DomainService:
    return DomainService(
        name=CLOCK,
        argv=(sys.executable, "-m", "streams.deploy.clock"),
        ready=_running,
        env=deploy_env(deploy),
    )


def deploy_services(settings: Settings) -> Sequence[DomainService]:
    """In start order: the origin before the agents that fetch from it."""
    deploy = deploy_settings(settings)
    return (
        origin_service(deploy),
        *(region_agent_service(deploy, region) for region in deploy.regions),
        clock_service(deploy),
    )
