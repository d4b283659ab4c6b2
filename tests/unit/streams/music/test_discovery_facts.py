"""The recommender's answer to a tick, pure of Kafka: one
DiscoveryPlaylistComputed per listener with counted streams, for the tick's
week, naming its model, valid records, and none holding a played track."""

from __future__ import annotations

from schemas.music.recommendations import DiscoveryPlaylistComputed, RecomputeDiscovery
from streams.music.counted_streams import CountedStreams
from streams.music.discovery import AlsParameters, StreamCount
from streams.music.discovery_agent import discovery_facts
from tests.unit.schemas.samples import ENVELOPE


class FixedCounts(CountedStreams):
    """The port answered from a list, as ClickHouse would."""

    def __init__(self, cells: list[StreamCount]) -> None:
        self.cells = cells

    def counted_streams(self) -> list[StreamCount]:
        return self.cells


def test_one_valid_playlist_per_listener_for_the_ticks_week() -> None:
    cells = [(f"l{n}", f"t{(n + k) % 9}", 1 + k) for n in range(6) for k in range(4)]
    tick = RecomputeDiscovery(envelope=ENVELOPE, week="2026-W48")
    facts = discovery_facts(tick, FixedCounts(cells), AlsParameters(factors=4))
    assert [fields["listener"] for _, fields in facts] == [f"l{n}" for n in range(6)]
    played = {(listener, track) for listener, track, _ in cells}
    for model, fields in facts:
        assert model is DiscoveryPlaylistComputed
        DiscoveryPlaylistComputed(envelope=ENVELOPE, **fields)
        assert fields["week"] == "2026-W48" and fields["model"].startswith("implicit-0.7.3")
        assert len(fields["tracks"]) == 5  # the 9 tracks less the listener's 4
        assert not {(fields["listener"], t) for t in fields["tracks"]} & played


def test_no_stream_no_playlist() -> None:
    tick = RecomputeDiscovery(envelope=ENVELOPE, week="2026-W01")
    assert discovery_facts(tick, FixedCounts([]), AlsParameters()) == []
