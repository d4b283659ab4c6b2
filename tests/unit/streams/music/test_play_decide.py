"""The play stage's rules, one listener at a time: the 30-second rule with
the catalog's durations, dedupe within the window, sessions, and deleting
history."""

from __future__ import annotations

import typing

import pytest

from schemas.music.catalog import TrackPublished
from schemas.music.plays import (
    DeleteListeningHistory,
    ListeningHistoryDeleted,
    NotCountedReason,
    PlayCounted,
    PlayEnded,
    PlayNotCounted,
    PlaySkipped,
    PlayStarted,
    SessionEnded,
)
from streams.facts import Fact
from streams.music.play_decide import NotCounted, decide, session_id
from streams.music.play_rules import DEDUPE_WINDOW_MS, SESSION_GAP_MS
from streams.music.play_state import OPEN_MAX
from tests.unit.streams.music.play_driver import (
    DAY,
    HOUR,
    MINUTE,
    T0,
    THREE_MINUTES,
    Listener,
    names,
    of,
    reasons,
    sealed,
)


def _listener(*tracks: str) -> Listener:
    listener = Listener()
    for track in tracks:
        listener.track(track)
    return listener


def test_the_reasons_are_the_records() -> None:
    assert set(typing.get_args(NotCountedReason)) == {r.value for r in NotCounted}


def test_a_play_of_30_seconds_is_counted_with_its_artist_duration_and_session() -> None:
    d = _listener("t1")
    facts = d.send(PlayEnded, T0 + MINUTE, track_id="t1", started_at_ms=T0, ms_played=30_000)
    assert of(PlayCounted, facts) == [
        {
            "listener": "l1",
            "track_id": "t1",
            "artist_id": "a1",
            "started_at_ms": T0,
            "ms_played": 30_000,
            "duration_ms": THREE_MINUTES,
            "skipped": False,
            "context": "other",
            "context_id": "",
            "device": "other",
            "country": "ZZ",
            "session_id": session_id("l1", T0),
        }
    ]


def test_a_play_of_29_999_ms_is_short() -> None:
    d = _listener("t1")
    facts = d.send(PlayEnded, T0, track_id="t1", started_at_ms=T0, ms_played=29_999)
    assert names(facts) == ["PlayNotCounted"] and reasons(facts) == ["short"]


def test_a_20_second_track_counts_played_whole_and_is_short_a_millisecond_before() -> None:
    d = Listener()
    d.track("jingle", duration_ms=20_000)
    short = d.send(PlayEnded, T0, track_id="jingle", started_at_ms=T0, ms_played=19_999)
    whole = d.send(PlayEnded, T0, track_id="jingle", started_at_ms=T0 + 1, ms_played=20_000)
    over = d.send(PlayEnded, T0, track_id="jingle", started_at_ms=T0 + 2, ms_played=25_000)
    assert reasons(short) == ["short"]
    assert names(whole) == names(over) == ["PlayCounted"]
    assert of(PlayCounted, over)[0]["ms_played"] == 25_000


def test_a_second_end_of_a_counted_play_is_a_duplicate_whatever_sent_it() -> None:
    d = _listener("t1")
    play = {"track_id": "t1", "started_at_ms": T0, "ms_played": 60_000}
    assert names(d.send(PlayEnded, T0 + HOUR, **play)) == ["PlayCounted"]
    assert reasons(d.send(PlayEnded, T0 + HOUR, **play)) == ["duplicate"]
    assert reasons(d.send(PlaySkipped, T0 + 2 * HOUR, **play)) == ["duplicate"]
    assert reasons(d.send(PlayEnded, T0 + 2 * HOUR, **{**play, "ms_played": 90_000})) == [
        "duplicate"
    ]
    # Another start of the same track is another play.
    again = d.send(PlayEnded, T0 + 2 * HOUR, **{**play, "started_at_ms": T0 + 1})
    assert names(again) == ["PlayCounted"]


def test_a_short_play_ended_again_with_30_seconds_played_counts_then() -> None:
    d = _listener("t1")
    play = {"track_id": "t1", "started_at_ms": T0}
    assert reasons(d.send(PlayEnded, T0, ms_played=10_000, **play)) == ["short"]
    assert names(d.send(PlayEnded, T0, ms_played=45_000, **play)) == ["PlayCounted"]


def test_a_skip_after_30_seconds_counts_and_says_it_was_skipped() -> None:
    d = _listener("t1")
    facts = d.send(PlaySkipped, T0, track_id="t1", started_at_ms=T0, ms_played=31_000)
    assert of(PlayCounted, facts)[0]["skipped"] is True
    early = d.send(PlaySkipped, T0, track_id="t1", started_at_ms=T0 + 1, ms_played=3_000)
    assert of(PlayNotCounted, early)[0]["skipped"] is True
    assert reasons(early) == ["short"]


def test_a_track_never_published_or_withdrawn_is_an_unknown_track() -> None:
    d = _listener("t1", "t2")
    d.withdraw("t2")
    for track in ("t2", "t9"):
        facts = d.send(PlayEnded, T0, track_id=track, started_at_ms=T0, ms_played=60_000)
        assert reasons(facts) == ["unknown_track"]
    # Published later, a play of it counts: unknown plays were not remembered.
    d.track("t9")
    facts = d.send(PlayEnded, T0, track_id="t9", started_at_ms=T0, ms_played=60_000)
    assert names(facts) == ["PlayCounted"]


def test_the_end_alone_decides_with_the_duration_and_artist_the_gateway_stamped() -> None:
    d = _listener()  # the driver's catalog knows nothing: only the records speak
    play = {"track_id": "t1", "ms_played": 20_000}
    whole = d.send(PlayEnded, T0, started_at_ms=T0, duration_ms=20_000, artist_id="a7", **play)
    counted = of(PlayCounted, whole)[0]
    assert (counted["duration_ms"], counted["artist_id"]) == (20_000, "a7")
    no_artist = d.send(PlayEnded, T0, started_at_ms=T0 + 1, duration_ms=20_000, **play)
    assert reasons(no_artist) == ["unknown_track"]
    longer = d.send(
        PlaySkipped, T0, started_at_ms=T0 + 2, duration_ms=180_000, artist_id="a7", **play
    )
    assert reasons(longer) == ["short"]


def test_a_play_from_before_the_window_is_too_old_and_its_first_day_is_in() -> None:
    d = _listener("t1")
    now = T0 + DEDUPE_WINDOW_MS
    old = d.send(PlayEnded, now, track_id="t1", started_at_ms=T0 - 1, ms_played=60_000)
    edge = d.send(PlayEnded, now, track_id="t1", started_at_ms=T0, ms_played=60_000)
    assert reasons(old) == ["too_old"]
    assert names(edge) == ["PlayCounted"]


def test_a_counted_play_retried_after_the_window_is_too_old_not_counted_again() -> None:
    d = _listener("t1")
    play = {"track_id": "t1", "started_at_ms": T0, "ms_played": 60_000}
    assert names(d.send(PlayEnded, T0, **play)) == ["PlayCounted"]
    later = T0 + DEDUPE_WINDOW_MS + DAY
    assert reasons(d.send(PlayEnded, later, **play)) == ["too_old"]
    assert d.state.counted == {}  # forgotten, as nothing can need it


def test_the_listener_s_clock_never_goes_back() -> None:
    d = _listener("t1")
    d.send(PlayEnded, T0 + DEDUPE_WINDOW_MS, track_id="t1", started_at_ms=T0, ms_played=60_000)
    # A record the gateway recorded earlier (a partition's order, not time's)
    # is judged by the clock as it stands.
    facts = d.send(PlayEnded, T0, track_id="t1", started_at_ms=T0 - 1, ms_played=60_000)
    assert reasons(facts) == ["too_old"]
    assert d.state.now_ms == T0 + DEDUPE_WINDOW_MS


def test_an_end_without_a_context_takes_its_start_s_and_its_own_wins() -> None:
    d = _listener("t1", "t2")
    start = {"context": "playlist", "context_id": "p1", "device": "car", "country": "SE"}
    assert d.send(PlayStarted, T0, track_id="t1", started_at_ms=T0, **start) == []
    assert d.send(PlayStarted, T0, track_id="t2", started_at_ms=T0 + 1, **start) == []
    assert sorted(d.state.open) == ["t1@" + str(T0), "t2@" + str(T0 + 1)]
    plain = of(
        PlayCounted, d.send(PlayEnded, T0, track_id="t1", started_at_ms=T0, ms_played=40_000)
    )
    own = of(
        PlayCounted,
        d.send(PlayEnded, T0, track_id="t2", started_at_ms=T0 + 1, ms_played=40_000, country="NO"),
    )
    assert {k: plain[0][k] for k in start} == start
    assert {k: own[0][k] for k in start} == {**start, "country": "NO"}
    assert d.state.open == {}


def test_a_listener_keeps_only_a_few_open_plays_the_newest() -> None:
    d = _listener("t1")
    for i in range(OPEN_MAX + 3):
        d.send(PlayStarted, T0, track_id="t1", started_at_ms=T0 + i)
    assert sorted(p.started_at_ms for p in d.state.open.values()) == [
        T0 + i for i in range(3, OPEN_MAX + 3)
    ]


def test_a_start_of_a_play_already_counted_is_not_now_playing() -> None:
    d = _listener("t1")
    d.send(PlayEnded, T0, track_id="t1", started_at_ms=T0, ms_played=60_000)
    d.send(PlayStarted, T0, track_id="t1", started_at_ms=T0)
    assert d.state.open == {}


def _count(d: Listener, started: int, ms_played: int = 60_000, track: str = "t1") -> list[Fact]:
    return d.send(
        PlayEnded,
        max(d.now_ms, started),
        track_id=track,
        started_at_ms=started,
        ms_played=ms_played,
    )


def test_plays_less_than_30_minutes_apart_are_one_session_and_a_gap_of_30_ends_it() -> None:
    d = _listener("t1")
    first = _count(d, T0)
    second = _count(d, T0 + 60_000 + SESSION_GAP_MS - 1)  # 30 min less 1 ms after the end
    third_start = T0 + 2 * 60_000 + 2 * SESSION_GAP_MS - 1
    third = _count(d, third_start)
    sid = session_id("l1", T0)
    assert (
        of(PlayCounted, first)[0]["session_id"] == of(PlayCounted, second)[0]["session_id"] == sid
    )
    assert names(third) == ["SessionEnded", "PlayCounted"]
    assert of(SessionEnded, third) == [
        {
            "listener": "l1",
            "session_id": sid,
            "started_at_ms": T0,
            "ended_at_ms": T0 + 2 * 60_000 + SESSION_GAP_MS - 1,
            "plays": 2,
            "ms_played": 120_000,
        }
    ]
    assert of(PlayCounted, third)[0]["session_id"] == session_id("l1", third_start)


def test_short_and_refused_plays_neither_extend_nor_end_a_session() -> None:
    d = _listener("t1")
    _count(d, T0)
    assert reasons(_count(d, T0 + 2 * SESSION_GAP_MS, ms_played=5_000)) == ["short"]
    assert reasons(_count(d, T0 + 2 * SESSION_GAP_MS, track="t9")) == ["unknown_track"]
    assert d.state.session is not None and d.state.session.plays == 1


def test_a_play_delivered_late_joins_its_session_or_none_before_it() -> None:
    d = _listener("t1")
    _count(d, T0 + HOUR)
    joined = _count(d, T0 + HOUR - 20 * MINUTE)  # ended 19 minutes before: joins
    assert of(PlayCounted, joined)[0]["session_id"] == session_id("l1", T0 + HOUR)
    assert d.state.session is not None and d.state.session.started_at_ms == T0 + HOUR - 20 * MINUTE
    earlier = _count(d, T0)  # ended 39 minutes before the session: a session long ended
    assert names(earlier) == ["PlayCounted"]
    assert of(PlayCounted, earlier)[0]["session_id"] == ""
    assert d.state.session.plays == 2


def test_a_deletion_lists_the_counted_plays_before_its_cut_and_forgets_them() -> None:
    d = _listener("t1", "t2")
    d.track("t3", artist="a3")
    _count(d, T0, track="t2")
    _count(d, T0 + MINUTE, track="t1")
    _count(d, T0 + 10 * MINUTE, track="t3")  # after the cut
    _count(d, T0 + 2 * MINUTE, ms_played=1_000)  # short: never charted
    facts = d.send(DeleteListeningHistory, T0 + HOUR, before_ms=T0 + 5 * MINUTE)
    assert of(ListeningHistoryDeleted, facts) == [
        {
            "listener": "l1",
            "before_ms": T0 + 5 * MINUTE,
            "removed": [
                {"track_id": "t2", "artist_id": "a1", "started_at_ms": T0, "country": "ZZ"},
                {
                    "track_id": "t1",
                    "artist_id": "a1",
                    "started_at_ms": T0 + MINUTE,
                    "country": "ZZ",
                },
            ],
        }
    ]
    assert [p.track_id for p in d.state.recent.values()] == ["t3"]
    assert d.state.session is None  # it began before the cut


def test_after_a_deletion_a_play_before_the_cut_counts_nowhere_and_a_later_one_counts() -> None:
    d = _listener("t1")
    _count(d, T0)
    d.send(DeleteListeningHistory, T0 + HOUR, before_ms=T0 + 30 * MINUTE)
    assert reasons(_count(d, T0)) == ["duplicate"]  # a retried deleted play
    assert reasons(_count(d, T0 + 10 * MINUTE)) == ["history_deleted"]  # delivered late
    later = _count(d, T0 + 30 * MINUTE)
    assert names(later) == ["PlayCounted"]
    assert of(PlayCounted, later)[0]["session_id"] == session_id("l1", T0 + 30 * MINUTE)


def test_a_deletion_s_cut_is_at_most_its_own_time_so_later_plays_count() -> None:
    d = _listener("t1")
    facts = d.send(DeleteListeningHistory, T0, before_ms=T0 + DAY)
    assert of(ListeningHistoryDeleted, facts)[0]["before_ms"] == T0
    assert names(_count(d, T0 + MINUTE)) == ["PlayCounted"]


def test_a_deletion_takes_back_only_the_plays_the_live_charts_may_hold() -> None:
    d = _listener("t1")
    _count(d, T0)
    _count(d, T0 + 47 * HOUR)
    facts = d.send(DeleteListeningHistory, T0 + 49 * HOUR, before_ms=T0 + 49 * HOUR)
    removed = of(ListeningHistoryDeleted, facts)[0]["removed"]
    assert [r["started_at_ms"] for r in removed] == [T0 + 47 * HOUR]
    assert d.state.recent == {}


def test_a_deletion_of_nothing_is_still_recorded_for_every_later_figure() -> None:
    d = _listener()
    facts = d.send(DeleteListeningHistory, T0, before_ms=T0)
    assert of(ListeningHistoryDeleted, facts) == [
        {"listener": "l1", "before_ms": T0, "removed": []}
    ]


def test_a_record_of_another_stage_is_a_type_error() -> None:
    d = _listener()
    record = sealed(
        TrackPublished, T0, catalog_id="track:t", track_id="t", album_id="a",
        artist_id="b", title="T", duration_ms=1, release_date="2020",
    )  # fmt: skip
    with pytest.raises(TypeError, match="TrackPublished"):
        decide(d.state, record)


def test_a_key_kept_past_the_window_until_the_next_pass_is_still_too_old() -> None:
    d = _listener("t1")
    play = {"track_id": "t1", "started_at_ms": T0, "ms_played": 60_000}
    d.send(PlayEnded, T0, **play)
    d.send(PlayStarted, T0 + DEDUPE_WINDOW_MS - 20 * MINUTE, track_id="t1", started_at_ms=T0 + 1)
    retried = d.send(PlayEnded, T0 + DEDUPE_WINDOW_MS + 5 * MINUTE, **play)
    assert "t1@" + str(T0) in d.state.counted  # not forgotten yet: passes are hourly
    assert reasons(retried) == ["too_old"]
