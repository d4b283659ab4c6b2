"""A small progress bar on stderr for long work (replay, audit scans)."""

from __future__ import annotations

import sys
import time


class ProgressBar:
    def __init__(self, label: str, total: int | None, enabled: bool = True, unit: str = "") -> None:
        """`unit`: what is counted, shown with the rate ("events" -> "events/s")."""
        self.label = label
        self.unit = unit
        self.total = total
        self.done = 0
        self.enabled = enabled and sys.stderr.isatty()
        self._started = time.monotonic()
        self._last_draw = 0.0

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if self.enabled and now - self._last_draw > 0.1:
            self._last_draw = now
            self._draw(now)

    def update_total(self, total: int) -> None:
        self.total = total

    def _draw(self, now: float) -> None:
        rate = self.done / max(now - self._started, 1e-9)
        speed = f"{rate:,.0f} {self.unit}/s" if self.unit else f"{rate:,.0f}/s"
        if self.total:
            filled = int(30 * min(self.done / self.total, 1.0))
            bar = "#" * filled + "-" * (30 - filled)
            text = f"\r{self.label} [{bar}] {self.done}/{self.total} {speed}"
        else:
            text = f"\r{self.label} {self.done} {speed}"
        sys.stderr.write(text)
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            sys.stderr.write("\n")
