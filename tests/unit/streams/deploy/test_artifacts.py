from __future__ import annotations

import io
import stat
import tarfile
from pathlib import Path

import pytest

from streams.deploy.artifacts import (
    UnsafeArtifact,
    pack,
    sha256_file,
    sha256_hex,
    unpack,
    unpack_file,
)


def _tree(root: Path) -> Path:
    (root / "bin").mkdir(parents=True)
    (root / "service.py").write_text("print('hi')\n")
    run = root / "run"
    run.write_text("#!/bin/sh\nexec python3 service.py\n")
    run.chmod(0o755)
    (root / "bin" / "data.txt").write_bytes(b"\x00\x01")
    return root


def test_round_trip_keeps_content_and_executable_bit(tmp_path: Path) -> None:
    src = _tree(tmp_path / "src")
    unpack(pack(src), tmp_path / "out")
    out = tmp_path / "out"
    assert (out / "service.py").read_text() == "print('hi')\n"
    assert (out / "bin" / "data.txt").read_bytes() == b"\x00\x01"
    assert (out / "run").stat().st_mode & stat.S_IXUSR
    assert not (out / "service.py").stat().st_mode & stat.S_IXUSR


def test_pack_is_deterministic_across_times_and_order(tmp_path: Path) -> None:
    first = pack(_tree(tmp_path / "a"))
    second_root = _tree(tmp_path / "b")
    (second_root / "service.py").touch()  # a later mtime changes nothing
    second = pack(second_root)
    assert first == second
    assert sha256_hex(first) == sha256_hex(second)


def test_pack_refuses_symlinks(tmp_path: Path) -> None:
    src = _tree(tmp_path / "src")
    (src / "link").symlink_to("/etc/passwd")
    with pytest.raises(UnsafeArtifact):
        pack(src)


def _hostile(*members: tuple[tarfile.TarInfo, bytes]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        for info, data in members:
            info.size = len(data) if info.isfile() else 0
            tar.addfile(info, io.BytesIO(data) if info.isfile() else None)
    return raw.getvalue()


def _entry(name: str, kind: bytes = tarfile.REGTYPE, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    info.mode = 0o644
    return info


@pytest.mark.parametrize(
    "entry",
    [
        _entry("/tmp/evil"),
        _entry("../evil"),
        _entry("a/../../evil"),
        _entry("link", tarfile.SYMTYPE, "/etc/passwd"),
        _entry("link", tarfile.SYMTYPE, "../../outside"),
        _entry("hard", tarfile.LNKTYPE, "/etc/passwd"),
        _entry("dev", tarfile.CHRTYPE),
        _entry("blk", tarfile.BLKTYPE),
        _entry("fifo", tarfile.FIFOTYPE),
    ],
    ids=[
        "absolute",
        "dotdot",
        "nested-dotdot",
        "symlink-abs",
        "symlink-rel",
        "hardlink",
        "chardev",
        "blockdev",
        "fifo",
    ],
)
def test_unpack_refuses_hostile_entries_and_writes_nothing(
    tmp_path: Path, entry: tarfile.TarInfo
) -> None:
    data = _hostile((_entry("ok.txt"), b"fine"), (entry, b"evil"))
    with pytest.raises(UnsafeArtifact):
        unpack(data, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "evil").exists()


def test_unpack_refuses_a_symlink_then_a_file_through_it(tmp_path: Path) -> None:
    data = _hostile(
        (_entry("d", tarfile.SYMTYPE, str(tmp_path / "elsewhere")), b""),
        (_entry("d/x"), b"evil"),
    )
    with pytest.raises(UnsafeArtifact):
        unpack(data, tmp_path / "out")
    assert not (tmp_path / "elsewhere").exists()


def test_unpack_refuses_duplicate_names(tmp_path: Path) -> None:
    data = _hostile((_entry("a"), b"1"), (_entry("./a"), b"2"))
    with pytest.raises(UnsafeArtifact):
        unpack(data, tmp_path / "out")


def test_unpack_refuses_garbage(tmp_path: Path) -> None:
    with pytest.raises((tarfile.TarError, OSError, EOFError)):
        unpack(b"not a tar at all", tmp_path / "out")


def test_unpack_into_an_existing_folder_removes_only_what_it_wrote_when_refused(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    (out / "keep").mkdir(parents=True)
    (out / "keep" / "mine.txt").write_text("before")
    data = _hostile(
        (_entry("keep/new.txt"), b"1"),
        (_entry("fresh/deep.txt"), b"2"),
        (_entry("link", tarfile.SYMTYPE, "/etc"), b""),
    )
    with pytest.raises(UnsafeArtifact):
        unpack(data, out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "keep",
        "keep/mine.txt",
    ]


def test_unpack_file_streams_a_large_artifact_from_disk(tmp_path: Path) -> None:
    src = _tree(tmp_path / "src")
    (src / "padding.bin").write_bytes(bytes(range(256)) * 20_000)  # several buffers
    artifact = tmp_path / "artifact.tar.gz"
    artifact.write_bytes(pack(src))
    unpack_file(artifact, tmp_path / "out")
    assert (tmp_path / "out" / "padding.bin").read_bytes() == (src / "padding.bin").read_bytes()
    assert sha256_file(artifact) == sha256_hex(artifact.read_bytes())
