"""A listening story whose recommendations are known by hand (docs/music.md,
Recommendations), as the play stage's facts on music.listens.

Artists a1 (tracks t1, t2), a2 (t3), a3 (t4), a4 (t5). Sessions, each of
counted plays within the last 90 days:

- ann: t1, t3        bob: t1, t3, t4        cat: t1, t3        dan: t2, t5
- fred, long before the window: t1, t4 (in sessions, out of "fans also like")

So a1's fans are ann, bob, cat and dan: a2 shares its 3 listeners
(Jaccard 3/(3+4-3) = 0.75), a3 its one in the window, bob (fred is out:
0.25), a4 its one, dan (0.25); t1's sessions hold t3 three times and t4
twice (bob's and fred's: sessions have no window).

`with_eve` adds eve, who plays t1 and t5 together in four sessions and a4's
t5 alone in more: she would make t5 t1's nearest track and lift a4. With
`eve_deleted` she then deletes her history before all of it, so every
answer is the story's without her.
"""

from __future__ import annotations

from schemas.music import plays as pd
from tests.unit.projections.music.records import M0_MS, TRACK_MS, Story, ref

ARTIST_OF = {"t1": "a1", "t2": "a1", "t3": "a2", "t4": "a3", "t5": "a4"}
DAY_MS = 24 * 60 * 60 * 1000
# The window "fans also like" is asked over starts here; fred played before.
SINCE_MS = M0_MS - 10 * DAY_MS
FRED_MS = SINCE_MS - 30 * DAY_MS
EVE_CUT_MS = M0_MS + DAY_MS

SESSIONS: dict[tuple[str, str], tuple[int, tuple[str, ...]]] = {
    ("ann", "ann-1"): (M0_MS, ("t1", "t3")),
    ("bob", "bob-1"): (M0_MS, ("t1", "t3", "t4")),
    ("cat", "cat-1"): (M0_MS + 60_000, ("t1", "t3")),
    ("dan", "dan-1"): (M0_MS, ("t2", "t5")),
    ("fred", "fred-1"): (FRED_MS, ("t1", "t4")),
}
EVE_SESSIONS: dict[tuple[str, str], tuple[int, tuple[str, ...]]] = {
    ("eve", f"eve-{n}"): (M0_MS + n * 3_600_000, ("t1", "t5") if n < 4 else ("t5",))
    for n in range(8)
}


def _play_sessions(s: Story, sessions: dict[tuple[str, str], tuple[int, tuple[str, ...]]]) -> None:
    for (listener, session), (start_ms, tracks) in sessions.items():
        for n, track in enumerate(tracks):
            at_ms = start_ms + n * TRACK_MS
            s.counted(listener, track, ARTIST_OF[track], at_ms, "SE", session)


def recommendation_story(with_eve: bool = False, eve_deleted: bool = False) -> Story:
    s = Story()
    _play_sessions(s, SESSIONS)
    if with_eve:
        _play_sessions(s, EVE_SESSIONS)
    if with_eve and eve_deleted:
        s.listen(pd.ListeningHistoryDeleted, listener="eve", before_ms=EVE_CUT_MS,
                 removed=[ref("t5", "a4", M0_MS, "SE")])  # fmt: skip
    return s
