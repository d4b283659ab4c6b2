"""A small HTTP server that hands out blobs by digest: the origin's and each
region cache's listener.

GET /blobs/<sha256> streams the file `resolve(digest)` names (404 when it
gives None, 400 for anything not a lowercase hex sha256, 502 when resolving
failed upstream), GET /healthz answers "ok", GET /stats the counters below
as JSON. The stdlib's threading server is enough: a handful of hosts per
region, every listener on loopback. Blobs go out with sendfile(2): the bytes
go from the page cache to the socket without passing through Python.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from streams.deploy.signing import is_digest


class UpstreamError(RuntimeError):
    """The blob could not be had from where this server gets it (the origin)."""


class BlobStats:
    """What this server sent since it started (per process life: a restart
    starts again from zero)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.bytes_sent = 0
        self.blobs_sent = 0
        self.by_digest: dict[str, dict[str, int]] = {}

    def count(self, digest: str, size: int) -> None:
        with self._lock:
            self.bytes_sent += size
            self.blobs_sent += 1
            entry = self.by_digest.setdefault(digest, {"bytes_sent": 0, "blobs_sent": 0})
            entry["bytes_sent"] += size
            entry["blobs_sent"] += 1

    def snapshot(self) -> dict[str, object]:
        with self._lock:
            return {
                "bytes_sent": self.bytes_sent,
                "blobs_sent": self.blobs_sent,
                "by_digest": {d: dict(e) for d, e in self.by_digest.items()},
            }


Resolver = Callable[[str], Path | None]


def blob_server(
    host: str,
    port: int,
    resolve: Resolver,
    stats: BlobStats,
    extra_stats: Callable[[], dict[str, object]] | None = None,
) -> ThreadingHTTPServer:
    """A bound, not yet serving server; run `serve_forever` in a thread."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/healthz":
                self._send(200, b"ok\n", "text/plain")
            elif path == "/stats":
                body = {**stats.snapshot(), **(extra_stats() if extra_stats else {})}
                self._send(200, json.dumps(body).encode(), "application/json")
            elif path.startswith("/blobs/"):
                self._blob(path.removeprefix("/blobs/"))
            else:
                self._send(404, b"not found\n", "text/plain")

        def _blob(self, digest: str) -> None:
            if not is_digest(digest):
                self._send(400, b"not a lowercase hex sha256 digest\n", "text/plain")
                return
            try:
                found = resolve(digest)
            except UpstreamError as exc:
                self._send(502, f"{exc}\n".encode(), "text/plain")
                return
            if found is None:
                self._send(404, b"no such blob\n", "text/plain")
                return
            try:
                source = open(found, "rb")  # noqa: SIM115 - closed below
            except FileNotFoundError:
                self._send(404, b"no such blob\n", "text/plain")
                return
            with source:
                size = Path(found).stat().st_size
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(size))
                self.end_headers()  # written out: wfile is unbuffered
                sent = self.connection.sendfile(source)
            stats.count(digest, sent)

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # one line per request would drown the process log

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server
