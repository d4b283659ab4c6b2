"""A run's stdout and stderr, read from pipes and kept up to a cap.

The worker never holds more than the cap (plus one read) per stream, however
much a run writes: past the cap the stream is marked overflowed and the
sandbox kills the run, so a gigantic output costs a few milliseconds, not
the worker's memory.
"""

from __future__ import annotations

import os

READ_CHUNK = 64 * 1024


class CappedStream:
    """One pipe's read end, non-blocking; `read_ready` after the selector says so."""

    def __init__(self, fd: int, cap_bytes: int) -> None:
        os.set_blocking(fd, False)
        self.fd = fd
        self.cap = cap_bytes
        self._kept = bytearray()
        self.overflowed = False
        self.closed = False

    def read_ready(self) -> None:
        """Read what is there; at EOF or past the cap, close the pipe."""
        try:
            chunk = os.read(self.fd, READ_CHUNK)
        except BlockingIOError:
            return
        if not chunk:
            self.close()
            return
        room = self.cap - len(self._kept)
        self._kept += chunk[:room]
        if len(chunk) > room:
            self.overflowed = True
            # The writer now gets EPIPE or SIGPIPE instead of filling the pipe.
            self.close()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            os.close(self.fd)

    @property
    def data(self) -> bytes:
        return bytes(self._kept)
