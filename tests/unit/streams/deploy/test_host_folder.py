"""A host folder's downloads: hashed as received, dropped once unpacked."""

from __future__ import annotations

from pathlib import Path

from streams.deploy.artifacts import pack, sha256_hex
from streams.deploy.host_folder import HostFolder


def _artifact(tmp: Path) -> bytes:
    source = tmp / "source"
    source.mkdir()
    (source / "run").write_text("#!/bin/sh\n")
    (source / "run").chmod(0o755)
    return pack(source)


def test_a_download_is_unpacked_from_its_file_and_then_dropped_with_its_note(
    tmp_path: Path,
) -> None:
    data = _artifact(tmp_path)
    digest = sha256_hex(data)
    folder = HostFolder(tmp_path / "host")
    folder.downloads.mkdir(parents=True)
    folder.download_path(digest).write_bytes(data)
    folder.note_received_sha256(digest, digest)
    assert folder.received_sha256(digest) == digest
    folder.unpack_release("v1", folder.download_path(digest), digest)
    assert folder.unpacked_digest("v1") == digest
    folder.drop_download(digest)
    assert list(folder.downloads.iterdir()) == []
    assert folder.observe("v1", digest).unpacked_digest == digest


def test_a_download_without_a_note_is_hashed_when_asked(tmp_path: Path) -> None:
    folder = HostFolder(tmp_path / "host")
    folder.downloads.mkdir(parents=True)
    digest = "b" * 64
    folder.download_path(digest).write_bytes(b"not what the digest names")
    assert folder.received_sha256(digest) == sha256_hex(b"not what the digest names")
