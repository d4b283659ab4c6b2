"""The play stage's rules, as pure functions of a play's own times.

- The 30-second rule (docs/music.md, Plays): a play is a stream when at least
  30,000 ms were played, or, for a track shorter than that, when the whole of
  it was played.
- The dedupe window: the stage keeps the keys it counted for 7 days, by the
  play's own start; a play that started earlier than that cannot be checked
  against the keys any more, so it is refused (`too_old`), never counted twice.
- Sessions: a gap of 30 minutes between one play's end and the next's start
  ends a session.

`now_ms` is the listener's clock as the stage keeps it (the newest time the
gateway recorded on the listener's records), never the wall clock.
"""

from __future__ import annotations

STREAM_MIN_MS = 30_000
DEDUPE_WINDOW_MS = 7 * 24 * 60 * 60 * 1000
SESSION_GAP_MS = 30 * 60 * 1000
# How long the stage keeps counted plays to take back out of the live charts
# on a deletion: the longest chart window (a day), and a day's slack.
RECENT_WINDOW_MS = 48 * 60 * 60 * 1000


def counts_as_stream(ms_played: int, duration_ms: int) -> bool:
    """Whether a play of `ms_played` of a track of `duration_ms` is a stream.
    More played than the track lasts (a player's rounding, a loop) is the
    whole track."""
    if ms_played >= STREAM_MIN_MS:
        return True
    return duration_ms < STREAM_MIN_MS and ms_played >= duration_ms


def window_start_ms(now_ms: int) -> int:
    """The earliest start a play may have and still be checked for a duplicate."""
    return now_ms - DEDUPE_WINDOW_MS


def is_too_old(started_at_ms: int, now_ms: int) -> bool:
    """Whether a play started before the dedupe window (its first day is in)."""
    return started_at_ms < window_start_ms(now_ms)


def continues_session(last_ended_at_ms: int, started_at_ms: int) -> bool:
    """Whether a play that starts at `started_at_ms` belongs to the session
    whose last play ended at `last_ended_at_ms`: a gap under 30 minutes (an
    overlap is no gap)."""
    return started_at_ms - last_ended_at_ms < SESSION_GAP_MS
