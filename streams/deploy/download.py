"""An artifact as a host received it from its region cache, with the sha256 of
exactly those bytes, computed as they arrived (one pass over them).

Held in memory up to IN_MEMORY_MAX bytes: it lives from `fetched` to
`unpacked` (a second or so, for one host per core per region at a time), so
it need never touch the disk: a rollout to 100 hosts used to write 100
downloads to the page cache, read them back to unpack, and have the kernel
write them out. A bigger artifact goes to a file (downloads/<digest> in the
host folder) instead; one found there after a restart is hashed when asked.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from streams.deploy.artifacts import sha256_file

IN_MEMORY_MAX = 256 << 20
_BUFFER = 1 << 20

# Reads the next bytes into the buffer given, returns how many (0 at the end).
ReadInto = Callable[[memoryview], int]


class TooLong(OSError):
    """More bytes came than the artifact declared."""


class Download:
    def __init__(
        self, data: bytearray | None, length: int, path: Path | None, sha256: str | None
    ) -> None:
        self._data = data  # the first `length` bytes are the download
        self._length = length
        self._path = path
        self._sha256 = sha256

    @classmethod
    def on_disk(cls, path: Path) -> Download:
        """A download left in a file (spilled, then the agent restarted)."""
        return cls(None, 0, path, None)

    @property
    def in_memory(self) -> bool:
        return self._data is not None

    @property
    def size(self) -> int:
        if self._data is not None:
            return self._length
        assert self._path is not None
        return self._path.stat().st_size

    def sha256(self) -> str:
        """The sha256 of the bytes held: noted as they arrived, else hashed now."""
        if self._sha256 is None:
            assert self._path is not None
            self._sha256 = sha256_file(self._path)
        return self._sha256

    def open(self) -> BinaryIO:
        if self._data is not None:
            view = memoryview(self._data)[: self._length]
            return io.BufferedReader(_MemoryReader(view), _BUFFER)
        assert self._path is not None
        return open(self._path, "rb")  # the caller closes it

    def drop(self) -> None:
        """Forget the bytes: unpacked, or found wrong."""
        self._data = None
        if self._path is not None:
            self._path.unlink(missing_ok=True)


def receive(read_into: ReadInto, declared_size: int, spill_to: Path) -> Download:
    """Read a whole artifact, hashing it as it comes: into memory when the
    declared size allows, else into `spill_to` (under a temporary name,
    renamed into place when complete). Raises TooLong past the declared
    size (a short one is caught by `verified`: its hash differs)."""
    if declared_size <= IN_MEMORY_MAX:
        return _into_memory(read_into, declared_size)
    return _into_file(read_into, declared_size, spill_to)


def _into_memory(read_into: ReadInto, declared_size: int) -> Download:
    data = bytearray(declared_size + 1)  # one byte more: a longer answer shows
    view = memoryview(data)
    received = hashlib.sha256()
    size = 0
    while count := read_into(view[size : size + _BUFFER]):
        received.update(view[size : size + count])
        size += count
        if size > declared_size:
            raise TooLong(f"more than the declared {declared_size} bytes")
    return Download(data, size, None, received.hexdigest())


def _into_file(read_into: ReadInto, declared_size: int, spill_to: Path) -> Download:
    spill_to.parent.mkdir(parents=True, exist_ok=True)
    tmp = spill_to.with_name(f".{spill_to.name}.{os.getpid()}.{id(spill_to)}.part")
    buffer = bytearray(_BUFFER)
    view = memoryview(buffer)
    received = hashlib.sha256()
    size = 0
    try:
        with open(tmp, "wb") as out:
            while count := read_into(view):
                received.update(view[:count])
                out.write(view[:count])
                size += count
                if size > declared_size:
                    raise TooLong(f"more than the declared {declared_size} bytes")
        os.replace(tmp, spill_to)
    finally:
        tmp.unlink(missing_ok=True)
    return Download(None, 0, spill_to, received.hexdigest())


class _MemoryReader(io.RawIOBase):
    """Reads a buffer without copying it first (io.BytesIO would)."""

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._at = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        count = min(len(buffer), len(self._view) - self._at)
        buffer[:count] = self._view[self._at : self._at + count]
        self._at += count
        return count
