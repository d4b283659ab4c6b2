"""A region cache waits a bounded while for an origin that is not up yet (a
restart), and gives up after that."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import pytest

from streams.deploy.blob_server import BlobStats, UpstreamError, blob_server
from streams.deploy.region_cache import RegionCache
from tests.support.ports import free_port


def test_an_origin_that_comes_up_late_is_waited_for(tmp_path: Path) -> None:
    blobs = tmp_path / "blobs"
    blobs.mkdir()
    data = b"artifact" * 1000
    digest = hashlib.sha256(data).hexdigest()
    (blobs / digest).write_bytes(data)
    port = free_port()
    cache = RegionCache(tmp_path / "cache", f"http://127.0.0.1:{port}", patience_s=10)
    origin = blob_server("127.0.0.1", port, lambda d: blobs / d, BlobStats())

    def start_late() -> None:
        time.sleep(0.5)
        origin.serve_forever(poll_interval=0.05)

    starter = threading.Thread(target=start_late, daemon=True)
    starter.start()
    try:
        began = time.monotonic()
        found = cache.path(digest)
        assert found is not None and found.read_bytes() == data
        assert time.monotonic() - began >= 0.4  # it did wait for the origin
    finally:
        origin.shutdown()
        origin.server_close()
        starter.join(timeout=5)


def test_an_origin_that_stays_down_fails_after_the_patience(tmp_path: Path) -> None:
    cache = RegionCache(tmp_path / "cache", f"http://127.0.0.1:{free_port()}", patience_s=0.5)
    began = time.monotonic()
    with pytest.raises(UpstreamError):
        cache.path("a" * 64)
    assert 0.3 <= time.monotonic() - began < 5
