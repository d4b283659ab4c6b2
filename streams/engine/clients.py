"""The engine's Kafka clients, and why each setting is what it is."""

from __future__ import annotations

from typing import Any

from infra.partitioning import LIBRDKAFKA_PARTITIONER
from streams.engine.stage import Stage

# How long a transaction may stay open before the broker aborts it. A worker
# that dies mid-batch and never comes back holds its partitions' last stable
# offset (and every read_committed reader behind it) this long, plus up to the
# broker's 10 s abort sweep. A batch commits in milliseconds, so 10 s is ample.
TRANSACTION_TIMEOUT_MS = 10_000

# Bounds every blocking call of a transaction (init, send offsets, commit,
# abort): past it the loop gives up and starts again from what committed.
CALL_TIMEOUT_S = 30.0


def consumer_config(bootstrap: str, stage: Stage, worker_id: str) -> dict[str, Any]:
    return {
        "bootstrap.servers": bootstrap,
        "client.id": f"{stage.group_id}.worker-{worker_id}",
        "group.id": stage.group_id,
        # A static member per worker slot: a worker restarted (or a loop
        # starting a new session) takes its slot's partitions back at once,
        # with no rebalance of the others and no wait for the dead member's
        # session. The price: a worker stopped for good keeps its partitions
        # until its session times out, since a static member does not leave.
        "group.instance.id": f"{stage.group_id}.worker-{worker_id}",
        # Co-partitioning: range gives one member the same partition number of
        # every input topic (they have one partition count), so the state of a
        # key is on one worker whichever input its record comes from.
        "partition.assignment.strategy": "range",
        # Only committed facts are inputs; an aborted batch upstream never was.
        "isolation.level": "read_committed",
        # Offsets commit inside the transaction (send_offsets_to_transaction).
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        "auto.offset.reset": "earliest",
        # A killed worker's partitions move after this (6 s is the broker's
        # minimum session); heartbeats run on librdkafka's thread.
        "session.timeout.ms": 6_000,
        "heartbeat.interval.ms": 1_500,
        # An idle fetch waits at most this long at the broker; data ends the
        # wait at once, so it costs no latency, only idle wakeups.
        "fetch.wait.max.ms": 100,
    }


def producer_config(bootstrap: str, stage: Stage, worker_id: str) -> dict[str, Any]:
    return {
        "bootstrap.servers": bootstrap,
        "client.id": f"{stage.group_id}.worker-{worker_id}",
        # Stable per worker slot and stage: a restarted worker's first
        # init_transactions aborts what its dead predecessor left open and
        # fences it, instead of waiting out the transaction timeout. (Fencing
        # of a stale consumer generation is KIP-447's, through
        # send_offsets_to_transaction.)
        "transactional.id": f"{stage.group_id}.worker-{worker_id}",
        "transaction.timeout.ms": TRANSACTION_TIMEOUT_MS,
        # A transaction begun right after a commit meets the coordinator still
        # writing the last one's markers: CONCURRENT_TRANSACTIONS, retried
        # after this backoff. librdkafka's 100 ms made sending the offsets
        # take ~110 ms in most batches at 50 orders/s (a stage's whole
        # latency); 5 ms, doubling on each retry, waits only as long as needed.
        "retry.backoff.ms": 5,
        # Java's partitioner, as the gateway and every other writer use.
        "partitioner": LIBRDKAFKA_PARTITIONER,
        # Records go out while the batch is still being decided, in requests
        # of up to 1 MB; commit_transaction flushes what lingers at once, so
        # the linger never delays a commit, and a longer one means fewer,
        # fuller requests for the broker (which shares the CPUs). bench.pipeline
        # (a), 20,000 orders, on the busy 2-core machine: linger 0 ms 2,600
        # orders/s, 5 ms 3,300-4,000, 50 ms 3,900-4,200, 100 ms 3,800.
        "linger.ms": 50,
        "batch.size": 1_000_000,
        "batch.num.messages": 10_000,
        # No compression: lz4 would halve the bytes, but aiokafka (under
        # Faust) cannot read it without a library we do not install, and a
        # Faust agent reading these facts would crash on its first fetch.
        "compression.type": "none",
        # A batch of 2,000 inputs sends ~10,000 records before its commit.
        "queue.buffering.max.messages": 1_000_000,
    }


def restore_config(bootstrap: str, stage: Stage) -> dict[str, Any]:
    """A reader of changelog partitions by assignment: it joins no group and
    commits nothing (librdkafka wants a group id all the same)."""
    return {
        "bootstrap.servers": bootstrap,
        "client.id": f"{stage.group_id}.restore",
        "group.id": f"{stage.group_id}.restore",
        "enable.auto.commit": False,
        # Up to the last stable offset, and no aborted part.
        "isolation.level": "read_committed",
        # The end of each partition arrives as an event: the restore's stop.
        "enable.partition.eof": True,
        "auto.offset.reset": "earliest",
        "fetch.wait.max.ms": 10,
        "max.partition.fetch.bytes": 16 * 1024 * 1024,
    }
