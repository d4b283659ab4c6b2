"""The weekly timer: one RecomputeDiscovery per ISO week, so every listener's
discovery playlist is refreshed by a record on the log, not by hand.

    python -m streams.music.discovery_timer

At start it reads which weeks the log has ticked; then, every CHECK_S
seconds, it sends the tick for the current week (UTC) if the log has none
yet. So a week's tick is sent once however often the timer restarts, and a
week begun while it was down is ticked when it comes back. Ends cleanly on
SIGTERM or SIGINT.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, datetime
from types import FrameType

from infra.settings import settings
from streams.music.discovery_ticks import iso_week, send_tick, weeks_ticked

log = logging.getLogger("onelog.music.discovery_timer")

PRODUCER = "music.discovery-timer"
CHECK_S = 60.0


def due_week(now: datetime, ticked: set[str]) -> str | None:
    """The week to tick now, if the log has no tick for it."""
    week = iso_week(now)
    return None if week in ticked else week


def run(bootstrap: str, stop: threading.Event) -> None:
    ticked = weeks_ticked(bootstrap)
    while not stop.is_set():
        week = due_week(datetime.now(UTC), ticked)
        if week is not None:
            event_id = send_tick(bootstrap, week, PRODUCER)
            if event_id is None:
                log.warning("Kafka did not acknowledge the tick for %s; trying again", week)
            else:
                ticked.add(week)
                log.info("discovery tick for %s sent (%s)", week, event_id)
        stop.wait(CHECK_S)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    from infra.kafka_broker import bootstrap_servers

    run(bootstrap_servers(settings()), stop)


if __name__ == "__main__":
    main()
