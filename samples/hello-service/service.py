"""hello-service: the sample release the deployment system ships.

GET /health answers 200 "ok", or 503 when this build was made unhealthy
(a file UNHEALTHY beside this one, written by build.sh when $UNHEALTHY is
set): a bad release the canary must catch. GET / is a page naming VERSION.
Listens on 127.0.0.1:$PORT; ends on SIGTERM.

A host starts it on every install and every rollback, so it starts fast:
HTTP/1.0 by hand over socketserver (http.server's imports cost more than
the rest of the start), one request per connection.
"""

from __future__ import annotations

import html
import os
import signal
import socketserver
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERSION = (HERE / "VERSION").read_text().strip() if (HERE / "VERSION").exists() else "unknown"
UNHEALTHY = (HERE / "UNHEALTHY").exists()
_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 503: "Service Unavailable"}
_MAX_HEADER_LINES = 100


def answer(method: str, path: str) -> tuple[int, str, str]:
    """(status, body, content type) for a request."""
    if method != "GET":
        return 400, "only GET\n", "text/plain"
    if path == "/health":
        return (503, "unhealthy\n", "text/plain") if UNHEALTHY else (200, "ok\n", "text/plain")
    if path == "/":
        page = (
            "<!doctype html><title>hello-service</title>"
            f"<h1>hello-service</h1><p>version <b>{html.escape(VERSION)}</b></p>\n"
        )
        return 200, page, "text/html; charset=utf-8"
    return 404, "not found\n", "text/plain"


class Handler(socketserver.StreamRequestHandler):
    timeout = 10  # a client that sends nothing does not hold a thread for good

    def handle(self) -> None:
        request = self.rfile.readline(8192).decode("latin-1").split()
        for _ in range(_MAX_HEADER_LINES):  # headers: read and ignored
            if self.rfile.readline(8192) in (b"\r\n", b"\n", b""):
                break
        if len(request) == 3:
            status, body, content_type = answer(request[0], request[1].split("?", 1)[0])
        else:
            status, body, content_type = 400, "bad request\n", "text/plain"
        data = body.encode()
        head = (
            f"HTTP/1.0 {status} {_REASONS[status]}\r\n"
            f"Content-Type: {content_type}\r\n"
            f"Content-Length: {len(data)}\r\n"
            "Connection: close\r\n\r\n"
        )
        self.wfile.write(head.encode() + data)
        sys.stderr.write(f"{self.client_address[0]} {' '.join(request)} {status}\n")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main() -> None:
    server = Server(("127.0.0.1", int(os.environ["PORT"])), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"hello-service {VERSION} on port {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
