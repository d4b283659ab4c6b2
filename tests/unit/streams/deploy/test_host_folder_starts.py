"""Hosts unpacking and starting releases side by side in one process (as the
region agent's threads do) never fail a start with ETXTBSY.

Without HostFolder.start's lock this failed within a second or two on the
benchmark machine (14 starts in 5 s with 8 threads): one thread's fork
inherited the write descriptor of a `run` another thread was still
unpacking, and that `run` could not be exec'd until the child exec'd too.
A large `run` (a long comment after its command) keeps it open for writing
long enough for the race to show.
"""

from __future__ import annotations

import errno
import threading
import time
from pathlib import Path

from streams.deploy.artifacts import pack
from streams.deploy.host_folder import HostFolder

_THREADS = 8
_RUN_FOR_S = 3.0


def _artifact(tmp: Path) -> bytes:
    source = tmp / "source"
    source.mkdir()
    run = source / "run"
    run.write_text("#!/bin/sh\nexec sleep 30\n" + "#" * 200_000 + "\n")
    run.chmod(0o755)
    return pack(source)


def test_parallel_unpack_and_start_never_meet_a_busy_text_file(tmp_path: Path) -> None:
    artifact = _artifact(tmp_path)
    busy: list[str] = []
    errors: list[BaseException] = []
    starts = [0] * _THREADS
    deadline = time.monotonic() + _RUN_FOR_S

    def host(index: int) -> None:
        folder = HostFolder(tmp_path / f"host-{index}")
        try:
            while time.monotonic() < deadline and not busy:
                version = f"v{starts[index]}"
                folder.unpack_release(version, artifact, "digest")
                try:
                    folder.start(version)
                except OSError as exc:
                    if exc.errno != errno.ETXTBSY:
                        raise
                    busy.append(f"host-{index}/{version}")
                else:
                    starts[index] += 1
                folder.stop(version, timeout=5)
        except BaseException as exc:  # surfaced below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=host, args=(i,)) for i in range(_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=_RUN_FOR_S + 60)
    assert not any(thread.is_alive() for thread in threads)
    assert not errors, errors
    assert busy == [], f"ETXTBSY on {busy} after {sum(starts)} good starts"
    assert sum(starts) >= _THREADS  # the race was really run
