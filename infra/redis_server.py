"""Debian's redis-server, on its own port and folder under the state dir."""

from __future__ import annotations

from urllib.parse import urlparse

from infra import processes
from infra.settings import Settings

SERVICE = "redis"


def _host_port(settings: Settings) -> tuple[str, int]:
    url = urlparse(settings.redis_url)
    return url.hostname or "127.0.0.1", url.port or 6379


def start(settings: Settings, timeout: float = 20.0) -> None:
    host, port = _host_port(settings)
    if processes.port_open(host, port):
        return  # a Redis already serves this port
    data_dir = settings.state_dir / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    processes.start(
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
    processes.wait_until(
        lambda: processes.port_open(host, port),
        timeout,
        f"Redis on port {port}",
        processes.log_file(settings.state_dir, SERVICE),
    )


def stop(settings: Settings) -> None:
    processes.stop(settings.state_dir, SERVICE)


def is_running(settings: Settings) -> bool:
    """True if this state folder's own redis-server runs (not one started elsewhere)."""
    return processes.running_pid(settings.state_dir, SERVICE) is not None
