"""A host's download: hashed as it arrives, in memory when small enough,
spilled to a file when not, and unpacked from either."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from streams.deploy import download as download_module
from streams.deploy.artifacts import pack, sha256_hex
from streams.deploy.download import Download, TooLong, receive
from streams.deploy.host_folder import HostFolder


def _artifact(tmp: Path) -> bytes:
    source = tmp / "source"
    source.mkdir()
    (source / "run").write_text("#!/bin/sh\n")
    (source / "run").chmod(0o755)
    (source / "padding.bin").write_bytes(bytes(range(256)) * 10_000)  # several buffers
    return pack(source)


def _reader(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


def test_a_small_artifact_is_held_in_memory_hashed_and_unpacked(tmp_path: Path) -> None:
    data = _artifact(tmp_path)
    spill = tmp_path / "host" / "downloads" / sha256_hex(data)
    received = receive(_reader(data).readinto, len(data), spill)
    assert received.in_memory and received.size == len(data)
    assert received.sha256() == sha256_hex(data)
    assert not spill.exists()
    folder = HostFolder(tmp_path / "host")
    with received.open() as stream:
        folder.unpack_release("v1", stream, sha256_hex(data))
    assert (folder.release_dir("v1") / "padding.bin").stat().st_size == 2_560_000


def test_a_big_artifact_is_spilled_to_a_file_and_dropped_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(download_module, "IN_MEMORY_MAX", 1000)
    data = _artifact(tmp_path)
    spill = tmp_path / "downloads" / sha256_hex(data)
    received = receive(_reader(data).readinto, len(data), spill)
    assert not received.in_memory
    assert spill.read_bytes() == data
    assert received.sha256() == sha256_hex(data)
    assert Download.on_disk(spill).sha256() == sha256_hex(data)  # hashed when asked
    received.drop()
    assert list(spill.parent.iterdir()) == []


@pytest.mark.parametrize("limit", [1 << 30, 1000])
def test_more_bytes_than_declared_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    monkeypatch.setattr(download_module, "IN_MEMORY_MAX", limit)
    data = _artifact(tmp_path)
    with pytest.raises(TooLong):
        receive(_reader(data).readinto, len(data) - 1, tmp_path / "downloads" / "x")
    assert not (tmp_path / "downloads" / "x").exists()


def test_fewer_bytes_than_declared_show_in_the_hash(tmp_path: Path) -> None:
    data = _artifact(tmp_path)
    received = receive(_reader(data[:-10]).readinto, len(data), tmp_path / "x")
    assert received.size == len(data) - 10
    assert received.sha256() != sha256_hex(data)
