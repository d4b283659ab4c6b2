"""Quick probes of whether a service does its job, for `onelog up` to wait on.

Each answers within about a second and never raises: a service that is not
ready yet is simply not ready.
"""

from __future__ import annotations

import urllib.error
import urllib.request

import redis

PROBE_TIMEOUT_S = 1.0


def reachable_host(bind: str) -> str:
    """Where to reach a listener bound to `bind` from this machine."""
    if bind in ("", "0.0.0.0"):
        return "127.0.0.1"
    if bind == "::":
        return "::1"
    return bind


def http_url(bind: str, port: int, path: str) -> str:
    host = reachable_host(bind)
    return f"http://{f'[{host}]' if ':' in host else host}:{port}{path}"


def http_ok(url: str) -> bool:
    """True if GET url answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT_S) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def redis_answers(url: str) -> bool:
    """True if Redis answers PING (not while it loads its data)."""
    client = redis.Redis.from_url(
        url, socket_timeout=PROBE_TIMEOUT_S, socket_connect_timeout=PROBE_TIMEOUT_S
    )
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()
