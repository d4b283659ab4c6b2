"""Plays ingested per second (issue 12's aim: >= 50,000/s through the batch
route into ClickHouse). The generated catalog of 100,000 tracks is loaded
once (bench.music_support); then `--clients` processes, each with
`--in-flight` threads, send generated finished plays of it (onelog/music's
play generator, listeners of their own each run), 1,000 per POST
/v1/music/plays, for `--seconds`. Measured:

- accepted: plays the gateway answered 202, per second of the sending window;
- landed: rows in ClickHouse's music_plays (every play as the play stage
  decided it, counted or not) through the projector's SQL endpoint, sampled
  every `--sample-s` during the run and after it until every accepted play
  is there (bounded): the rate while sending and the rate to the last row;
- the CPU of the gateway, the worker (the play stage) and the projector over
  the sending window, as a share of one core, so the limiting part shows.

    python -m bench.music_ingest [--clients 3] [--in-flight 2] [--seconds 40]
        [--listeners 4000] [--profile DIR]

With --profile, py-spy records each of the three processes while sending
(DIR/<name>.txt, collapsed stacks); python -m bench.music_ingest_profile DIR
sums them by function.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

from bench import music_support, support
from bench.music_support import CpuMeter, MusicBench, cpu_line
from onelog import platform
from onelog.batch_loader import BatchSender
from onelog.music.catalog_loader import PLAYS_PER_REQUEST, PLAYS_ROUTE
from onelog.music.play_generator import PlayShape, play_lines
from projections.music.clickhouse import PLAYS

# A client's listeners each have this many plays at most: far more than a
# run sends, so the generator never runs dry.
PLAYS_PER_LISTENER = 10_000
LAND_WAIT_S = 180.0


@dataclass
class ClientResult:
    accepted: int
    failures: int
    requests: int
    first_failures: list[str]
    request_s: list[float]


def client(
    index: int,
    tag: str,
    gateway_url: str,
    key: str,
    listeners: int,
    in_flight: int,
    start_at: float,
    seconds: float,
    accepted_total: Synchronized[int],
    results: multiprocessing.Queue[ClientResult],
) -> None:
    """One client process: its own listeners' plays, `in_flight` requests at a time."""
    catalog = music_support.bench_catalog()
    shape = PlayShape(listeners, listeners * PLAYS_PER_LISTENER, index, f"mi{tag}c{index}x")
    lines = play_lines(catalog, shape, time.time_ns() // 1_000_000)
    take = threading.Lock()
    sender = BatchSender(gateway_url, key, PLAYS_ROUTE)
    tally = ClientResult(0, 0, 0, [], [])
    deadline = start_at + seconds

    def send_until_deadline() -> None:
        while time.time() < deadline:
            with take:
                batch = list(itertools.islice(lines, PLAYS_PER_REQUEST))
            sent_at = time.monotonic()
            answer = sender.send(batch)
            took = time.monotonic() - sent_at
            with take:
                tally.request_s.append(took)
                tally.accepted += answer.accepted
                tally.failures += len(answer.failures)
                tally.requests += 1
                tally.first_failures += answer.failures[: max(0, 3 - len(tally.first_failures))]
            with accepted_total.get_lock():
                accepted_total.value += answer.accepted

    # Generate the first batches before the start, so the window times sending.
    time.sleep(max(0.0, start_at - time.time()))
    threads = [threading.Thread(target=send_until_deadline) for _ in range(in_flight)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sender.close()
    results.put(tally)


def profile(pids: dict[str, int], folder: str, seconds: float) -> list[subprocess.Popen[bytes]]:
    """py-spy record (collapsed stacks, 50 samples/s) of each process while sending."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    spy = str(Path(sys.executable).parent / "py-spy")
    return [
        subprocess.Popen(
            [
                spy,
                "record",
                "-p",
                str(pid),
                "-d",
                str(int(seconds)),
                "-r",
                "50",
                "-f",
                "raw",
                "-o",
                str(Path(folder) / f"{name}.txt"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, pid in pids.items()
    ]


def plays_landed(bench: MusicBench) -> int:
    return int(bench.sql(f"SELECT count() AS n FROM {PLAYS}")[0]["n"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=3, help="client processes")
    parser.add_argument("--in-flight", type=int, default=2, help="requests in flight per client")
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--listeners", type=int, default=4_000, help="listeners per client")
    parser.add_argument("--sample-s", type=float, default=2.0)
    parser.add_argument(
        "--profile", metavar="DIR", help="py-spy the gateway, worker and projector while sending"
    )
    args = parser.parse_args()
    with music_support.music_bench() as bench:
        print(support.machine_line())
        print(bench.ensure_catalog(music_support.bench_catalog()))
        run(bench, args)


def run(bench: MusicBench, args: argparse.Namespace) -> None:
    context = multiprocessing.get_context("spawn")
    accepted_total: Synchronized[int] = context.Value("q", 0)
    results: multiprocessing.Queue[ClientResult] = context.Queue()
    tag = uuid.uuid4().hex[:5]
    # The clients build their catalog and generator first: start together later.
    start_at = time.time() + 8.0
    procs = [
        context.Process(
            target=client,
            args=(
                i,
                tag,
                bench.settings.gateway_url,
                bench.key,
                args.listeners,
                args.in_flight,
                start_at,
                args.seconds,
                accepted_total,
                results,
            ),
        )
        for i in range(args.clients)
    ]
    for proc in procs:
        proc.start()
    base = plays_landed(bench)
    time.sleep(max(0.0, start_at - time.time()))
    pids = {
        "gateway": bench.pid(platform.GATEWAY),
        "worker": bench.pid(platform.worker_name(1)),
        "projector": bench.pid(platform.PROJECTOR),
        "kafka": bench.pid("kafka-1"),
        "redis": bench.pid("redis"),
    }
    meter = CpuMeter(pids)
    whole = CpuMeter(pids)
    python = {name: pids[name] for name in ("gateway", "worker", "projector")}
    spies = profile(python, args.profile, args.seconds) if args.profile else []
    began = time.monotonic()
    samples: list[tuple[float, int, int]] = []  # (s since start, accepted, landed)
    while time.monotonic() - began < args.seconds:
        time.sleep(args.sample_s)
        samples.append((time.monotonic() - began, accepted_total.value, plays_landed(bench) - base))
        t, accepted, landed = samples[-1]
        print(f"  {t:5.1f} s  accepted {accepted:>10,}  landed {landed:>10,}", flush=True)
    cpu = meter.read()
    for spy in spies:
        spy.wait(timeout=60)
    tallies = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    sending_s = time.monotonic() - began
    accepted = sum(t.accepted for t in tallies)
    failures = sum(t.failures for t in tallies)
    landed_while = samples[-1][2] if samples else 0
    landed_at = samples[-1][0] if samples else 0.0
    after = CpuMeter(pids)
    deadline = time.monotonic() + LAND_WAIT_S
    landed = plays_landed(bench) - base
    while landed < accepted and time.monotonic() < deadline:
        time.sleep(args.sample_s)
        landed = plays_landed(bench) - base
        print(f"  {time.monotonic() - began:5.1f} s  landed {landed:>10,}", flush=True)
    all_landed_s = time.monotonic() - began
    cpu_after = after.read()
    cpu_used = whole.used()
    requests = sum(t.requests for t in tallies)
    print(
        f"music ingest: {args.clients} clients x {args.in_flight} in flight, "
        f"{PLAYS_PER_REQUEST:,} plays a request, {args.listeners:,} listeners per client"
    )
    print(
        f"  accepted {accepted:,} plays in {sending_s:.1f} s: {accepted / sending_s:,.0f} plays/s "
        f"({requests:,} requests, {failures} failures{': ' if failures else ''}"
        f"{'; '.join(f for t in tallies for f in t.first_failures)})"
    )
    print(
        f"  landed in music_plays while sending: {landed_while:,} in {landed_at:.1f} s "
        f"({landed_while / landed_at if landed_at else 0:,.0f}/s); all {landed:,} of {accepted:,} "
        f"after {all_landed_s:.1f} s ({landed / all_landed_s:,.0f}/s end to end)"
    )
    request_s = [s for t in tallies for s in t.request_s]
    print(f"  a request of {PLAYS_PER_REQUEST:,} plays: {support.latency_summary(request_s)}")
    print(f"  CPU while sending (share of one core): {cpu_line(cpu)}")
    print(f"  CPU while draining after:              {cpu_line(cpu_after)}")
    per_play = ", ".join(
        f"{name} {seconds / landed * 1e6:.0f}" for name, seconds in cpu_used.items() if landed
    )
    print(f"  CPU per play landed, the whole run (microseconds): {per_play}")
    if landed < accepted:
        print(f"  NOT ALL LANDED within {LAND_WAIT_S:.0f} s: {accepted - landed:,} missing")


if __name__ == "__main__":
    main()
