"""hello-service: the sample release the deployment system ships.

GET /health answers 200 "ok", or 503 when this build was made unhealthy
(a file UNHEALTHY beside this one, written by build.sh when $UNHEALTHY is
set): a bad release the canary must catch. GET / is a page naming VERSION.
Listens on 127.0.0.1:$PORT; ends on SIGTERM.
"""

from __future__ import annotations

import html
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERSION = (HERE / "VERSION").read_text().strip() if (HERE / "VERSION").exists() else "unknown"
UNHEALTHY = (HERE / "UNHEALTHY").exists()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/health":
            if UNHEALTHY:
                self._send(503, "unhealthy\n", "text/plain")
            else:
                self._send(200, "ok\n", "text/plain")
        elif self.path == "/":
            page = (
                "<!doctype html><title>hello-service</title>"
                f"<h1>hello-service</h1><p>version <b>{html.escape(VERSION)}</b></p>\n"
            )
            self._send(200, page, "text/html; charset=utf-8")
        else:
            self._send(404, "not found\n", "text/plain")

    def _send(self, status: int, body: str, content_type: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"hello-service {VERSION} on port {server.server_port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
