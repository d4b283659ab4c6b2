"""Judge end-to-end latency: submit to verdict for a 10-test Python problem.

Submissions of an accepted Python reference solution go through the gateway
(`POST /v1/judge/submissions`); the clock runs from the POST until the
verdict is visible to the learner, who follows the submission's SSE stream
(`GET /v1/judge/submissions/{id}/stream`) as soon as the 202 arrives
(`--watch poll` polls `GET /v1/judge/submissions/{id}` every 10 ms instead).

Two ways of sending: `sequential` (the next submission when the previous
verdict is visible) and `paced` (open loop, one every `--interval` seconds
whatever the earlier ones are doing). Two kinds of source: `fresh` (a comment
with a counter makes each source a new compile-cache entry) and `same` (one
source throughout: every submission after the first hits the cache).

Where the time goes, per submission, from timestamps taken in this process
(one monotonic clock): the 202; the judge's first and last "running test k
of n" (live progress on the SSE stream); SubmissionJudged written on
judge.events (a read_uncommitted consumer sees it before its transaction
commits); the same record committed (read_committed); the verdict on SSE.

    python -m bench.judge_latency [--submissions 40] [--interval 0.5]
        [--modes sequential,paced] [--sources fresh,same] [--watch sse|poll]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from confluent_kafka import Consumer, TopicPartition

from bench import support
from gateway.auth import create_api_key
from infra.settings import Settings
from onelog.judge.problem_catalog import publish_catalog
from schemas import judge as jd
from schemas.judge.topics import JUDGE_EVENTS
from schemas.registry import registry
from streams.judge.catalog import PROBLEMS_ROOT, load_problem

# Function-style, whitespace checker, 2 samples + 8 hidden tests.
PROBLEM = "binary-search"
SCOPES = ("judge:read", "judge:write", "judge:operator")  # for all USERS
USERS = 8  # learners the submissions are spread over (judge.commands is keyed by user)
POLL_S = 0.01
VERDICT_TIMEOUT_S = 120.0


@dataclass
class Sample:
    """One submission's moments (monotonic seconds); None when not seen."""

    submission_id: str
    sent: float
    accepted: float
    first_test: float | None = None  # the judge starts test 1
    last_test: float | None = None  # the judge starts the last test
    written: float | None = None  # SubmissionJudged on the log, uncommitted
    committed: float | None = None  # ... its transaction committed
    visible: float | None = None  # the verdict on the stream (or GET)
    verdict: str = ""
    cached: bool = False
    not_found: int = 0  # 404s before the submission was known to the read model

    @property
    def total(self) -> float:
        assert self.visible is not None
        return self.visible - self.sent


class VerdictLog:
    """Notes when each SubmissionJudged appears on judge.events, from two
    consumers on their own threads: read_uncommitted (the record written
    inside the judge's open transaction) and read_committed (the transaction
    committed, what the projector can see)."""

    def __init__(self, bootstrap: str) -> None:
        self.written: dict[str, float] = {}
        self.committed: dict[str, float] = {}
        self._stop = threading.Event()
        self._wanted = support.fingerprints(jd.SubmissionJudged)
        self._threads = [
            threading.Thread(target=self._follow, args=(bootstrap, isolation, seen), daemon=True)
            for isolation, seen in (("read_uncommitted", self.written),
                                    ("read_committed", self.committed))
        ]  # fmt: skip
        self._ready = threading.Barrier(len(self._threads) + 1)
        for thread in self._threads:
            thread.start()
        self._ready.wait(60)

    def _follow(self, bootstrap: str, isolation: str, seen: dict[str, float]) -> None:
        consumer = Consumer({
            "bootstrap.servers": bootstrap,
            "group.id": f"bench-judge-{uuid.uuid4()}",
            "isolation.level": isolation,
            "enable.auto.commit": False,
            "fetch.wait.max.ms": 5,
        })  # fmt: skip
        metadata = consumer.list_topics(JUDGE_EVENTS.name, timeout=30)
        assignment = []
        for partition in metadata.topics[JUDGE_EVENTS.name].partitions:
            tp = TopicPartition(JUDGE_EVENTS.name, partition)
            # The high watermark: read_uncommitted must not start past the
            # open transactions' records either.
            _, high = consumer.get_watermark_offsets(tp, timeout=10)
            assignment.append(TopicPartition(JUDGE_EVENTS.name, partition, high))
        consumer.assign(assignment)
        self._ready.wait(60)
        decode = registry().decode_dict
        try:
            while not self._stop.is_set():
                for msg in consumer.consume(num_messages=1000, timeout=0.05):
                    now = time.monotonic()
                    value = msg.value()
                    if msg.error() or not value:
                        continue
                    if support.fingerprint_of(value) in self._wanted:
                        _, fields, _ = decode(value)
                        seen.setdefault(fields["submission_id"], now)
        finally:
            consumer.close()

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(10)


# --- one submission ------------------------------------------------------------


def source_of(kind: str, counter: int, tag: str) -> str:
    reference = (PROBLEMS_ROOT / PROBLEM / "solutions" / "main.py").read_text()
    if kind == "same":
        return reference + f"# bench {tag}\n"
    return reference + f"# bench {tag} submission {counter}\n"


async def submit(client: httpx.AsyncClient, user: str, source: str, watch: str) -> Sample:
    body = {"user_id": user, "problem_id": PROBLEM, "language": "python", "source": source}
    sent = time.monotonic()
    response = await client.post("/v1/judge/submissions", json=body)
    accepted = time.monotonic()
    if response.status_code != 202:
        raise SystemExit(f"POST answered {response.status_code}: {response.text}")
    sample = Sample(response.json()["submission_id"], sent, accepted)
    follow = _follow_stream if watch == "sse" else _poll
    await asyncio.wait_for(follow(client, sample), VERDICT_TIMEOUT_S)
    return sample


async def _follow_stream(client: httpx.AsyncClient, sample: Sample) -> None:
    url = f"/v1/judge/submissions/{sample.submission_id}/stream"
    # Until the projector has seen the command the submission is unknown
    # (404): open the stream again, as a learner's client would.
    while not await _stream_once(client, url, sample):
        sample.not_found += 1
        await asyncio.sleep(POLL_S)


async def _stream_once(client: httpx.AsyncClient, url: str, sample: Sample) -> bool:
    """Follow the stream to the verdict; False if the submission is not known yet."""
    async with client.stream("GET", url) as response:
        if response.status_code == 404:
            return False
        if response.status_code != 200:
            raise SystemExit(f"stream answered {response.status_code}")
        event = ""
        async for line in response.aiter_lines():
            now = time.monotonic()
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: "):
                data = json.loads(line.removeprefix("data: "))
                if _note(sample, event, data, now):
                    return True
    raise SystemExit(f"stream of {sample.submission_id} ended without a verdict")


async def _poll(client: httpx.AsyncClient, sample: Sample) -> None:
    url = f"/v1/judge/submissions/{sample.submission_id}"
    while True:
        response = await client.get(url)
        now = time.monotonic()
        if response.status_code == 200 and _note(sample, "poll", response.json(), now):
            return
        if response.status_code == 404:
            sample.not_found += 1
        await asyncio.sleep(POLL_S)


def _note(sample: Sample, event: str, data: dict[str, Any], now: float) -> bool:
    """Record what this view of the submission shows; True once judged."""
    if data.get("status") == "judged":
        sample.visible = now
        sample.verdict = str(data.get("verdict"))
        sample.cached = bool((data.get("compile") or {}).get("cached"))
        return True
    running = event == "progress" or data.get("status") == "running"
    test, total = data.get("test") or data.get("seq"), data.get("total")
    if running and isinstance(test, int):
        if sample.first_test is None:
            sample.first_test = now
        if test == total and sample.last_test is None:
            sample.last_test = now
    return False


# --- a phase -------------------------------------------------------------------


async def run_phase(
    settings: Settings, api_key: str, mode: str, source: str, count: int, interval: float,
    watch: str, tag: str, log: VerdictLog,
) -> list[Sample]:  # fmt: skip
    headers = {"Authorization": f"Bearer {api_key}"}
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(
        base_url=settings.gateway_url, headers=headers, limits=limits, timeout=VERDICT_TIMEOUT_S
    ) as client:

        def one(i: int) -> Any:
            return submit(client, f"bench-{tag}-{i % USERS}", source_of(source, i, tag), watch)

        if mode == "sequential":
            samples = [await one(i) for i in range(count)]
        else:
            tasks = []
            start = time.monotonic()
            for i in range(count):
                delay = start + i * interval - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(one(i)))
            samples = list(await asyncio.gather(*tasks))
    # The committed record may be seen a little after the verdict (the
    # projector's consumer and ours race): give ours a moment.
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and any(s.submission_id not in log.committed
                                              for s in samples):  # fmt: skip
        await asyncio.sleep(0.05)
    for sample in samples:
        sample.written = log.written.get(sample.submission_id)
        sample.committed = log.committed.get(sample.submission_id)
    return samples


# --- figures -------------------------------------------------------------------


def figures(seconds: Sequence[float]) -> str:
    values = sorted(seconds)
    if not values:
        return "no samples"
    ms = 1000.0
    p = support.percentile
    return (
        f"n {len(values)}, p50 {p(values, 0.5) * ms:.0f} ms, p90 {p(values, 0.9) * ms:.0f} ms, "
        f"p99 {p(values, 0.99) * ms:.0f} ms, max {values[-1] * ms:.0f} ms, "
        f"mean {statistics.fmean(values) * ms:.0f} ms"
    )


def _gaps(samples: Sequence[Sample], start: str, end: str) -> list[float]:
    gaps = []
    for s in samples:
        a, b = getattr(s, start), getattr(s, end)
        if a is not None and b is not None:
            gaps.append(b - a)
    return gaps


BREAKDOWN = (
    ("POST -> 202 (gateway, Kafka ack)", "sent", "accepted"),
    ("202 -> judge starts test 1 (fetch, dispatch, compile entry)", "accepted", "first_test"),
    ("test 1 -> last test starts (tests 1..9)", "first_test", "last_test"),
    ("last test starts -> SubmissionJudged written", "last_test", "written"),
    ("written -> committed (Kafka transaction commit)", "written", "committed"),
    ("committed -> verdict visible (projector, Redis, gateway)", "committed", "visible"),
)


def report(title: str, samples: Sequence[Sample], elapsed: float) -> None:
    verdicts: dict[str, int] = {}
    for s in samples:
        verdicts[s.verdict] = verdicts.get(s.verdict, 0) + 1
    hits = sum(s.cached for s in samples)
    unknown = sum(1 for s in samples if s.not_found)
    print(f"\n{title}: {len(samples)} submissions in {elapsed:.1f} s; verdicts {verdicts}; "
          f"compile cache hits {hits}/{len(samples)}; "
          f"{unknown} answered 404 (not yet known) right after the 202")  # fmt: skip
    print(f"  submit -> verdict visible: {figures([s.total for s in samples])}")
    for label, start, end in BREAKDOWN:
        print(f"    {label}: {figures(_gaps(samples, start, end))}")


# --- main ----------------------------------------------------------------------


def wait_for_problem(settings: Settings, api_key: str, timeout: float = 180.0) -> int:
    """Wait until the gateway serves the problem; returns its number of tests."""
    headers = {"Authorization": f"Bearer {api_key}"}
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=settings.gateway_url, headers=headers, timeout=10) as client:
        while time.monotonic() < deadline:
            try:
                response = client.get(f"/v1/judge/problems/{PROBLEM}")
            except httpx.TransportError:
                response = None
            if response is not None and response.status_code == 200:
                problem = response.json()
                return len(problem["samples"]) + int(problem["hidden_tests"])
            time.sleep(0.5)
    raise SystemExit(f"problem {PROBLEM} not served by the gateway after {timeout:.0f} s")


async def measure(settings: Settings, args: argparse.Namespace) -> None:
    api_key = create_api_key(settings.api_keys_file, f"bench-judge-{uuid.uuid4().hex[:6]}",
                             SCOPES, rate_per_minute=600_000_000, burst=10_000_000)  # fmt: skip
    tests = wait_for_problem(settings, api_key)
    draft = load_problem(PROBLEMS_ROOT / PROBLEM)
    print(f"problem {PROBLEM}: {tests} tests served ({len(draft.samples)} samples + "
          f"{len(draft.hidden)} hidden in the catalog), Python reference solution; "
          f"watching by {args.watch}")  # fmt: skip
    log = VerdictLog(settings.kafka_bootstrap)
    try:
        tag = support.run_tag().lower()
        warm = await run_phase(settings, api_key, "sequential", "fresh", args.warmup, 0, args.watch,
                               tag + "w", log)  # fmt: skip
        print(f"warm-up ({args.warmup}, not counted): "
              + ", ".join(f"{s.total * 1000:.0f} ms" for s in warm))  # fmt: skip
        for mode in args.modes.split(","):
            for source in args.sources.split(","):
                start = time.monotonic()
                samples = await run_phase(settings, api_key, mode, source, args.submissions,
                                          args.interval, args.watch, f"{tag}{mode[0]}{source[0]}",
                                          log)  # fmt: skip
                pace = f"one every {args.interval} s" if mode == "paced" else "back to back"
                report(f"{mode} ({pace}), {source} source", samples, time.monotonic() - start)
                print(f"  load {os.getloadavg()[0]:.1f}")
    finally:
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=40, help="per mode and source")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between paced sends")
    parser.add_argument("--modes", default="sequential,paced")
    parser.add_argument("--sources", default="fresh,same")
    parser.add_argument("--watch", choices=("sse", "poll"), default="sse")
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()

    settings = support.bench_settings()
    print(support.machine_line())
    support.stop_on_sigterm()
    print(f"commit interval ONELOG_COMMIT_INTERVAL={settings.commit_interval_s} s, "
          f"{settings.partitions} partitions, 1 Faust worker")  # fmt: skip
    with support.platform_running(settings) as running:
        print(running.describe())
        # Idempotent: publishes only problems not yet on the log as they are.
        publish_catalog(settings.kafka_bootstrap)
        support.require_alive(settings, ["worker-1", "projector", "gateway"])
        asyncio.run(measure(settings, args))


if __name__ == "__main__":
    main()
