"""Release artifacts: a directory packed into a deterministic gzipped tar, and
unpacked again without trusting it.

`pack` gives the same bytes for the same tree (sorted entries, fixed mtimes,
owners and modes apart from the executable bit, no gzip timestamp), so a
rebuild of the same commit has the same digest. `unpack` treats the archive
as hostile: it writes only regular files and directories, only inside the
target, and refuses absolute paths, `..`, links and devices. It reads the
archive once, as a stream (a host unpacks a 100 MB release from its file
without holding it in memory or inflating it twice).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import shutil
import stat
import tarfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO

# A fixed time for every entry: 2000-01-01T00:00:00Z (0 is read by some tools as "unset").
_FIXED_MTIME = 946_684_800
# Reads and writes of a release's bytes go in pieces this big: few Python-level
# calls per 100 MB, little memory per host.
_BUFFER = 1 << 20


class UnsafeArtifact(ValueError):
    """The archive holds an entry that could escape or harm the target folder."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    buffer = bytearray(_BUFFER)
    view = memoryview(buffer)
    with open(path, "rb") as source:
        while size := source.readinto(buffer):
            digest.update(view[:size])
    return digest.hexdigest()


def pack(directory: Path) -> bytes:
    """The tree under `directory` as a tar.gz, byte-for-byte reproducible.

    Regular files and folders only (symlinks and special files are refused:
    a release is plain files); a file keeps its executable bit, nothing else
    of its mode.
    """
    root = Path(directory)
    if not root.is_dir():
        raise NotADirectoryError(str(root))
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in _sorted_tree(root):
            rel = path.relative_to(root).as_posix()
            mode = path.lstat().st_mode
            info = tarfile.TarInfo(rel)
            info.mtime = _FIXED_MTIME
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if stat.S_ISDIR(mode):
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            elif stat.S_ISREG(mode):
                info.type = tarfile.REGTYPE
                info.mode = 0o755 if mode & stat.S_IXUSR else 0o644
                data = path.read_bytes()
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                raise UnsafeArtifact(f"not a regular file or folder: {rel}")
    out = io.BytesIO()
    # mtime=0 and no file name in the gzip header: the same tar gives the same bytes.
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def _sorted_tree(root: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        for name in dirnames + filenames:
            found.append(base / name)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def unpack(data: bytes, into: Path) -> None:
    """Extract `data` (a tar.gz from `pack` or anyone) into the folder `into`;
    see unpack_stream."""
    unpack_stream(io.BytesIO(data), into)


def unpack_file(path: Path, into: Path) -> None:
    """Extract the tar.gz file at `path` into the folder `into`; see unpack_stream."""
    with open(path, "rb") as source:
        unpack_stream(source, into)


def unpack_stream(source: BinaryIO, into: Path) -> None:
    """Extract a tar.gz read from `source`, in one pass, into the folder `into`.

    Each entry is checked before it is written, and a refused or corrupt
    archive leaves nothing behind: what this call created is removed again
    (the folder `into` too, unless it was there before). Raises
    UnsafeArtifact for absolute paths, `..`, links, devices, fifos or
    duplicate names, tarfile.TarError / OSError / EOFError for a corrupt
    archive.
    """
    target = Path(into)
    existed = target.exists()
    created: list[Path] = []  # in creation order: removed in reverse on failure
    try:
        with tarfile.open(fileobj=source, mode="r|gz", bufsize=_BUFFER) as tar:
            seen: set[str] = set()
            for member in tar:
                name = _safe_name(member)
                if name in seen:
                    raise UnsafeArtifact("duplicate entries")
                seen.add(name)
                dest = target.joinpath(*PurePosixPath(name).parts)
                if member.isdir():
                    _make_dirs(dest, created)
                    continue
                _make_dirs(dest.parent, created)
                data = tar.extractfile(member)
                if data is None:
                    raise UnsafeArtifact(f"unreadable entry: {name}")
                mode = 0o755 if member.mode & stat.S_IXUSR else 0o644
                # O_EXCL|O_NOFOLLOW: never write through something already there.
                fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
                created.append(dest)
                with os.fdopen(fd, "wb") as out:
                    while chunk := data.read(_BUFFER):
                        out.write(chunk)
    except BaseException:
        if not existed:
            shutil.rmtree(target, ignore_errors=True)
        else:
            for path in reversed(created):
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
        raise


def _make_dirs(folder: Path, created: list[Path]) -> None:
    """mkdir -p, noting each folder it made."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
        created.append(path)


def _safe_name(member: tarfile.TarInfo) -> str:
    name = member.name
    if not (member.isfile() or member.isdir()):
        raise UnsafeArtifact(f"not a regular file or folder: {name!r}")
    path = PurePosixPath(name)
    if name.startswith("/") or path.is_absolute() or "\\" in name or "\x00" in name:
        raise UnsafeArtifact(f"absolute or odd path: {name!r}")
    parts = [p for p in path.parts if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        raise UnsafeArtifact(f"path leaves the folder: {name!r}")
    return "/".join(parts)
