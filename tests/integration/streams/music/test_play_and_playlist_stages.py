"""The music play and playlist stages on the batched engine and the real
broker, each in a process of its own (tests/support/stage_process.py), so a
test can kill one (-9) mid-stream and start it again. The test plays the
gateway: it writes plays on music.plays (ends stamped with the track's
duration and artist, as the gateway stamps them from its catalog) and
playlist edits on music.playlist-commands, and reads music.listens and
music.playlists back."""

from __future__ import annotations

import itertools
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from infra.settings import Settings
from schemas.envelope import Record
from schemas.music.playlists import (
    PLAYLIST_FACTS,
    AddCollaborator,
    AddTracks,
    CreatePlaylist,
    MoveTracks,
    RemoveTracks,
)
from schemas.music.plays import (
    DeleteListeningHistory,
    ListeningHistoryDeleted,
    PlayCounted,
    PlayEnded,
    PlayNotCounted,
    PlaySkipped,
    PlayStarted,
)
from schemas.music.topics import MUSIC_LISTENS, MUSIC_PLAYLIST_COMMANDS, MUSIC_PLAYLISTS
from streams.music import playlist_decide
from tests.support.log import LogReader, LogWriter, Seen, command, records
from tests.support.stage_process import StageProcess

pytestmark = pytest.mark.integration

PLAY = "streams.music.play_stage:PLAY_STAGE"
PLAYLIST = "streams.music.playlist_stage:PLAYLIST_STAGE"
TRACK_MS = 180_000
MINUTE = 60_000
WAIT_S = 90


@pytest.fixture(scope="module")
def play_stage(infrastructure: Settings) -> Iterator[StageProcess]:
    stage = StageProcess(infrastructure, PLAY, f"music-play-t-{uuid.uuid4().hex[:6]}")
    stage.start()
    try:
        yield stage
    finally:
        stage.stop()


@pytest.fixture(scope="module")
def playlist_stage(infrastructure: Settings) -> Iterator[StageProcess]:
    stage = StageProcess(infrastructure, PLAYLIST, f"music-playlist-t-{uuid.uuid4().hex[:6]}")
    stage.start()
    try:
        yield stage
    finally:
        stage.stop()


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class Listeners:
    """Fresh listeners on the real log, and what the play stage decided."""

    def __init__(self, settings: Settings, n: int = 1) -> None:
        tag = uuid.uuid4().hex[:10]
        self.names = [f"l{i}-{tag}" for i in range(n)]
        self.writer = LogWriter(settings.kafka_bootstrap)
        self.reader = LogReader(settings.kafka_bootstrap, [MUSIC_LISTENS.name], from_end=True)

    def end(
        self, listener: str, track: str, start: int, ms_played: int, *, known: bool = True,
        model: type[PlayEnded | PlaySkipped] = PlayEnded,
    ) -> Record:  # fmt: skip
        stamp = {"duration_ms": TRACK_MS, "artist_id": "a1"} if known else {}
        return command(model, listener=listener, track_id=track, started_at_ms=start,
                       ms_played=ms_played, **stamp)  # fmt: skip

    def decided(self, n: int, timeout: float = WAIT_S) -> list[Record]:
        """Once at least `n` plays (counted or not) of these listeners are
        decided, and a moment for anything doubled to come behind: every
        fact of theirs, in the order of their partitions."""

        def ours(seen: Seen) -> bool:
            return getattr(seen.record, "listener", None) in self.names

        def done(seen: list[Seen]) -> bool:
            return len(_plays(seen)) >= n

        self.reader.wait_for(ours, done, timeout=timeout)
        time.sleep(1.5)
        seen = self.reader.wait_for(ours, done, timeout=timeout)
        return [s.record for s in sorted(seen, key=lambda s: (s.partition, s.offset)) if s.record]

    def close(self) -> None:
        self.reader.close()


def _plays(seen: list[Seen]) -> list[Record]:
    return [*records(seen, PlayCounted), *records(seen, PlayNotCounted)]


def _of(facts: list[Record], model: type[Any]) -> list[Any]:
    return [f for f in facts if isinstance(f, model)]


def test_a_play_counts_once_however_often_sent_short_and_unknown_never_and_deletion_holds(
    play_stage: StageProcess, infrastructure: Settings
) -> None:
    ls = Listeners(infrastructure)
    (me,) = ls.names
    t0 = _now_ms() - 60 * MINUTE
    where = {"context": "album", "context_id": "al1", "device": "car", "country": "SE"}
    ls.writer.send(command(PlayStarted, listener=me, track_id="t1", started_at_ms=t0, **where))
    # The same play's end three times and once as a skip (the player retried).
    ls.writer.send(*(ls.end(me, "t1", t0, 95_000) for _ in range(3)))
    ls.writer.send(ls.end(me, "t1", t0, 95_000, model=PlaySkipped))
    ls.writer.send(ls.end(me, "t2", t0 + 4 * MINUTE, 29_999))  # short
    ls.writer.send(ls.end(me, "t9", t0 + 5 * MINUTE, 95_000, known=False))  # the catalog lacks it
    ls.writer.send(ls.end(me, "t3", t0 + 6 * MINUTE, 30_000))
    facts = ls.decided(7)
    counted = _of(facts, PlayCounted)
    assert [(c.track_id, c.started_at_ms) for c in counted] == [("t1", t0), ("t3", t0 + 6 * MINUTE)]
    first = counted[0]
    # The start's context went to the end that left it out; the stamp to the fact.
    assert (first.context, first.context_id, first.device, first.country) == (
        "album", "al1", "car", "SE",
    )  # fmt: skip
    assert (first.duration_ms, first.artist_id, first.skipped) == (TRACK_MS, "a1", False)
    assert first.session_id == counted[1].session_id != ""
    reasons = Counter((n.track_id, n.reason) for n in _of(facts, PlayNotCounted))
    assert reasons == Counter(
        {("t1", "duplicate"): 3, ("t2", "short"): 1, ("t9", "unknown_track"): 1}
    )
    assert len(_of(facts, PlayNotCounted)) + len(counted) == 7

    # Deleting the history up to now takes both counted plays back out of
    # the charts; a late end of a play from before the cut counts nowhere,
    # a retried one stays a duplicate, and a play after the cut counts.
    ls.reader.seen.clear()
    ls.writer.send(command(DeleteListeningHistory, listener=me, before_ms=_now_ms()))
    ls.writer.send(ls.end(me, "t4", t0 + 10 * MINUTE, 95_000))
    ls.writer.send(ls.end(me, "t1", t0, 95_000))
    time.sleep(0.01)
    after = _now_ms() + 1
    ls.writer.send(ls.end(me, "t5", after, 95_000))
    facts = ls.decided(3)
    (deleted,) = _of(facts, ListeningHistoryDeleted)
    assert sorted((r.track_id, r.started_at_ms) for r in deleted.removed) == [
        ("t1", t0), ("t3", t0 + 6 * MINUTE),
    ]  # fmt: skip
    assert [(n.track_id, n.reason) for n in _of(facts, PlayNotCounted)] == [
        ("t4", "history_deleted"), ("t1", "duplicate"),
    ]  # fmt: skip
    assert [(c.track_id, c.started_at_ms) for c in _of(facts, PlayCounted)] == [("t5", after)]
    ls.close()


def test_a_play_stage_killed_mid_stream_counts_no_play_twice_and_loses_none(
    play_stage: StageProcess, infrastructure: Settings
) -> None:
    ls = Listeners(infrastructure, n=6)
    rng = random.Random(12)
    t0 = _now_ms() - 24 * 60 * MINUTE
    ls.writer.send(ls.end(ls.names[0], "warm", t0, 95_000))
    ls.decided(1)  # the stage is up
    ls.reader.seen.clear()
    # 300 plays, each end sent twice, some the second time as a skip, a few
    # short: 600 ends, one every few ms, while the stage dies and comes back.
    plays = [(rng.choice(ls.names), f"t{n % 7}", t0 + n * MINUTE) for n in range(1, 301)]
    short = {p for p in plays if rng.random() < 0.1}
    ends: list[Record] = []
    for who, track, start in plays:
        played = 10_000 if (who, track, start) in short else 95_000
        ends.append(ls.end(who, track, start, played))
        again = PlaySkipped if rng.random() < 0.5 else PlayEnded
        ends.append(ls.end(who, track, start, played, model=again))
    sent_all = threading.Event()

    def send_all() -> None:
        for end in ends:
            ls.writer.send(end)
            time.sleep(0.004)
        sent_all.set()

    sender = threading.Thread(target=send_all, name="plays")
    sender.start()
    try:
        time.sleep(0.6)
        play_stage.kill()
        assert not sent_all.is_set(), "the kill came after the last play: not mid-stream"
        time.sleep(0.5)
        play_stage.start()
    finally:
        sender.join(120)
        assert not sender.is_alive(), "the plays were not all sent"
    facts = ls.decided(len(ends), timeout=180)
    counted = Counter((c.listener, c.track_id, c.started_at_ms) for c in _of(facts, PlayCounted))
    not_counted = _of(facts, PlayNotCounted)
    # Each end decided once: no fact doubled by the crash, none lost.
    assert sum(counted.values()) + len(not_counted) == len(ends)
    assert counted == Counter(set(plays) - short), "every stream counted exactly once"
    assert Counter(n.reason for n in not_counted) == {
        "duplicate": len(plays) - len(short), "short": 2 * len(short),
    }  # fmt: skip
    ls.close()


# --- playlists --------------------------------------------------------------------------


def _items(*ids: str) -> list[dict[str, Any]]:
    return [{"item_id": i, "track_id": f"t-{i}", "duration_ms": TRACK_MS} for i in ids]


def _edits(playlist: str, editor: str, rng: random.Random, known: list[str]) -> list[Record]:
    """An editor's edits, each naming items that exist when it is sent (the
    seeds, and the editor's own), unaware of the other's edits meanwhile."""
    mine = list(known)
    made: list[Record] = []
    for n in range(40):
        c: dict[str, Any] = {"playlist_id": playlist, "actor": editor}
        roll = rng.random()
        if roll < 0.5:
            new = [f"{editor}{n}x{k}" for k in range(rng.randint(1, 3))]
            anchor = rng.choice([None, *mine])
            made.append(command(AddTracks, **c, items=_items(*new), after_item=anchor))
            mine += new
        elif roll < 0.75:
            made.append(command(RemoveTracks, **c, item_ids=rng.sample(mine, 2)))
        else:
            made.append(command(MoveTracks, **c, item_ids=rng.sample(mine, 2),
                                after_item=rng.choice([None, *mine])))  # fmt: skip
    return made


def _payload(record: Record) -> dict[str, Any]:
    return record.model_dump(exclude={"envelope"})


def test_two_writers_edits_to_one_playlist_are_decided_in_log_order(
    playlist_stage: StageProcess, infrastructure: Settings
) -> None:
    playlist = f"pl-{uuid.uuid4().hex[:10]}"
    ann, ben = "ann", "ben"
    seeds = [f"s{n}" for n in range(8)]
    commands_read = LogReader(
        infrastructure.kafka_bootstrap, [MUSIC_PLAYLIST_COMMANDS.name], from_end=True
    )
    facts_read = LogReader(infrastructure.kafka_bootstrap, [MUSIC_PLAYLISTS.name], from_end=True)
    opening = LogWriter(infrastructure.kafka_bootstrap)
    opening.send(
        command(CreatePlaylist, playlist_id=playlist, actor=ann, name="Shared"),
        command(AddTracks, playlist_id=playlist, actor=ann, items=_items(*seeds)),
        command(AddCollaborator, playlist_id=playlist, actor=ann, collaborator=ben),
    )
    rng = random.Random(5)
    by_editor = {e: _edits(playlist, e, rng, seeds) for e in (ann, ben)}

    def write(editor: str) -> None:
        writer = LogWriter(infrastructure.kafka_bootstrap)  # a producer of its own
        for record in by_editor[editor]:
            writer.send(record)
            time.sleep(rng.random() / 200)

    writers = [threading.Thread(target=write, args=(e,), name=f"edits-{e}") for e in (ann, ben)]
    for w in writers:
        w.start()
    for w in writers:
        w.join(60)
        assert not w.is_alive(), "an editor's edits were not all sent"

    def ours(seen: Seen) -> bool:
        return getattr(seen.record, "playlist_id", None) == playlist

    total = 3 + sum(len(edits) for edits in by_editor.values())
    seen = commands_read.wait_for(ours, lambda s: len(s) >= total, timeout=WAIT_S)
    assert len({s.partition for s in seen}) == 1, "one playlist, one partition"
    log = [s.record for s in sorted(seen, key=lambda s: s.offset) if s.record]
    # The two editors' edits interleave in the log...
    actors = [str(getattr(r, "actor")) for r in log[3:]]  # noqa: B009
    # (at least once: how often depends on the machine's load; the fresh-clone
    # CI under load saw one switch where a quiet machine sees many)
    assert sum(a != b for a, b in itertools.pairwise(actors)) >= 1
    # ...and the stage decides them in that order, as the pure core does.
    state = playlist_decide.new_state(playlist)
    expected = [(m, p) for record in log for m, p in playlist_decide.decide(state, record)]
    assert {m.__name__ for m, _ in expected} >= {"TracksAdded", "TracksRemoved", "TracksMoved"}
    done = lambda s: len(s) >= len(expected)  # noqa: E731
    got = facts_read.wait_for(ours, done, timeout=WAIT_S)
    time.sleep(1.5)
    got = sorted(facts_read.wait_for(ours, done, timeout=WAIT_S), key=lambda s: s.offset)
    decided = [(type(s.record), _payload(s.record)) for s in got if s.record]
    assert all(m in PLAYLIST_FACTS for m, _ in decided)
    assert decided == expected
    commands_read.close()
    facts_read.close()
