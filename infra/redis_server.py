"""Debian's redis-server, on its own port and folder under the state dir (on
loopback unless ONELOG_REDIS_URL names another address)."""

from __future__ import annotations

from urllib.parse import urlparse

from infra import processes, readiness
from infra.listeners import listens_on
from infra.settings import Settings

SERVICE = "redis"


def address(settings: Settings) -> tuple[str, int]:
    """(host, port) where this platform's Redis listens."""
    url = urlparse(settings.redis_url)
    return url.hostname or "127.0.0.1", url.port or 6379


def start(settings: Settings, timeout: float = 20.0) -> None:
    host, port = address(settings)
    if processes.port_open(host, port):
        return  # a Redis already serves this port
    data_dir = settings.state_dir / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    server = processes.start(
        settings.state_dir,
        SERVICE,
        [
            "redis-server",
            "--bind",
            host,
            "--port",
            str(port),
            "--dir",
            str(data_dir),
            # Redis holds read models only: the log rebuilds them, so an
            # append-only file is a convenience, not the source of truth.
            "--appendonly",
            "yes",
            "--save",
            "",
            "--daemonize",
            "no",
        ],
    )
    processes.wait_ready(
        server,
        lambda: listens_on(server.pid, port) and readiness.redis_answers(settings.redis_url),
        timeout,
    )


def stop(settings: Settings) -> None:
    processes.stop(settings.state_dir, SERVICE)


def is_running(settings: Settings) -> bool:
    """True if this state folder's own redis-server runs (not one started elsewhere)."""
    return processes.running_pid(settings.state_dir, SERVICE) is not None
