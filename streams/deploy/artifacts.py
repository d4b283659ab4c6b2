"""Release artifacts: a directory packed into a deterministic gzipped tar, and
unpacked again without trusting it.

`pack` gives the same bytes for the same tree (sorted entries, fixed mtimes,
owners and modes apart from the executable bit, no gzip timestamp), so a
rebuild of the same commit has the same digest. `unpack` treats the archive
as hostile: it writes only regular files and directories, only inside the
target, and refuses absolute paths, `..`, links and devices.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import stat
import tarfile
from pathlib import Path, PurePosixPath

# A fixed time for every entry: 2000-01-01T00:00:00Z (0 is read by some tools as "unset").
_FIXED_MTIME = 946_684_800


class UnsafeArtifact(ValueError):
    """The archive holds an entry that could escape or harm the target folder."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
    """Extract `data` (a tar.gz from `pack` or anyone) into the folder `into`.

    Every entry is checked before anything is written, so a refused archive
    leaves no files behind (the folder `into` is created only after the check).
    Raises UnsafeArtifact for absolute paths, `..`, links, devices, fifos or
    duplicate names, tarfile.TarError / OSError for a corrupt archive.
    """
    target = Path(into)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        members = tar.getmembers()
        names = [_safe_name(member) for member in members]
        if len(set(names)) != len(names):
            raise UnsafeArtifact("duplicate entries")
        target.mkdir(parents=True, exist_ok=True)
        for member, name in zip(members, names, strict=True):
            dest = target.joinpath(*PurePosixPath(name).parts)
            if member.isdir():
                dest.mkdir(parents=True, exist_ok=True)
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            if source is None:
                raise UnsafeArtifact(f"unreadable entry: {name}")
            mode = 0o755 if member.mode & stat.S_IXUSR else 0o644
            # O_EXCL|O_NOFOLLOW: never write through something already there.
            fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
            with os.fdopen(fd, "wb") as out:
                while chunk := source.read(1 << 16):
                    out.write(chunk)


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
