"""The discovery recommender's Faust shell: a weekly tick in, every
listener's discovery playlist out, exactly once.

    music.discovery-ticks (RecomputeDiscovery) ── recommender ──> music.recommendations
        counted streams from ClickHouse (a port)       (DiscoveryPlaylistComputed per listener)

An acting processor: it reads ClickHouse, which replay does not, so what it
computed is written as facts and replay rebuilds the playlists from them,
never by computing again. The facts are sent in the transaction of the
tick's partition with its offset: a worker that dies mid-computation
leaves nothing committed, and the tick is computed again from scratch.

ClickHouse away: the read is tried again a few times, a bounded wait, then
the tick goes to the dead-letter topic with the reason, so it can be sent
again; the recommender moves on.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, cast

import faust

from schemas.music.recommendations import (
    DISCOVERY_TICKS,
    DiscoveryPlaylistComputed,
    RecomputeDiscovery,
)
from schemas.music.topics import MUSIC_DISCOVERY_TICKS
from streams.admission import admitted
from streams.domain import Plugs
from streams.facts import Fact
from streams.faust_fixes import commit_gate
from streams.input_transaction import InputTransaction, Outgoing
from streams.music.counted_streams import COUNTED_STREAMS, CountedStreams
from streams.music.discovery import AlsParameters, discovery_playlists, listening_matrix
from streams.records import encoded_facts

log = logging.getLogger(__name__)

PROCESSOR = "music.recommender"
# Reading the counts again after 1, 2, 4 and 8 s: about a quarter of a
# minute for the projector to come back before the tick is dead-lettered.
READ_RETRIES_S = (1.0, 2.0, 4.0, 8.0)


def discovery_facts(
    tick: RecomputeDiscovery, source: CountedStreams, parameters: AlsParameters
) -> list[Fact]:
    """Every listener's playlist for the tick's week, in listener order
    (blocking: reads the source and fits the model)."""
    matrix = listening_matrix(source.counted_streams())
    model = parameters.describe()
    return [
        (
            DiscoveryPlaylistComputed,
            {"listener": listener, "week": tick.week, "tracks": tracks, "model": model},
        )
        for listener, tracks in discovery_playlists(matrix, parameters).items()
    ]


class RecommenderShell:
    def __init__(self, app: faust.App, source: CountedStreams, parameters: AlsParameters) -> None:
        self.app = app
        self._source = source
        self._parameters = parameters
        self._transaction = InputTransaction(app)

    async def process(self, event: faust.types.EventT[Any]) -> None:
        message = event.message
        admission = admitted(message.key, message.value, PROCESSOR, "week", takes=DISCOVERY_TICKS)
        if isinstance(admission, str):
            await self._finish(
                event, [self._transaction.dead_letter(message, admission, PROCESSOR)]
            )
            return
        tick = admission[0]
        assert isinstance(tick, RecomputeDiscovery)  # `admitted` took the ticks only
        facts = await self._computed(tick)
        if facts is None:
            why = f"counted streams unreadable after {len(READ_RETRIES_S)} retries"
            await self._finish(event, [self._transaction.dead_letter(message, why, PROCESSOR)])
            return
        log.info("%s: week %s, %d playlists", PROCESSOR, tick.week, len(facts))
        outgoing: list[Outgoing] = [
            (topic, key, value, None) for topic, key, value in encoded_facts(facts, tick, PROCESSOR)
        ]
        await self._finish(event, outgoing)

    async def _computed(self, tick: RecomputeDiscovery) -> list[Fact] | None:
        for wait_s in (*READ_RETRIES_S, None):
            try:
                return await asyncio.to_thread(
                    discovery_facts, tick, self._source, self._parameters
                )
            except Exception as exc:  # the source's errors are its own (HTTP, ClickHouse)
                log.warning("%s: week %s: counted streams unreadable: %s", PROCESSOR, tick.week,
                            type(exc).__name__)  # fmt: skip
                if wait_s is None:
                    return None
                await asyncio.sleep(wait_s)
        return None

    async def _finish(self, event: faust.types.EventT[Any], outgoing: list[Outgoing]) -> None:
        """Send the playlists and ack the tick under the commit gate, so one
        transaction holds both (streams/faust_fixes.py, fix 2)."""
        message = event.message
        async with commit_gate():
            if message.tp not in self.app.consumer.assignment():
                # Moved to another worker meanwhile: it computes again, and a
                # transaction of ours for it would be fenced anyway.
                log.info("%s: %s moved away mid-computation; dropped", PROCESSOR, message.tp)
                return
            if outgoing:
                await asyncio.shield(self._transaction.send_all(message, outgoing))
            event.ack()


def register(app: faust.App, plugs: Plugs) -> None:
    """The recommender's input topic and agent on `app`, if a worker's
    composition handed it a reader of counted streams."""
    source = plugs.get(COUNTED_STREAMS)
    if source is None:
        log.info("%s: no %s plugged in; the recommender does not run", PROCESSOR, COUNTED_STREAMS)
        return
    shell = RecommenderShell(app, cast(CountedStreams, source), AlsParameters())
    # Read as bytes: the shell decodes (Avro, DLQ on failure).
    ticks = app.topic(
        MUSIC_DISCOVERY_TICKS.name,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
    )

    @app.agent(ticks, name="streams.music.discovery_agent.recommender")
    async def recommender(stream: Any) -> None:
        # Acked by the shell, under the commit gate, once the playlists are sent.
        async for event in stream.noack().events():
            await shell.process(event)
