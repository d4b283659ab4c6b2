"""The projector's path to Redis does not wait for ClickHouse: a fact that
commits while a slow insert is under way is visible (and announced) at once,
and its position is committed only once the insert is done. Real Kafka,
Redis and chDB; the chDB's inserts are held up on purpose."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import redis
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from infra.settings import Settings
from projections.clickhouse import ChdbClickHouse
from projections.runner import ProjectorOptions, run_projector
from schemas import exchange as ex
from schemas.registry import registry
from tests.unit.projections.exchange.records import MARKET, Session

pytestmark = pytest.mark.integration

INSERT_TAKES_S = 4.0


class SlowInserts(ChdbClickHouse):
    """The real chDB, each insert held up first (as a large one, or a merge, may)."""

    def __init__(self, path: Path, database: str) -> None:
        super().__init__(path, database)
        self.inserting = threading.Event()
        self.inserted = threading.Event()

    def insert(self, table: str, rows: Sequence[Sequence[Any]], columns: Sequence[str]) -> None:
        self.inserting.set()
        time.sleep(INSERT_TAKES_S)
        super().insert(table, rows, columns)
        self.inserted.set()


@pytest.fixture
def market_topic(projection_settings: Settings, namespace: str) -> Iterator[str]:
    name = f"{namespace}.{MARKET}"
    admin = AdminClient({"bootstrap.servers": projection_settings.kafka_bootstrap})
    for future in admin.create_topics([NewTopic(name, 1, 1)]).values():
        future.result()
    yield name
    for future in admin.delete_topics([name]).values():
        future.result()


def _wait_for(condition: Callable[[], bool], timeout_s: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout_s:
            raise AssertionError(f"no {what} within {timeout_s} s")
        time.sleep(0.005)
    return time.monotonic() - started


def _committed(settings: Settings, group: str, topic: str) -> int:
    consumer = Consumer({"bootstrap.servers": settings.kafka_bootstrap, "group.id": group})
    try:
        (position,) = consumer.committed([TopicPartition(topic, 0)], timeout=10)
    finally:
        consumer.close()
    return position.offset


def test_a_fact_is_visible_while_a_slow_insert_runs_and_committed_after_it(
    projection_settings: Settings,
    redis_client: redis.Redis,
    namespace: str,
    market_topic: str,
    tmp_path: Path,
) -> None:
    session = Session()
    listed = session.market(ex.InstrumentListed, tick_size=1, lot_size=1)
    rested = session.market(
        ex.OrderRested, order_id="s1", account_id="bob", side="sell", price=1000, quantity=10
    )
    producer = Producer({"bootstrap.servers": projection_settings.kafka_bootstrap, "acks": "all"})

    def produce(record: Any) -> None:
        producer.produce(market_topic, key=b"ACME", value=registry().encode(record))
        assert producer.flush(10) == 0

    def seq() -> int:
        return int(redis_client.hget(f"{namespace}:exchange:market:ACME", "seq") or 0)

    clickhouse = SlowInserts(tmp_path / "slow-chdb", namespace)
    group = f"t-{uuid.uuid4().hex}"
    options = ProjectorOptions(namespace=namespace, topics=(market_topic,), group_id=group,
                               flush_interval=0.1, dead_letters=False)  # fmt: skip
    stop = threading.Event()
    failures: list[BaseException] = []

    def project() -> None:
        try:
            run_projector(projection_settings, options, clickhouse=clickhouse, stop=stop)
        except BaseException as exc:
            failures.append(exc)

    projecting = threading.Thread(target=project)
    projecting.start()
    try:
        produce(listed)
        _wait_for(lambda: seq() == 1, 30, "listing in Redis")
        _wait_for(clickhouse.inserting.is_set, 10, "insert of the listing's rows")
        produce(rested)
        took = _wait_for(lambda: seq() == 2, 30, "resting order in Redis")
        assert took < INSERT_TAKES_S / 2, f"visible after {took:.2f} s, behind the insert"
        assert not clickhouse.inserted.is_set()
        # Nothing is committed past what ClickHouse does not hold yet.
        assert _committed(projection_settings, group, market_topic) < 1
        _wait_for(clickhouse.inserted.is_set, 3 * INSERT_TAKES_S, "the slow insert")
        _wait_for(
            lambda: _committed(projection_settings, group, market_topic) >= 1,
            3 * INSERT_TAKES_S,
            "commit of the listing's position",
        )
    finally:
        stop.set()
        projecting.join(60)
        clickhouse.close()
    assert not failures
    assert _committed(projection_settings, group, market_topic) == 2
