"""Where a deployment's time goes, read back from the log: every record of
one deployment on deploy.commands, deploy.instructions, deploy.host-steps and
deploy.facts, by the broker's timestamp of each message (the producer's
clock at send: envelopes carry the time of their cause, not their own), and
a breakdown of the host steps and the gaps between the processes.

    python -m bench.deploy_timeline <deployment_id> [--since-ms T] [--records]

Used by bench.deploy_rollout (--timeline) before it stops the platform.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from confluent_kafka import Consumer, TopicPartition

from bench.deploy_support import deploy_bench_settings
from schemas.codec import DecodeError
from schemas.registry import registry

TOPICS = ("deploy.commands", "deploy.instructions", "deploy.host-steps", "deploy.facts")


@dataclass(frozen=True)
class Seen:
    at_ms: int  # the message's broker timestamp
    topic: str
    kind: str
    fields: dict[str, Any]


def read_deployment(bootstrap: str, deployment_id: str, since_ms: int = 0) -> list[Seen]:
    """Every record naming the deployment, oldest first (all partitions read to their ends)."""
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": f"bench-timeline-{uuid.uuid4()}",
        "isolation.level": "read_committed",
        "enable.auto.commit": False,
    })  # fmt: skip
    try:
        metadata = consumer.list_topics(timeout=30)
        assignment, ends = [], {}
        for topic in TOPICS:
            for partition in metadata.topics[topic].partitions:
                low, high = consumer.get_watermark_offsets(
                    TopicPartition(topic, partition), timeout=10
                )
                if high > low:
                    assignment.append(TopicPartition(topic, partition, low))
                    ends[(topic, partition)] = high
        consumer.assign(assignment)
        found: list[Seen] = []
        decode = registry().decode_dict
        deadline = time.monotonic() + 120
        while ends and time.monotonic() < deadline:
            for msg in consumer.consume(num_messages=10_000, timeout=1.0):
                value, (_, at_ms) = msg.value(), msg.timestamp()
                if msg.error() or value is None or at_ms < since_ms:
                    continue
                try:
                    model, fields, _ = decode(value)
                except DecodeError:
                    continue
                if fields.get("deployment_id") == deployment_id:
                    found.append(Seen(at_ms, str(msg.topic()), model.schema_name, fields))
            # Positions, not the last offsets seen: a transaction's end marker
            # takes the last offset of a partition and is never delivered.
            positions = consumer.position([TopicPartition(t, p) for t, p in ends])
            ends = {
                (tp.topic, tp.partition): ends[(tp.topic, tp.partition)]
                for tp in positions
                if tp.offset < ends[(tp.topic, tp.partition)]
            }
        return sorted(found, key=lambda s: s.at_ms)
    finally:
        consumer.close()


def breakdown(seen: Sequence[Seen]) -> list[str]:
    """Lines: step durations (as the agents measured them) and the gaps
    between an instruction, the agent's first step, its last, and the
    orchestrator's facts."""
    if not seen:
        return ["no records"]
    t0 = seen[0].at_ms
    lines = [
        f"first record {seen[0].kind} at t=0; last {seen[-1].kind} at {seen[-1].at_ms - t0} ms"
    ]
    durations: dict[str, list[int]] = defaultdict(list)
    instructed: dict[str, int] = {}
    first_step: dict[str, int] = {}
    last_step: dict[str, int] = {}
    settled: dict[str, int] = {}
    for s in seen:
        host = str(s.fields.get("host_id", ""))
        if s.kind.endswith(("InstallRelease", "RestoreRelease")):
            instructed.setdefault(host, s.at_ms)
        elif s.kind.endswith("HostStepReported"):
            durations[str(s.fields["step"])].append(int(s.fields["duration_ms"]))
            first_step.setdefault(host, s.at_ms)
            last_step[host] = s.at_ms
        elif s.kind.endswith(("HostUpdated", "HostRestored", "HostFailed")):
            settled.setdefault(host, s.at_ms)
    for step, values in durations.items():
        lines.append(
            f"step {step:<12} n={len(values):>3} mean {statistics.fmean(values):7.0f} ms"
            f"  max {max(values):6d} ms"
        )

    def gaps(name: str, start: dict[str, int], end: dict[str, int]) -> None:
        values = [end[h] - start[h] for h in start if h in end]
        if values:
            lines.append(
                f"{name:<44} mean {statistics.fmean(values):7.0f} ms  max {max(values):6d} ms"
            )

    gaps("instruction -> agent's first report", instructed, first_step)
    gaps("instruction -> agent's last report", instructed, last_step)
    gaps("agent's last report -> orchestrator's host fact", last_step, settled)
    for s in seen:
        if s.topic in ("deploy.commands", "deploy.facts") and not s.kind.endswith(
            ("HostUpdated", "HostRestored", "HostFailed")
        ):
            lines.append(f"{s.at_ms - t0:>8} ms  {s.kind}")
    if instructed:
        lines.append(f"{min(instructed.values()) - t0:>8} ms  first instruction")
        lines.append(f"{max(instructed.values()) - t0:>8} ms  last instruction")
    if settled:
        lines.append(f"{max(settled.values()) - t0:>8} ms  last host fact")
    return lines


def records(seen: Sequence[Seen]) -> list[str]:
    t0 = seen[0].at_ms if seen else 0
    return [
        f"{s.at_ms - t0:>8} {s.kind.rsplit('.', 1)[-1]:<18} {s.fields.get('host_id', '')}"
        f" {s.fields.get('step', '')} {s.fields.get('ok', '')} {s.fields.get('duration_ms', '')}"
        for s in seen
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("deployment_id")
    parser.add_argument("--since-ms", type=int, default=0)
    parser.add_argument("--records", action="store_true")
    args = parser.parse_args()
    settings, _ = deploy_bench_settings()
    seen = read_deployment(settings.kafka_bootstrap, args.deployment_id, args.since_ms)
    print("\n".join(records(seen) if args.records else breakdown(seen)))


if __name__ == "__main__":
    main()
