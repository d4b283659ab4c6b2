"""The blob store: artifacts on disk named by their sha256, signed on entry.

The origin serves this folder; the gateway (uploads) and the builder put into
it. A blob is written to a temporary name and renamed into place, so a reader
never sees half a file, and putting the same bytes twice is harmless.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from schemas.deploy.records import Artifact
from streams.deploy.artifacts import sha256_hex
from streams.deploy.signing import is_digest, sign_digest


class BlobStore:
    def __init__(self, directory: Path, signing_key: Ed25519PrivateKey | None = None) -> None:
        """`signing_key` is needed only to `put`; a read-only store has none."""
        self.directory = Path(directory)
        self._key = signing_key

    def put(self, data: bytes) -> Artifact:
        if self._key is None:
            raise RuntimeError("this BlobStore has no signing key: it cannot put")
        digest = sha256_hex(data)
        self.directory.mkdir(parents=True, exist_ok=True)
        final = self.directory / digest
        if not final.exists():
            tmp = self.directory / f".{digest}.{os.getpid()}.{id(data)}.tmp"
            with open(tmp, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, final)
        return Artifact(
            digest=digest, signature=sign_digest(self._key, digest), size_bytes=len(data)
        )

    def path(self, digest: str) -> Path:
        """Where the blob `digest` is (or would be); refuses anything not a digest,
        so a request path can never name a file outside the store."""
        if not is_digest(digest):
            raise ValueError("not a lowercase hex sha256 digest")
        return self.directory / digest

    def has(self, digest: str) -> bool:
        return is_digest(digest) and (self.directory / digest).is_file()
