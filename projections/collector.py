"""Pausing Python's cyclic garbage collector around work that allocates many
objects, none of them in a cycle, that all live until the work is done."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off while the block runs (it would rescan every live
    object again and again for nothing), back as it was after."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
