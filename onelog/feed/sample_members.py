"""What `onelog up` writes for the feed once topics exist: the sample
members (samples.py), so the follow `up` prints finds both, however fast
its lines are run; and what it waits to see: both in the read model.

A CreateMember of a member that exists decides nothing (the member stage
keeps the first), and `up` writes them only while the read model lacks one,
so a second `up` adds nothing to the log.
"""

from __future__ import annotations

import redis
from confluent_kafka import Producer

from infra import processes
from infra.kafka_broker import bootstrap_servers
from infra.partitioning import LIBRDKAFKA_PARTITIONER
from infra.settings import Settings
from onelog.feed.samples import SAMPLE_MEMBERS
from projections.feed import keys
from schemas.feed.records import CreateMember
from schemas.feed.topics import FEED_COMMANDS
from schemas.registry import registry
from streams.sealing import seal_command

PRODUCER = "onelog-up"
# The member stage decides once a worker has joined and recovered.
MEMBERS_WAIT_S = 180.0


def members_shown(settings: Settings) -> bool:
    """True once the read model holds every sample member (False while Redis is unreachable)."""
    client = redis.Redis.from_url(settings.redis_url, socket_timeout=1.0)
    try:
        return all(client.exists(f"{settings.namespace}:{keys.member(m)}") for m in SAMPLE_MEMBERS)
    except (OSError, redis.RedisError):
        return False
    finally:
        client.close()


def publish_sample_members(settings: Settings) -> None:
    if members_shown(settings):
        return
    producer = Producer(
        {
            "bootstrap.servers": bootstrap_servers(settings),
            "acks": "all",
            "enable.idempotence": True,
            "partitioner": LIBRDKAFKA_PARTITIONER,
        }
    )
    reg = registry()
    for member in SAMPLE_MEMBERS:
        record = seal_command(CreateMember, {"member": member, "handle": member}, PRODUCER)
        producer.produce(
            FEED_COMMANDS.name, key=record.envelope.key.encode(), value=reg.encode(record)
        )
    remaining = producer.flush(30)
    if remaining:
        raise RuntimeError(f"{remaining} feed sample members not acknowledged by Kafka")


def wait_for_sample_members(settings: Settings, projector: processes.ServiceProcess) -> None:
    """Until the read model shows both sample members (bounded)."""
    processes.wait_ready(
        projector,
        lambda: members_shown(settings),
        timeout=MEMBERS_WAIT_S,
        what="showing the feed's sample members",
    )
