"""Publishing the team's problems (streams/judge/problems/) onto `judge.problems`.

`onelog up` runs this after creating topics, and waits once the projector
runs until the read model shows every problem. A problem whose content equals
its latest revision on the log is left alone; a changed one gets the next
revision. Running it twice publishes nothing the second time.
"""

from __future__ import annotations

from typing import Any

import redis
from confluent_kafka import Producer

from infra import processes, readiness
from infra.kafka_broker import bootstrap_servers
from infra.log_reader import read_all
from infra.partitioning import LIBRDKAFKA_PARTITIONER
from infra.settings import Settings
from projections.judge import keys as judge_keys
from schemas.envelope import Record
from schemas.judge import ProblemPublished
from schemas.judge.topics import JUDGE_PROBLEMS
from schemas.registry import registry
from streams.judge.catalog import load_catalog, to_record_fields
from streams.judge.problem_store import published_problems
from streams.sealing import seal_command

PRODUCER = "onelog-problem-catalog"


def latest_revisions(bootstrap: str) -> dict[str, ProblemPublished]:
    """The newest revision of every problem now on the log."""
    latest: dict[str, ProblemPublished] = {}
    for problem in published_problems(read_all(bootstrap, [JUDGE_PROBLEMS.name])):
        known = latest.get(problem.problem_id)
        if known is None or problem.revision > known.revision:
            latest[problem.problem_id] = problem
    return latest


def _content(problem: Record) -> dict[str, Any]:
    return problem.model_dump(exclude={"envelope", "revision"})


def publish_catalog(bootstrap: str) -> list[tuple[str, int]]:
    """Publish new and changed problems; returns (problem_id, revision) of each published."""
    latest = latest_revisions(bootstrap)
    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "acks": "all",
            "enable.idempotence": True,
            "partitioner": LIBRDKAFKA_PARTITIONER,
        }
    )
    published: list[tuple[str, int]] = []
    for draft in load_catalog():
        known = latest.get(draft.problem_id)
        fields = to_record_fields(draft, revision=1 if known is None else known.revision + 1)
        record = seal_command(ProblemPublished, fields, producer=PRODUCER)
        if known is not None and _content(known) == _content(record):
            continue
        producer.produce(
            JUDGE_PROBLEMS.name, key=record.envelope.key.encode(), value=registry().encode(record)
        )
        published.append((draft.problem_id, int(fields["revision"])))
    remaining = producer.flush(30)
    if remaining:
        raise RuntimeError(f"{remaining} problems not acknowledged by Kafka")
    return published


def publish_on_up(settings: Settings) -> None:
    """The team's problems, so a fresh platform has something to solve."""
    publish_catalog(bootstrap_servers(settings))


def wait_for_catalog(settings: Settings, projector: processes.ServiceProcess) -> None:
    """Until the read model holds every problem of the catalog: the judge's
    example that `up` prints would otherwise meet "unknown problem"."""
    problems = [f"{settings.namespace}:{judge_keys.problem(p.problem_id)}" for p in load_catalog()]
    client = redis.Redis.from_url(settings.redis_url, socket_timeout=readiness.PROBE_TIMEOUT_S)
    try:
        processes.wait_ready(
            projector,
            lambda: client.exists(*problems) == len(problems),
            timeout=60,
            what="showing the judge's problems",
        )
    finally:
        client.close()
