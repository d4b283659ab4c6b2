"""The origin's and the region cache's HTTP listeners, real sockets on
loopback: what they answer, and twenty hosts fetching one artifact through a
region cost the origin one copy."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from streams.deploy.blob_server import BlobStats, blob_server
from streams.deploy.blob_store import BlobStore
from streams.deploy.origin import origin_resolver
from streams.deploy.region_cache import RegionCache
from streams.deploy.signing import load_or_create_signing_key

pytestmark = pytest.mark.integration


def _serve(server: ThreadingHTTPServer) -> str:
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    ).start()
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}"


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs", load_or_create_signing_key(tmp_path / "key.pem"))


@pytest.fixture
def origin(store: BlobStore) -> Iterator[str]:
    server = blob_server("127.0.0.1", 0, origin_resolver(store), BlobStats())
    yield _serve(server)
    server.shutdown()
    server.server_close()


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_origin_serves_blobs_and_counts_them(origin: str, store: BlobStore) -> None:
    artifact = store.put(b"x" * 100_000)
    assert _get(f"{origin}/healthz") == (200, b"ok\n")
    assert _get(f"{origin}/blobs/{artifact.digest}") == (200, b"x" * 100_000)
    assert _get(f"{origin}/blobs/{'0' * 64}")[0] == 404
    assert _get(f"{origin}/blobs/..%2Fkey.pem")[0] == 400
    assert _get(f"{origin}/blobs/{artifact.digest.upper()}")[0] == 400
    stats = json.loads(_get(f"{origin}/stats")[1])
    assert stats["bytes_sent"] == 100_000
    assert stats["blobs_sent"] == 1
    assert stats["by_digest"] == {artifact.digest: {"bytes_sent": 100_000, "blobs_sent": 1}}


def test_twenty_hosts_through_a_region_cache_cost_one_origin_copy(
    origin: str, store: BlobStore, tmp_path: Path
) -> None:
    artifact = store.put(b"release" * 200_000)
    cache = RegionCache(tmp_path / "cache", origin)
    server = blob_server("127.0.0.1", 0, cache.path, BlobStats(), extra_stats=cache.stats)
    region = _serve(server)
    try:
        with ThreadPoolExecutor(20) as pool:
            answers = list(pool.map(_get, [f"{region}/blobs/{artifact.digest}"] * 20))
        assert all(a == (200, b"release" * 200_000) for a in answers)
        origin_stats = json.loads(_get(f"{origin}/stats")[1])
        assert origin_stats["blobs_sent"] == 1
        region_stats = json.loads(_get(f"{region}/stats")[1])
        assert region_stats["blobs_sent"] == 20
        assert region_stats["origin_fetches"] == 1
        assert _get(f"{region}/blobs/{'0' * 64}")[0] == 404
    finally:
        server.shutdown()
        server.server_close()
