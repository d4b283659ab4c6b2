"""Ed25519 signatures over artifact digests (pyca `cryptography`).

What is signed is the digest's 32 raw bytes, not its hex text, so a signature
means "this exact content" whatever the encoding around it. The private key
stays on disk (mode 0600 in a 0700 folder); it is never logged nor put in a
record, and only the public half travels to the region agents.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from infra.secret_file import read_or_create_secret


def load_or_create_signing_key(path: Path) -> Ed25519PrivateKey:
    """The private key at `path` (PEM, PKCS#8), created once if missing.

    Created as infra/secret_file.py creates a secret: two processes starting
    together end with one key.
    """

    def new_key() -> bytes:
        return Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    key_path = Path(path)
    pem = read_or_create_secret(key_path, new_key)
    loaded = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{key_path} is not an ed25519 private key")
    return loaded


def ensure_signing_keys(private_path: Path, public_path: Path) -> Ed25519PrivateKey:
    """The private key (created once) with its public half written beside it
    when missing: what `onelog up`, the gateway and the builder call with
    DeploySettings.signing_key_path and public_key_path, so the region
    agents always find the key they verify with."""
    key = load_or_create_signing_key(private_path)
    expected = public_key_pem(key)
    try:
        current = Path(public_path).read_bytes()
    except FileNotFoundError:
        current = b""
    if current != expected:
        write_public_key(key, public_path)
    return key


def public_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def write_public_key(key: Ed25519PrivateKey, path: Path) -> None:
    """Write the public half to `path` (readable by all), atomically."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(public_key_pem(key))
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)


def load_public_key(path: Path) -> Ed25519PublicKey:
    loaded = serialization.load_pem_public_key(Path(path).read_bytes())
    if not isinstance(loaded, Ed25519PublicKey):
        raise ValueError(f"{path} is not an ed25519 public key")
    return loaded


def sign_digest(key: Ed25519PrivateKey, digest_hex: str) -> str:
    return key.sign(_digest_bytes(digest_hex)).hex()


def verify_digest(public_key: Ed25519PublicKey, digest_hex: str, signature_hex: str) -> bool:
    """True only for a well-formed digest and a valid signature of it."""
    try:
        public_key.verify(bytes.fromhex(signature_hex), _digest_bytes(digest_hex))
    except (InvalidSignature, ValueError):
        return False
    return True


def is_digest(text: str) -> bool:
    """A sha256 digest as onelog writes it: 64 lowercase hex characters."""
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def _digest_bytes(digest_hex: str) -> bytes:
    if not is_digest(digest_hex):
        raise ValueError("not a lowercase hex sha256 digest")
    return bytes.fromhex(digest_hex)
