"""A secret kept in a file of its own: mode 0600 in a 0700 folder, created
once. Creation is atomic (O_EXCL, then a hard link): two processes starting
together end with one secret, the loser reads the winner's."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def read_or_create_secret(path: Path, make: Callable[[], bytes]) -> bytes:
    """The bytes at `path`, written from `make()` first if the file is missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(make())
        try:
            os.link(tmp, path)  # fails if another process won the race
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_bytes()
