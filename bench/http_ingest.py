"""HTTP ingest: how many orders a second the gateway takes, and how long a 202 takes.

A 202 means Kafka acknowledged the record (acks=all, idempotent producer), so
this measures gateway + Kafka, not the stages behind them.

(1) POST /v1/exchange/orders: `--processes` client processes, each an
    httpx.AsyncClient keeping `--concurrency` requests in flight, closed loop
    (a client sends its next request when one is answered). Reports
    requests/s and the latency of each request (send to 202).
(2) POST /v1/exchange/batch: NDJSON bodies of `--batch-lines` orders,
    `--batch-concurrency` batches in flight. Reports lines/s and the latency
    of a whole batch.

The orders name accounts that hold nothing, so a worker, if one runs, refuses
them cheaply (CommandRejected) and the book never grows.

Starts Kafka, Redis and the gateway if they are not running (not a worker or
the projector: the gateway does not need them to answer 202), with the
benchmark's own ports and state folder (bench/support.py), and stops only what
it started.

    python -m bench.http_ingest [--requests N] [--concurrency C] [--processes P]
                                [--batches B] [--batch-lines L] [--batch-concurrency BC]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import time
from dataclasses import dataclass, field
from multiprocessing.synchronize import Barrier as BarrierType
from typing import Any

import httpx

from bench import support

ORDERS_PATH = "/v1/exchange/orders"
BATCH_PATH = "/v1/exchange/batch"
TRANSPORT_ERROR = 0  # the "status" counted when no answer came back


def order_body(tag: str, i: int) -> dict[str, Any]:
    side = "buy" if i % 2 else "sell"
    return {
        "account_id": f"ingest-{tag}-{i % 500}",
        "client_order_id": f"{tag}-{i}",
        "symbol": "INGEST",
        "side": side,
        "type": "limit",
        "time_in_force": "GTC",
        "quantity": 1 + i % 100,
        "price": 10_000 + (i % 21) - 10,
    }


@dataclass
class ClientResult:
    started: float
    finished: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    lines_accepted: int = 0


def _count(statuses: dict[int, int], status: int) -> None:
    statuses[status] = statuses.get(status, 0) + 1


async def _single_orders(
    url: str, key: str, tag: str, count: int, concurrency: int
) -> ClientResult:
    result = ClientResult(0.0, 0.0)
    next_index = iter(range(count))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60,
                                 headers={"Authorization": f"Bearer {key}"}) as client:  # fmt: skip

        async def one_connection() -> None:
            for i in next_index:
                sent = time.monotonic()
                try:
                    response = await client.post(ORDERS_PATH, json=order_body(tag, i))
                except httpx.TransportError:
                    # The server closed a pooled connection (keep-alive
                    # timeout) under load: counted, not fatal.
                    _count(result.statuses, TRANSPORT_ERROR)
                    continue
                result.latencies.append(time.monotonic() - sent)
                _count(result.statuses, response.status_code)

        # A warm-up request opens the pool's first connection before the clock.
        await client.get("/healthz")
        result.started = time.monotonic()
        await asyncio.gather(*(one_connection() for _ in range(concurrency)))
        result.finished = time.monotonic()
    return result


async def _batches(url: str, key: str, tag: str, batches: int, lines: int,
                   concurrency: int) -> ClientResult:  # fmt: skip
    result = ClientResult(0.0, 0.0)
    bodies = [
        "".join(
            json.dumps({"command": "place_order", **order_body(f"{tag}b{b}", i)}) + "\n"
            for i in range(lines)
        ).encode()
        for b in range(batches)
    ]
    next_body = iter(bodies)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/x-ndjson"}
    async with httpx.AsyncClient(base_url=url, timeout=120, headers=headers) as client:

        async def one_connection() -> None:
            for body in next_body:
                sent = time.monotonic()
                try:
                    response = await client.post(BATCH_PATH, content=body)
                except httpx.TransportError:
                    _count(result.statuses, TRANSPORT_ERROR)
                    continue
                result.latencies.append(time.monotonic() - sent)
                _count(result.statuses, response.status_code)
                if response.status_code == 200:
                    result.lines_accepted += sum(
                        1
                        for line in response.text.splitlines()
                        if '"status": 202' in line or '"status":202' in line
                    )

        await client.get("/healthz")
        result.started = time.monotonic()
        await asyncio.gather(*(one_connection() for _ in range(concurrency)))
        result.finished = time.monotonic()
    return result


def _client_process(
    url: str, key: str, tag: str, count: int, concurrency: int, barrier: BarrierType, out: Any
) -> None:
    barrier.wait()  # every process starts together, so their rates add up
    out.put(asyncio.run(_single_orders(url, key, tag, count, concurrency)))


def run_single_orders(url: str, key: str, total: int, concurrency: int, processes: int) -> None:
    tag = support.run_tag()
    context = mp.get_context("spawn")
    barrier = context.Barrier(processes)
    out = context.Queue()
    share = total // processes
    clients = [
        context.Process(
            target=_client_process,
            args=(url, key, f"{tag}p{p}", share, concurrency, barrier, out),
        )
        for p in range(processes)
    ]
    for client in clients:
        client.start()
    # A client that dies sends nothing: do not wait for it forever.
    results: list[ClientResult] = [out.get(timeout=1800) for _ in clients]
    for client in clients:
        client.join()
    started = min(r.started for r in results)
    finished = max(r.finished for r in results)
    latencies = [x for r in results for x in r.latencies]
    statuses: dict[int, int] = {}
    for r in results:
        for status, n in r.statuses.items():
            statuses[status] = statuses.get(status, 0) + n
    accepted = statuses.get(202, 0)
    elapsed = finished - started
    print(
        f"(1) single orders: {len(latencies):,} requests, {processes} processes x "
        f"{concurrency} in flight, {elapsed:.1f} s: {len(latencies) / elapsed:,.0f} requests/s "
        f"({accepted / elapsed:,.0f} accepted/s); statuses {dict(sorted(statuses.items()))}"
    )
    print(f"(1) request latency (send to 202): {support.latency_summary(latencies)}")


def run_batches(url: str, key: str, batches: int, lines: int, concurrency: int) -> None:
    result = asyncio.run(_batches(url, key, support.run_tag(), batches, lines, concurrency))
    elapsed = result.finished - result.started
    print(
        f"(2) NDJSON batches: {batches} x {lines:,} lines, {concurrency} in flight, "
        f"{elapsed:.1f} s: {result.lines_accepted / elapsed:,.0f} lines/s accepted "
        f"({result.lines_accepted:,} of {batches * lines:,}); "
        f"statuses {dict(sorted(result.statuses.items()))}"
    )
    print(f"(2) batch latency (send to answer): {support.latency_summary(result.latencies)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=100, help="in flight per process")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--batch-lines", type=int, default=5000)
    parser.add_argument("--batch-concurrency", type=int, default=2)
    args = parser.parse_args()

    settings = support.bench_settings()
    print(support.machine_line())
    support.stop_on_sigterm()
    with support.platform_running(settings, worker=False, projector=False) as running:
        print(running.describe())
        key = support.bench_api_key(settings, "ingest")
        run_single_orders(
            settings.gateway_url, key, args.requests, args.concurrency, args.processes
        )
        run_batches(
            settings.gateway_url, key, args.batches, args.batch_lines, args.batch_concurrency
        )


if __name__ == "__main__":
    main()
