"""A loopback port nothing listens on, for a test's own server or for a
client that must find nobody there."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port the kernel just handed out and released: free unless some
    other process takes it in the meantime, which a test can live with."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
