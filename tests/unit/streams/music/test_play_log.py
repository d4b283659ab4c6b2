"""The play stage's state on its changelog: the parts `touched` names after
each record, kept as a compacted topic keeps them, restore states equal to
the live ones that decide exactly as they would; a play writes only its own
parts, and what a pass, a cap or a deletion forgets is deleted."""

from __future__ import annotations

import random
from typing import Any

import pytest

from schemas.envelope import Record
from schemas.music.plays import DeleteListeningHistory, PlayEnded, PlaySkipped, PlayStarted
from streams.facts import Fact
from streams.music import play_state
from streams.music.play_decide import decide, new_state
from streams.music.play_log import PlayLog
from streams.music.play_state import PlayState
from tests.unit.streams.music.play_driver import DAY, HOUR, MINUTE, T0, sealed

LOG = PlayLog()
LISTENERS = ("l1", "l2", "l3")
TRACKS = {"t1": (180_000, "a1"), "t2": (20_000, "a2"), "t3": (240_000, "a1")}


def _random_session(seed: int, steps: int = 300) -> list[Record]:
    """Listeners' starts, ends, skips (some retried, some of unknown tracks)
    and deletions, the clock moving by minutes to days."""
    rng = random.Random(seed)
    now = T0
    played: list[tuple[str, str, int]] = []
    records: list[Record] = []
    for _ in range(steps):
        now += rng.choice([0, MINUTE, 5 * MINUTE, 40 * MINUTE, 3 * HOUR, DAY, 3 * DAY])
        listener = rng.choice(LISTENERS)
        roll = rng.random()
        if roll < 0.05:
            cut = now - rng.choice([0, HOUR, DAY, 9 * DAY])
            records.append(sealed(DeleteListeningHistory, now, listener=listener, before_ms=cut))
            continue
        if roll < 0.25 and played:
            listener, track, start = rng.choice(played)  # a retry, or a late end
        else:
            track = rng.choice([*TRACKS, "t-unknown"])
            start = now - rng.choice([0, 10 * MINUTE, 2 * DAY, 8 * DAY])
            played.append((listener, track, start))
        play: dict[str, Any] = {"listener": listener, "track_id": track, "started_at_ms": start}
        if roll < 0.5:
            records.append(sealed(PlayStarted, now, **play, device=rng.choice(["car", "web"])))
            continue
        duration, artist = TRACKS.get(track, (None, None))
        end = rng.choice([PlayEnded, PlaySkipped])
        ms_played = rng.choice([5_000, 20_000, 31_000, 200_000])
        records.append(
            sealed(end, now, **play, ms_played=ms_played, duration_ms=duration, artist_id=artist)
        )
    return records


def _fold(changelog: dict[str, bytes], state: PlayState, record: Record, facts: list[Fact]) -> None:
    for sub_key in LOG.touched(state, record, facts):
        value = LOG.entry(state, sub_key)
        if value is None:
            changelog.pop(sub_key, None)
        else:
            changelog[sub_key] = value


def _replay(records: list[Record]) -> tuple[dict[str, PlayState], dict[str, dict[str, bytes]]]:
    live: dict[str, PlayState] = {}
    changelogs: dict[str, dict[str, bytes]] = {}
    for i, record in enumerate(records):
        key = record.envelope.key
        state = live.setdefault(key, new_state(key))
        _fold(changelogs.setdefault(key, {}), state, record, decide(state, record))
        if i % 7 == 0 or i == len(records) - 1:
            for listener, changelog in changelogs.items():
                assert LOG.restore(listener, changelog) == live[listener], f"after record {i}"
                assert LOG.parts(live[listener]) == changelog, f"after record {i}"
    return live, changelogs


@pytest.mark.parametrize("seed", range(30))
def test_the_changelog_restores_states_that_decide_the_same(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(play_state, "RECENT_MAX", 6)  # so the cap forgets plays too
    records = _random_session(seed)
    live, changelogs = _replay(records)
    restored = {m: LOG.restore(m, changelog) for m, changelog in changelogs.items()}
    later = T0 + 120 * DAY
    for record in _random_session(seed + 1000, steps=150):
        moved = record.model_copy(
            update={"envelope": record.envelope.model_copy(
                update={"recorded_at": record.envelope.recorded_at + later * 1000}
            )}
        )  # fmt: skip
        key = moved.envelope.key
        again = restored.setdefault(key, new_state(key))
        assert decide(again, moved) == decide(live.setdefault(key, new_state(key)), moved)
    assert restored == live


def test_the_sessions_write_every_kind_of_part(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(play_state, "RECENT_MAX", 6)
    written: set[str] = set()
    forgotten: set[str] = set()
    for seed in range(5):
        states: dict[str, PlayState] = {}
        for record in _random_session(seed):
            key = record.envelope.key
            state = states.setdefault(key, new_state(key))
            facts = decide(state, record)
            written |= {
                n.partition(":")[0]
                for n in LOG.touched(state, record, facts)
                if LOG.entry(state, n)
            }
            forgotten |= {n.partition(":")[0] for n in state.forgotten}
    assert written == {"clock", "session", "counted", "open", "recent"}
    assert forgotten == {"counted", "open", "recent"}


def test_a_counted_play_writes_its_own_parts_not_the_week() -> None:
    state = new_state("l1")
    end = {"listener": "l1", "ms_played": 60_000, "duration_ms": 180_000, "artist_id": "a1"}
    for n in range(20):
        decide(
            state, sealed(PlayEnded, T0 + n * MINUTE, **end, track_id="t1", started_at_ms=T0 + n)
        )
    record = sealed(PlayEnded, T0 + HOUR // 2, **end, track_id="t2", started_at_ms=T0)
    touched = LOG.touched(state, record, decide(state, record))
    key = f"t2@{T0}"
    assert touched == ["clock", f"open:{key}", f"counted:{key}", f"recent:{key}", "session"]


def test_a_pass_an_hour_on_deletes_the_plays_past_the_window() -> None:
    state = new_state("l1")
    end = {"listener": "l1", "track_id": "t1", "ms_played": 60_000}
    stamped = {"duration_ms": 180_000, "artist_id": "a1"}
    decide(state, sealed(PlayEnded, T0, **end, **stamped, started_at_ms=T0))
    decide(state, sealed(PlayStarted, T0, listener="l1", track_id="t3", started_at_ms=T0))
    record = sealed(DeleteListeningHistory, T0 + 8 * DAY, listener="l1", before_ms=0)
    facts = decide(state, record)
    touched = LOG.touched(state, record, facts)
    assert {f"counted:t1@{T0}", f"recent:t1@{T0}", f"open:t3@{T0}"} <= set(touched)
    assert all(LOG.entry(state, n) is None for n in touched if ":" in n)


def test_an_empty_changelog_is_a_new_listener() -> None:
    assert LOG.restore("l1", {}) == new_state("l1")


def test_an_unknown_part_is_refused() -> None:
    with pytest.raises(ValueError, match="no part"):
        LOG.restore("l1", {"nonsense": b"1"})
    with pytest.raises(ValueError, match="no part"):
        LOG.entry(new_state("l1"), "nonsense:1")
