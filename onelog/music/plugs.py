"""The read side's readers the worker hands the music agents (onelog/worker.py):
the discovery recommender's counted streams, from ClickHouse through the
projector's SQL endpoint."""

from __future__ import annotations

from collections.abc import Mapping

from infra.settings import Settings
from projections.music.counted_streams import AnalyticsCountedStreams
from streams.music.counted_streams import COUNTED_STREAMS


def music_plugs(settings: Settings) -> Mapping[str, object]:
    return {COUNTED_STREAMS: AnalyticsCountedStreams(settings.analytics_url, settings.state_dir)}
