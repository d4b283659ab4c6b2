"""The whole platform on this machine: what `onelog up` starts and `down` stops.

Order matters: Kafka and Redis first, then topics and schemas, then the
processes that use them (Faust workers, the projector that owns chDB, the
gateway). Every step is a no-op when its part already runs.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from urllib.parse import urlparse

from infra import kafka_broker, processes, redis_server
from infra.problem_catalog import publish_catalog
from infra.settings import REPO_ROOT, Settings
from infra.topic_admin import create_topics, publish_schemas, wait_for_group_coordinator

PROJECTOR = "projector"
GATEWAY = "gateway"


def worker_name(index: int) -> str:
    return f"worker-{index}"


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a child process see these same settings."""
    env = {
        "ONELOG_STATE_DIR": str(settings.state_dir),
        "ONELOG_KAFKA_BOOTSTRAP": kafka_broker.bootstrap_servers(settings),
        "ONELOG_KAFKA_BROKERS": str(settings.kafka_brokers),
        "ONELOG_REDIS_URL": settings.redis_url,
        "ONELOG_CHDB_PATH": str(settings.chdb_path),
        "ONELOG_ANALYTICS_URL": settings.analytics_url,
        "ONELOG_GATEWAY_HOST": settings.gateway_host,
        "ONELOG_GATEWAY_PORT": str(settings.gateway_port),
        "ONELOG_PARTITIONS": str(settings.partitions),
        "ONELOG_NAMESPACE": settings.namespace,
        "ONELOG_API_KEYS_FILE": str(settings.api_keys_file),
        "PYTHONPATH": str(REPO_ROOT),
    }
    if settings.clickhouse_url:
        env["CLICKHOUSE_URL"] = settings.clickhouse_url
    return env


def start_infrastructure(settings: Settings) -> None:
    """Kafka, Redis, topics and schemas: what every test and process needs."""
    kafka_broker.start(settings)
    redis_server.start(settings)
    bootstrap = kafka_broker.bootstrap_servers(settings)
    create_topics(bootstrap, settings.partitions, min(3, settings.kafka_brokers))
    publish_schemas(bootstrap)
    wait_for_group_coordinator(bootstrap)


def start_worker(settings: Settings, index: int) -> processes.ServiceProcess:
    return processes.start(
        settings.state_dir,
        worker_name(index),
        [
            sys.executable,
            "-m",
            "faust",
            "-A",
            "streams.worker",
            "worker",
            "-l",
            "info",
            # Faust binds its web port even with the web server off: one per worker.
            "--web-port",
            str(settings.worker_web_port + index),
        ],
        env=settings_env(settings),
        cwd=REPO_ROOT,
    )


def start_projector(settings: Settings) -> processes.ServiceProcess:
    proc = processes.start(
        settings.state_dir,
        PROJECTOR,
        [sys.executable, "-m", "projections.runner"],
        env=settings_env(settings),
        cwd=REPO_ROOT,
    )
    url = urlparse(settings.analytics_url)
    processes.wait_until(
        lambda: processes.port_open(url.hostname or "127.0.0.1", url.port or 80),
        60,
        "projector (analytics endpoint)",
        proc.log,
    )
    return proc


def start_gateway(settings: Settings) -> processes.ServiceProcess:
    proc = processes.start(
        settings.state_dir,
        GATEWAY,
        [
            sys.executable,
            "-m",
            "uvicorn",
            "gateway.app:create_app",
            "--factory",
            "--host",
            settings.gateway_host,
            "--port",
            str(settings.gateway_port),
            "--no-access-log",
        ],
        env=settings_env(settings),
        cwd=REPO_ROOT,
    )
    processes.wait_until(
        lambda: processes.port_open(settings.gateway_host, settings.gateway_port),
        60,
        "gateway",
        proc.log,
    )
    return proc


@dataclass(frozen=True)
class ServiceStatus:
    name: str
    pid: int | None

    @property
    def running(self) -> bool:
        return self.pid is not None


# The worker slots `status` and `down` look for.
MAX_WORKERS = 8


def service_names(settings: Settings) -> list[str]:
    """Every service this platform may run, in the order `up` starts them."""
    names = [n.service_name for n in kafka_broker.nodes(settings)]
    names.append(redis_server.SERVICE)
    names += [worker_name(i) for i in range(1, MAX_WORKERS + 1)]
    names += [PROJECTOR, GATEWAY]
    return names


def status(settings: Settings) -> list[ServiceStatus]:
    return [
        ServiceStatus(name, processes.running_pid(settings.state_dir, name))
        for name in service_names(settings)
    ]


def up(settings: Settings, workers: int = 1) -> None:
    start_infrastructure(settings)
    # The team's problems, so a fresh platform has something to solve.
    publish_catalog(kafka_broker.bootstrap_servers(settings))
    for index in range(1, workers + 1):
        start_worker(settings, index)
    start_projector(settings)
    start_gateway(settings)


def down(settings: Settings) -> list[str]:
    """Stop every service in the reverse of start order: Kafka's users before Kafka."""
    return [
        name
        for name in reversed(service_names(settings))
        if processes.stop(settings.state_dir, name, timeout=30.0)
    ]
