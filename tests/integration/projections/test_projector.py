"""The projector against the real log: produce encoded exchange records to
this test's own topics, project until caught up, then check Redis, ClickHouse,
the dead-letter topic, idempotence, replay and verify."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest
import redis
from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from infra.settings import Settings
from projections.clickhouse import open_clickhouse
from projections.redis_sink import canonical_dump
from projections.replay import replay, verify
from projections.runner import ProjectorOptions, run_projector
from schemas.registry import registry
from tests.unit.projections.exchange.records import trading_session

pytestmark = pytest.mark.integration

GARBAGE = b"\xc3\x01garbage!not a record"
LOGICAL = ("exchange.orders", "exchange.market", "exchange.fills", "exchange.accounts")


@pytest.fixture
def log_topics(projection_settings: Settings, namespace: str) -> Iterator[dict[str, str]]:
    names = {logical: f"{namespace}.{logical}" for logical in LOGICAL}
    admin = AdminClient({"bootstrap.servers": projection_settings.kafka_bootstrap})
    for future in admin.create_topics([NewTopic(n, 2, 1) for n in names.values()]).values():
        future.result()
    yield names
    doomed = [*names.values(), *(f"{n}.dlq" for n in names.values())]
    existing = set(admin.list_topics(timeout=10).topics)
    if doomed := [t for t in doomed if t in existing]:
        for future in admin.delete_topics(doomed).values():
            future.result()


def _produce_session(settings: Settings, topics: dict[str, str]) -> int:
    """The trading session, with one garbage record on the market topic
    after the third market fact. Returns the number of records produced."""
    # Idempotent, so a retried batch (a fresh topic's leader may not be ready
    # yet) cannot land behind a later one: the offsets below are relied on.
    producer = Producer(
        {"bootstrap.servers": settings.kafka_bootstrap, "acks": "all", "enable.idempotence": True}
    )
    produced = market = 0
    for logical, key, record in trading_session():
        producer.produce(topics[logical], key=key.encode(), value=registry().encode(record))
        produced += 1
        if logical == "exchange.market":
            market += 1
            if market == 3:
                producer.produce(topics[logical], key=b"ACME", value=GARBAGE)
                produced += 1
    assert producer.flush(30) == 0
    return produced


def _options(namespace: str, topics: dict[str, str], **changes: object) -> ProjectorOptions:
    options = ProjectorOptions(namespace=namespace, topics=tuple(topics.values()), exit_at_end=True)
    return replace(options, **changes)  # type: ignore[arg-type]


def _dead_letters(settings: Settings, topic: str) -> list[tuple[bytes, dict[str, bytes]]]:
    consumer = Consumer(
        {
            "bootstrap.servers": settings.kafka_bootstrap,
            "group.id": "t-" + uuid.uuid4().hex,
            "enable.partition.eof": True,
        }
    )
    partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
    found, ends = [], 0
    while ends < len(partitions):
        message = consumer.poll(10)
        assert message is not None, "timed out reading the dead-letter topic"
        if message.error():
            ends += 1
            continue
        value, pairs = message.value(), message.headers() or []
        # A consumed record's headers are (name, value) pairs; a dead letter's
        # values are all bytes.
        assert value is not None and isinstance(pairs, list)
        found.append((value, {k: v for k, v in pairs if isinstance(v, bytes)}))
    consumer.close()
    return found


def test_projector_applies_the_log_dead_letters_garbage_and_replays_equal(
    projection_settings: Settings,
    redis_client: redis.Redis,
    namespace: str,
    log_topics: dict[str, str],
) -> None:
    settings = projection_settings
    produced = _produce_session(settings, log_topics)

    stats = run_projector(settings, _options(namespace, log_topics))
    assert (stats.records, stats.dead_letters) == (produced, 1)

    market = redis_client.hgetall(f"{namespace}:exchange:market:ACME")
    assert (market[b"seq"], market[b"best_ask"]) == (b"7", b"1010")
    assert b"best_bid" not in market
    asks = redis_client.hgetall(f"{namespace}:exchange:depth:ACME:asks:qty")
    assert asks == {b"1010": b"3"}  # records after the garbage were applied

    ((value, headers),) = _dead_letters(settings, log_topics["exchange.market"] + ".dlq")
    assert value == GARBAGE
    assert headers["dlq.topic"] == log_topics["exchange.market"].encode()
    assert headers["dlq.stage"] == b"decode"
    assert b"single-object" in headers["dlq.reason"] or b"fingerprint" in headers["dlq.reason"]

    def clickhouse_counts() -> dict[str, object]:
        ch = open_clickhouse(settings, namespace)
        try:
            (row,) = ch.query(
                "SELECT (SELECT count() FROM {db}.archive FINAL) AS archived,"
                " (SELECT countIf(decode_error != '') FROM {db}.archive FINAL) AS undecodable,"
                " (SELECT count() FROM {db}.trades FINAL) AS trades,"
                " (SELECT count() FROM {db}.orders_current) AS orders"
            )
        finally:
            ch.close()
        return row

    assert clickhouse_counts() == {"archived": produced, "undecodable": 1, "trades": 2, "orders": 5}

    # Read the whole log again: Redis skips by offset, ClickHouse collapses.
    before = canonical_dump(redis_client, namespace)
    again = run_projector(
        settings, _options(namespace, log_topics, from_beginning=True, dead_letters=False)
    )
    assert again.records == produced
    assert again.redis_records_applied == 0
    assert canonical_dump(redis_client, namespace) == before
    assert clickhouse_counts() == {"archived": produced, "undecodable": 1, "trades": 2, "orders": 5}

    rebuilt = namespace + "_re"
    result = replay(rebuilt, None, settings=settings, topics=tuple(log_topics.values()))
    assert (result.records, result.dead_letters) == (produced, 1)
    assert verify(namespace, rebuilt, settings=settings) == []

    redis_client.hset(f"{rebuilt}:exchange:order:s2", "filled", "3")
    differences = verify(namespace, rebuilt, settings=settings)
    assert differences == [
        f"redis exchange:order:s2: {namespace} {_order_dump(before)} != "
        f"{rebuilt} {_order_dump(canonical_dump(redis_client, rebuilt))}"
    ]

    ch = open_clickhouse(settings, rebuilt)
    try:
        ch.execute("INSERT INTO {db}.trades (trade_id, symbol) VALUES ('forged', 'ACME')")
    finally:
        ch.close()
    differences = verify(namespace, rebuilt, settings=settings)
    assert [d.split(":")[0] for d in differences] == [
        "redis exchange",
        "clickhouse candles_1m",
        "clickhouse candles_1s",
        "clickhouse trades",
    ]


def _order_dump(dump: dict[str, str]) -> str:
    text = dump["exchange:order:s2"]
    return text if len(text) <= 120 else text[:117] + "..."


def test_replay_up_to_an_offset_is_the_read_model_at_that_point(
    projection_settings: Settings,
    redis_client: redis.Redis,
    namespace: str,
    log_topics: dict[str, str],
) -> None:
    _produce_session(projection_settings, log_topics)
    rebuilt = namespace + "_re"
    replay(rebuilt, 1, settings=projection_settings, topics=tuple(log_topics.values()))
    # Offsets 0 and 1 of ACME's market partition: listed, and s1 rested.
    market = redis_client.hgetall(f"{rebuilt}:exchange:market:ACME")
    assert (market[b"seq"], market[b"best_ask"]) == (b"2", b"1000")
    assert redis_client.llen(f"{rebuilt}:exchange:trades:ACME") == 0
