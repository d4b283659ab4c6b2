"""A region's cache of artifacts: fetched from the origin once per digest,
then served to the region's hosts from disk.

Concurrent requests for one digest share one download (a lock per digest),
so twenty hosts installing together cost the origin one copy. The cache
does not judge content: it keeps what the origin sent under the digest it
asked for, and each host verifies digest and signature itself (so a tampered
blob is refused by the host, reported as `verified` failed). `discard` drops
a blob a host found wrong, so the next request fetches it again.
"""

from __future__ import annotations

import os
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from streams.deploy.blob_server import UpstreamError
from streams.deploy.signing import is_digest

_BUFFER = 1 << 20  # one reused buffer per fetch: few Python-level copies
# An origin that cannot be reached, or answers 5xx, is asked again for this
# long: it restarts (onelog up, a crash) in a few seconds, and an agent that
# came back sooner would otherwise fail the hosts it fetches for.
_ORIGIN_PATIENCE_S = 15.0
_FIRST_RETRY_S = 0.1
_MAX_RETRY_S = 1.0


class RegionCache:
    def __init__(
        self,
        directory: Path,
        origin_url: str,
        timeout_s: float = 30.0,
        patience_s: float = _ORIGIN_PATIENCE_S,
    ) -> None:
        self.directory = Path(directory)
        self._origin_url = origin_url.rstrip("/")
        self._timeout_s = timeout_s
        self._patience_s = patience_s
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()
        self._counts_lock = threading.Lock()
        self.origin_fetches = 0
        self.origin_bytes = 0

    def _lock_for(self, digest: str) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(digest, threading.Lock())

    def path(self, digest: str) -> Path | None:
        """The cached blob, fetched from the origin first if missing; None if
        the origin has no such blob. Raises UpstreamError if the origin failed."""
        if not is_digest(digest):
            raise ValueError("not a lowercase hex sha256 digest")
        cached = self.directory / digest
        if cached.is_file():
            return cached
        with self._lock_for(digest):
            if cached.is_file():  # another request fetched it while we waited
                return cached
            return cached if self._fetch_patiently(digest, cached) else None

    def _fetch_patiently(self, digest: str, cached: Path) -> bool:
        deadline = time.monotonic() + self._patience_s
        wait_s = _FIRST_RETRY_S
        while True:
            try:
                return self._fetch(digest, cached)
            except UpstreamError:
                if time.monotonic() + wait_s > deadline:
                    raise
            time.sleep(wait_s)
            wait_s = min(wait_s * 2, _MAX_RETRY_S)

    def _fetch(self, digest: str, cached: Path) -> bool:
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.directory / f".{digest}.{threading.get_ident()}.part"
        url = f"{self._origin_url}/blobs/{digest}"
        try:
            with urllib.request.urlopen(url, timeout=self._timeout_s) as response:
                size = 0
                buffer = bytearray(_BUFFER)
                view = memoryview(buffer)
                with open(tmp, "wb") as out:
                    while received := response.readinto(buffer):
                        out.write(view[:received])
                        size += received
        except urllib.error.HTTPError as exc:
            tmp.unlink(missing_ok=True)
            if exc.code == 404:
                return False
            raise UpstreamError(f"origin answered {exc.code} for {digest}") from exc
        except (OSError, urllib.error.URLError) as exc:
            tmp.unlink(missing_ok=True)
            raise UpstreamError(f"origin unreachable: {exc}") from exc
        os.replace(tmp, cached)
        with self._counts_lock:
            self.origin_fetches += 1
            self.origin_bytes += size
        return True

    def discard(self, digest: str) -> None:
        if is_digest(digest):
            with self._lock_for(digest):
                (self.directory / digest).unlink(missing_ok=True)

    def stats(self) -> dict[str, object]:
        with self._counts_lock:
            return {"origin_fetches": self.origin_fetches, "origin_bytes": self.origin_bytes}
