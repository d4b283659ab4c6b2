"""Ports for the hosts' release processes: from a slice of the ports below
the kernel's ephemeral range, one slice per region agent, handed out in turn.

Why: a port found free by binding port 0 and closing it is free only at that
instant, and the release binds it a moment later. With a hundred hosts
starting at once, another host's pick or an outgoing connection (health
checks connect from ephemeral ports) took such a port in between and the
release died of EADDRINUSE (seen in bench.deploy_rollout). Below the
ephemeral range (32768-60999 by default) no outgoing connection takes a
port; a slice per agent keeps the agents apart; handing ports out in turn
gives one back to its agent only after every other port of the slice, and
a port found bound is skipped.
"""

from __future__ import annotations

import random
import socket
import threading

LOWEST = 20_000
HIGHEST = 32_000  # exclusive: the ephemeral range starts at 32768


class PortPicker:
    def __init__(self, first: int = LOWEST, end: int = HIGHEST) -> None:
        if not 0 < first < end <= 65_536:
            raise ValueError(f"not a port range: {first}..{end}")
        self._ports = range(first, end)
        # A random start: two platforms on one machine rarely walk in step.
        self._next = random.randrange(len(self._ports))
        self._lock = threading.Lock()

    @classmethod
    def slice_of(cls, index: int, count: int) -> PortPicker:
        """Slice `index` of `count` equal slices of the range (a region's agent)."""
        if not 0 <= index < count:
            raise ValueError(f"slice {index} of {count}")
        span = (HIGHEST - LOWEST) // count
        return cls(LOWEST + index * span, LOWEST + (index + 1) * span)

    @property
    def ports(self) -> range:
        return self._ports

    def pick(self, host: str = "127.0.0.1") -> int:
        """The next port of the slice that is free now."""
        with self._lock:
            for _ in range(len(self._ports)):
                port = self._ports[self._next]
                self._next = (self._next + 1) % len(self._ports)
                if _is_free(host, port):
                    return port
        raise OSError(f"no free port in {self._ports.start}..{self._ports.stop - 1}")


def _is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True
