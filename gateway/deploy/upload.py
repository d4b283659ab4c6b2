"""POST /v1/deploy/releases/upload?service=&version=: an artifact's bytes in,
a CreateRelease out.

The body is the artifact itself (a tar.gz), up to MAX_UPLOAD_BYTES (the body
limit is set for this path: gateway/deploy/__init__.py). The bytes go into the
blob store the origin serves, named by their sha256 and signed there with the
platform's ed25519 key (streams/deploy/blob_store.py); only then is the
release recorded, so a CreateRelease on the log always names a blob the
origin holds. The release id is remembered as issued
(gateway/deploy/issued.py), so a read of it right after the 202 waits for
the projector. Storing the same bytes twice is harmless, so a retry (with or
without an Idempotency-Key) never needs to undo a store.

The private key is loaded (created once if missing) by this process and never
leaves it: neither the answer, a record nor a log line carries it.
"""

from __future__ import annotations

import asyncio
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from gateway.access import acts_for
from gateway.auth import authenticate
from gateway.deploy.commands import UPLOAD
from gateway.deploy.principal import SERVICE
from gateway.deploy.requests import UploadedRelease, UploadQuery
from gateway.deploy.writes import remember_issued
from gateway.json_body import check_media_type
from gateway.parameters import parameters
from gateway.problems import Problem
from gateway.services import Services
from gateway.writes import write_command
from streams.deploy.blob_store import BlobStore
from streams.deploy.config import deploy_settings
from streams.deploy.signing import load_or_create_signing_key

ARTIFACT_TYPES = ("application/gzip", "application/x-gzip", "application/octet-stream")
_GZIP_MAGIC = b"\x1f\x8b"


@cache
def blob_store(blob_dir: Path, signing_key_path: Path) -> BlobStore:
    """One signing store per process and folder: the key is read once."""
    return BlobStore(blob_dir, load_or_create_signing_key(signing_key_path))


def check_artifact(data: bytes) -> None:
    """422 unless the body looks like a gzip stream: an empty or plainly
    wrong upload is refused here, not by every host that would fetch it."""
    if not data.startswith(_GZIP_MAGIC):
        detail = "the body is empty" if not data else "the body is not gzip (a tar.gz is expected)"
        raise Problem(
            422,
            "invalid-artifact",
            detail,
            errors=[{"pointer": "#", "field": "", "detail": detail}],
        )


async def upload_release(request: Request) -> Response:
    """202 {release_id, artifact: {digest, signature, size_bytes}, ...}"""
    services: Services = request.state.services
    key = authenticate(request, services.api_keys, UPLOAD.scope)
    check_media_type(request.headers.get("content-type"), ARTIFACT_TYPES)
    query = parameters(request, UploadQuery)
    acts_for(key, SERVICE, query.service, field="service", where="path")
    data = await request.body()
    check_artifact(data)
    settings = deploy_settings(services.settings)
    store = blob_store(settings.blob_dir, settings.signing_key_path)
    # Hashing, signing and an fsync of up to 256 MB: off the event loop.
    artifact = await asyncio.to_thread(store.put, data)
    release = UploadedRelease(service=query.service, version=query.version, artifact=artifact)
    # What an Idempotency-Key's fingerprint covers: the same bytes for the same release.
    fingerprinted = {"service": query.service, "version": query.version, "digest": artifact.digest}
    resolved = {"actor": key.key_id, "artifact": artifact.model_dump()}
    response = await write_command(
        request, services, key, UPLOAD, fingerprinted, release, None, resolved
    )
    await remember_issued(services, UPLOAD, query.service, response)
    return response
