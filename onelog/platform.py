"""The whole platform on this machine: what `onelog up` starts and `down` stops.

Order matters: Kafka and Redis first, then topics and schemas, then what the
domains publish (CliDomain.publish), then the processes that use them (Faust
workers, the projector that owns chDB, the gateway). Every step is a no-op when
its part already runs, and `up` returns only once every part answers as ready,
not merely has a pid, and every domain's read model shows what it published.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlparse

from infra import kafka_broker, processes, readiness, redis_server
from infra.listeners import listens_on
from infra.settings import REPO_ROOT, Settings
from infra.topic_admin import create_topics, publish_schemas, wait_for_group_coordinator
from onelog.domain import DomainService, cli_domains

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
        "ONELOG_WORKER_WEB_HOST": settings.worker_web_host,
        "ONELOG_WORKER_WEB_PORT": str(settings.worker_web_port),
        "ONELOG_PARTITIONS": str(settings.partitions),
        "ONELOG_NAMESPACE": settings.namespace,
        "ONELOG_API_KEYS_FILE": str(settings.api_keys_file),
        "PYTHONPATH": str(REPO_ROOT),
    }
    if settings.clickhouse_url:
        env["CLICKHOUSE_URL"] = settings.clickhouse_url
    return {**env, **settings.process_env}


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
            "onelog.worker",
            "worker",
            "-l",
            "info",
            # One web port per worker, for its /readyz.
            "--web-port",
            str(worker_web_port(settings, index)),
        ],
        # The slot names the stage engine's transactional producers: worker i
        # restarted fences and aborts what the dead worker i left open.
        env={**settings_env(settings), "ONELOG_WORKER_ID": str(index)},
        cwd=REPO_ROOT,
    )


def worker_web_port(settings: Settings, index: int) -> int:
    return settings.worker_web_port + index


def wait_for_worker(settings: Settings, worker: processes.ServiceProcess, index: int) -> None:
    """Until the worker has joined the group and recovered its tables."""
    port = worker_web_port(settings, index)
    readyz = readiness.http_url(settings.worker_web_host, port, "/readyz")
    processes.wait_ready(
        worker,
        lambda: listens_on(worker.pid, port) and readiness.http_ok(readyz),
        # A worker that replaces a killed one waits out the dead member's session.
        timeout=180,
    )


def start_projector(settings: Settings) -> processes.ServiceProcess:
    proc = processes.start(
        settings.state_dir,
        PROJECTOR,
        [sys.executable, "-m", "projections.runner"],
        env=settings_env(settings),
        cwd=REPO_ROOT,
    )
    port = urlparse(settings.analytics_url).port or 80
    healthz = f"{settings.analytics_url}/healthz"
    processes.wait_ready(
        proc, lambda: listens_on(proc.pid, port) and readiness.http_ok(healthz), timeout=60
    )
    return proc


def start_gateway(settings: Settings, workers: int = 1) -> processes.ServiceProcess:
    """uvicorn on uvloop and httptools; with workers > 1, that many processes
    on the one port (uvicorn's supervisor, which restarts a worker that dies);
    returns once every one of them answers /readyz."""
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
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--no-access-log",
            # Nothing sits in front of it: no X-Forwarded-* header is to be trusted.
            "--no-proxy-headers",
            *(["--workers", str(workers)] if workers > 1 else []),
        ],
        env=settings_env(settings),
        cwd=REPO_ROOT,
    )
    readyz = readiness.http_url(settings.gateway_host, settings.gateway_port, "/readyz")
    answered: set[str] = set()

    def every_process_ready() -> bool:
        if not listens_on(proc.pid, settings.gateway_port):
            return False
        # Each probe is a new connection, which the kernel hands to one of
        # the processes sharing the socket: ready once each has answered.
        for _ in range(2 * workers):
            answered.update(_gateway_process_ready(readyz))
        return len(answered) >= workers

    processes.wait_ready(proc, every_process_ready, timeout=60)
    return proc


def _gateway_process_ready(readyz: str) -> set[str]:
    """The id of the gateway process that answered /readyz as ready, if one did
    ("" for a gateway from before /readyz named its process)."""
    try:
        with urllib.request.urlopen(readyz, timeout=readiness.PROBE_TIMEOUT_S) as response:
            return {str(json.load(response).get("process", ""))}
    except (urllib.error.URLError, OSError, ValueError, AttributeError):
        return set()


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
    names += [service.name for service in domain_services(settings)]
    return names


def ports(settings: Settings, workers: int = MAX_WORKERS) -> dict[str, list[int]]:
    """The ports each service listens on, by service name."""
    found = {n.service_name: [n.port, n.controller_port] for n in kafka_broker.nodes(settings)}
    found[redis_server.SERVICE] = [redis_server.address(settings)[1]]
    for index in range(1, workers + 1):
        found[worker_name(index)] = [worker_web_port(settings, index)]
    found[PROJECTOR] = [urlparse(settings.analytics_url).port or 80]
    found[GATEWAY] = [settings.gateway_port]
    for service in domain_services(settings):
        found[service.name] = list(service.ports)
    return found


def status(settings: Settings) -> list[ServiceStatus]:
    return [
        ServiceStatus(name, processes.running_pid(settings.state_dir, name))
        for name in service_names(settings)
    ]


def up(settings: Settings, workers: int = 1, gateway_workers: int = 1) -> None:
    """Start what is not running and return once every part is ready; raise
    processes.ServiceNotReady naming the first part that is not."""
    start_infrastructure(settings)
    domains = cli_domains()
    for domain in domains:
        if domain.publish is not None:
            domain.publish(settings)
    # Workers take longest to be ready (joining, recovering): start them first
    # and wait for them last.
    started = [start_worker(settings, index) for index in range(1, workers + 1)]
    projector = start_projector(settings)
    start_gateway(settings, gateway_workers)
    for domain in domains:
        if domain.wait_published is not None:
            domain.wait_published(settings, projector)
    for index, worker in enumerate(started, start=1):
        wait_for_worker(settings, worker, index)
    for service in domain_services(settings):
        start_domain_service(settings, service)


def domain_services(settings: Settings) -> list[DomainService]:
    return [service for domain in cli_domains() for service in domain.services(settings)]


def start_domain_service(settings: Settings, service: DomainService) -> processes.ServiceProcess:
    proc = processes.start(
        settings.state_dir,
        service.name,
        service.argv,
        env={**settings_env(settings), **service.env},
        cwd=REPO_ROOT,
    )
    processes.wait_ready(proc, lambda: service.ready(proc), timeout=service.ready_timeout_s)
    return proc


def down(settings: Settings) -> list[str]:
    """Stop every service in the reverse of start order: Kafka's users before Kafka."""
    after_stop = {s.name: s.after_stop for s in domain_services(settings) if s.after_stop}
    stopped = []
    for name in reversed(service_names(settings)):
        if processes.stop(settings.state_dir, name, timeout=30.0):
            stopped.append(name)
        if name in after_stop:
            after_stop[name]()
    return stopped
