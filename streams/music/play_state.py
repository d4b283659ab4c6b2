"""What the play stage knows of one listener, between two records.

Plain data with small queries, so a changelog can write it as it is. Every
part is bounded by time: the listener's clock (`now_ms`, the newest time the
gateway recorded on the listener's records) moves only forward, and each
record moves it (`advance`), and what falls out of a window is forgotten:

- `counted`: the keys of counted plays that started within the dedupe window
  (7 days), key -> the play's start; a play older than that is too_old, so
  forgetting its key never lets it count twice;
- `open`: plays started and not yet ended (now playing), a few at most;
- `session`: the listening session still open;
- `recent`: the counted plays of the last 48 hours, what a deletion takes
  back out of the live charts;
- `deleted_before_ms`: the latest cut of a deletion; a play that started
  before it counts nowhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from schemas.music.plays import REMOVED_MAX
from streams.music.play_rules import RECENT_WINDOW_MS, window_start_ms

# A player plays one track at a time; a few open plays cover a listener on
# several devices, and a start that never ends is forgotten beyond them.
OPEN_MAX = 8
# At most as many recent plays as a deletion may list (48 h of 30-second
# streams back to back): a listener past that is no person listening, and the
# oldest of them are left to leave the charts as their buckets age out.
RECENT_MAX = REMOVED_MAX
PRUNE_EVERY_MS = 60 * 60 * 1000


def play_key(track_id: str, started_at_ms: int) -> str:
    """A play's key within its listener's state: the track and its start
    (ids have no "@")."""
    return f"{track_id}@{started_at_ms}"


@dataclass(frozen=True)
class PlayedFrom:
    """Where and how a play was played, as its facts carry it."""

    context: str = "other"
    context_id: str = ""
    device: str = "other"
    country: str = "ZZ"


@dataclass(frozen=True)
class OpenPlay:
    track_id: str
    started_at_ms: int
    played_from: PlayedFrom


@dataclass(frozen=True)
class CountedPlay:
    """A counted play as the live charts hold it (CountedPlayRef's fields)."""

    track_id: str
    artist_id: str
    started_at_ms: int
    country: str


@dataclass
class Session:
    session_id: str
    started_at_ms: int
    ended_at_ms: int
    plays: int
    ms_played: int


@dataclass
class PlayState:
    listener: str
    now_ms: int = 0
    counted: dict[str, int] = field(default_factory=dict)
    open: dict[str, OpenPlay] = field(default_factory=dict)
    session: Session | None = None
    recent: dict[str, CountedPlay] = field(default_factory=dict)
    deleted_before_ms: int = 0
    # The clock at the last pass that forgot what fell out of the windows.
    pruned_at_ms: int = 0
    # What the last record forgot in bulk (a pass, a cap, a deletion), as the
    # changelog names it ("counted:<key>", "open:<key>", "recent:<key>"): not
    # part of what the listener's state is, only what its changelog must
    # delete (streams/music/play_log.py). Each decide starts it afresh.
    forgotten: list[str] = field(default_factory=list, compare=False, repr=False)

    def advance(self, recorded_ms: int) -> None:
        """Move the listener's clock to a record's time (never back), and
        now and then forget what fell out of each window. No decision
        depends on when that happens (each checks its window itself), so
        the cost of a pass is paid once an hour of the listener's time, not
        per play."""
        self.now_ms = max(self.now_ms, recorded_ms)
        if self.now_ms - self.pruned_at_ms < PRUNE_EVERY_MS:
            return
        self.pruned_at_ms = self.now_ms
        oldest = window_start_ms(self.now_ms)
        self.forgotten += [f"counted:{k}" for k, t in self.counted.items() if t < oldest]
        self.counted = {k: t for k, t in self.counted.items() if t >= oldest}
        self.forget_open(lambda p: p.started_at_ms < oldest)
        recent_from = self.recent_from_ms()
        self.forgotten += [
            f"recent:{k}" for k, p in self.recent.items() if p.started_at_ms < recent_from
        ]
        self.recent = {k: p for k, p in self.recent.items() if p.started_at_ms >= recent_from}

    def forget_open(self, gone: Callable[[OpenPlay], bool]) -> None:
        """Forget the open plays `gone` names."""
        self.forgotten += [f"open:{k}" for k, p in self.open.items() if gone(p)]
        self.open = {k: p for k, p in self.open.items() if not gone(p)}

    def recent_from_ms(self) -> int:
        """The earliest start of a play the live charts may still hold."""
        return self.now_ms - RECENT_WINDOW_MS

    def open_play(self, key: str, play: OpenPlay) -> None:
        self.open[key] = play
        self.forgotten += [f"open:{k}" for k in _keep_newest(self.open, OPEN_MAX)]

    def remember_counted(self, key: str, play: CountedPlay) -> None:
        self.counted[key] = play.started_at_ms
        if play.started_at_ms >= self.recent_from_ms():
            self.recent[key] = play
            self.forgotten += [f"recent:{k}" for k in _keep_newest(self.recent, RECENT_MAX)]


def _keep_newest(plays: dict[str, OpenPlay] | dict[str, CountedPlay], most: int) -> list[str]:
    """Forget the plays that started earliest (ties by key) beyond `most`;
    their keys."""
    if len(plays) <= most:
        return []
    by_age = sorted(plays, key=lambda k: (plays[k].started_at_ms, k))
    dropped = by_age[: len(plays) - most]
    for key in dropped:
        del plays[key]
    return dropped
