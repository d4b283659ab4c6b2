"""The Faust app: only the app. Topics, tables and agents live in their domain modules."""

from __future__ import annotations

import faust

from infra.settings import settings
from streams import faust_fixes

faust_fixes.apply()

_settings = settings()

app = faust.App(
    "onelog",
    broker=f"kafka://{_settings.kafka_bootstrap}",
    # Reading a command, changing a table and emitting facts commit together.
    processing_guarantee="exactly_once",
    # Tables live in memory and are rebuilt from their changelog topics on
    # start: no RocksDB to install, and the changelog is the durable copy.
    store="memory://",
    topic_partitions=_settings.partitions,
    topic_replication_factor=min(3, _settings.kafka_brokers),
    consumer_auto_offset_reset="earliest",
    broker_commit_every=_settings.commit_every,
    broker_commit_interval=_settings.commit_interval_s,
    producer_acks=-1,
    # The web server answers /readyz (streams/readiness.py), which `onelog up`
    # waits for; `faust worker` starts it whatever this says, so say it here.
    web_enabled=True,
    web_bind=_settings.worker_web_host,
    web_port=_settings.worker_web_port,
)
