"""The origin: serves the blob store over HTTP to the region caches.

    python -m streams.deploy.origin

GET /blobs/<sha256>, GET /healthz, GET /stats ({"bytes_sent", "blobs_sent",
"by_digest"}: counted since this process started, so a test can check that
each region fetched one copy). Listens on DeploySettings.host:origin_port
(loopback by default); ends cleanly on SIGTERM.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from infra.settings import settings
from streams.deploy.blob_server import BlobStats, blob_server
from streams.deploy.blob_store import BlobStore
from streams.deploy.config import deploy_settings

log = logging.getLogger("onelog.deploy.origin")


def origin_resolver(store: BlobStore) -> Callable[[str], Path | None]:
    def resolve(digest: str) -> Path | None:
        return store.path(digest) if store.has(digest) else None

    return resolve


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    deploy = deploy_settings(settings())
    store = BlobStore(deploy.blob_dir)
    deploy.blob_dir.mkdir(parents=True, exist_ok=True)
    server = blob_server(deploy.host, deploy.origin_port, origin_resolver(store), BlobStats())

    def stop(signum: int, frame: FrameType | None) -> None:
        # shutdown() waits for serve_forever to return: not from its own thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("origin serving %s on %s", deploy.blob_dir, deploy.origin_url)
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    log.info("origin stopped")


if __name__ == "__main__":
    main()
