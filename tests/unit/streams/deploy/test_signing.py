from __future__ import annotations

import stat
from pathlib import Path

from streams.deploy.artifacts import sha256_hex
from streams.deploy.blob_store import BlobStore
from streams.deploy.signing import (
    ensure_signing_keys,
    load_or_create_signing_key,
    load_public_key,
    public_key_pem,
    sign_digest,
    verify_digest,
    write_public_key,
)


def test_key_is_created_once_with_private_modes(tmp_path: Path) -> None:
    path = tmp_path / "signing" / "ed25519.pem"
    first = load_or_create_signing_key(path)
    second = load_or_create_signing_key(path)
    assert public_key_pem(first) == public_key_pem(second)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_sign_and_verify_and_refuse_tampering(tmp_path: Path) -> None:
    key = load_or_create_signing_key(tmp_path / "k.pem")
    write_public_key(key, tmp_path / "k.pub.pem")
    public = load_public_key(tmp_path / "k.pub.pem")
    digest = sha256_hex(b"release")
    signature = sign_digest(key, digest)
    assert verify_digest(public, digest, signature)
    other = sha256_hex(b"another release")
    assert not verify_digest(public, other, signature)
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    assert not verify_digest(public, digest, flipped)
    assert not verify_digest(public, digest, "zz")
    assert not verify_digest(public, "ABC", signature)
    stranger = load_or_create_signing_key(tmp_path / "other.pem")
    assert not verify_digest(stranger.public_key(), digest, signature)


def test_blob_store_puts_atomically_and_signs(tmp_path: Path) -> None:
    key = load_or_create_signing_key(tmp_path / "k.pem")
    store = BlobStore(tmp_path / "blobs", key)
    artifact = store.put(b"payload")
    assert artifact.digest == sha256_hex(b"payload")
    assert artifact.size_bytes == 7
    assert store.has(artifact.digest)
    assert store.path(artifact.digest).read_bytes() == b"payload"
    assert verify_digest(key.public_key(), artifact.digest, artifact.signature)
    assert store.put(b"payload").digest == artifact.digest
    assert [p.name for p in (tmp_path / "blobs").iterdir()] == [artifact.digest]
    assert not store.has("../k.pem")


def test_ensure_signing_keys_writes_the_public_half_once(tmp_path: Path) -> None:
    private, public = tmp_path / "s" / "k.pem", tmp_path / "s" / "k.pub.pem"
    key = ensure_signing_keys(private, public)
    assert public.read_bytes() == public_key_pem(key)
    public.write_bytes(b"stale")
    again = ensure_signing_keys(private, public)
    assert public_key_pem(again) == public_key_pem(key)
    assert public.read_bytes() == public_key_pem(key)
    assert b"PRIVATE" not in public.read_bytes()
