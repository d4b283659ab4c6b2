"""HTTP ingest: how many orders a second the gateway takes, and how long a 202 takes.

A 202 means Kafka acknowledged the record (acks=all, idempotent producer), so
this measures gateway + Kafka, not the stages behind them. Three runs:

(1) Single orders, closed loop: `wrk` (C, one thread) keeps `--connections`
    keep-alive connections busy (16 by default, as issue 8 states the aim)
    for `--seconds`. Reports requests/s, latency p50/p99/max and the count
    of answers other than 202, after a short warm-up that is not counted.
(2) Single orders at a fixed rate (`--rate`, 1,000/s by default), open loop:
    a lean asyncio client sends each order at its planned time on one of
    `--rate-connections` keep-alive connections; latency runs from the
    planned time, so a late send counts as waiting (no coordinated omission).
(3) NDJSON: `--batches` bodies of `--batch-lines` orders, `--batch-concurrency`
    in flight, from the same lean client. Reports lines/s and batch latency.

Each run also prints the CPU each part used (% of one core, averaged over the
run): the gateway's processes, the Kafka broker, Redis and the client itself
(wrk, or this process), so a figure says what limited it.

The orders name accounts that hold nothing, so a worker, if one runs, refuses
them cheaply (CommandRejected) and the book never grows. Starts Kafka, Redis
and the gateway if they are not running (`--gateway-workers` processes; not a
worker or the projector: the gateway does not need them to answer 202), on
the benchmark's own ports and state folder (bench/support.py), and stops only
what it started. `wrk` is installed with apt-get if it is missing.

    python -m bench.http_ingest [--seconds S] [--connections C] [--rate R]
        [--rate-seconds S] [--batches B] [--batch-lines L] [--batch-concurrency BC]
        [--gateway-workers N] [--skip single,rate,batch]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvloop

from bench import support
from infra import kafka_broker, processes, redis_server
from infra.listeners import process_group
from infra.settings import Settings
from onelog import platform

ORDERS_PATH = "/v1/exchange/orders"
BATCH_PATH = "/v1/exchange/batch"
TRANSPORT_ERROR = 0  # the "status" counted when no answer came back
WARM_UP_S = 3


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


# --- CPU of each part ----------------------------------------------------------


def _cpu_seconds(pids: Sequence[int]) -> float:
    ticks = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class CpuMeter:
    """CPU seconds of the platform's parts over a run, as % of one core."""

    settings: Settings
    _start: dict[str, float] = field(default_factory=dict)
    _pids: dict[str, list[int]] = field(default_factory=dict)
    _wall: float = 0.0

    def _parts(self) -> dict[str, list[int]]:
        state = self.settings.state_dir

        def group(name: str) -> list[int]:
            pid = processes.running_pid(state, name)
            return process_group(pid) if pid is not None else []

        parts = {"gateway": group(platform.GATEWAY)}
        parts["kafka"] = [
            p for n in kafka_broker.nodes(self.settings) for p in group(n.service_name)
        ]
        parts["redis"] = group(redis_server.SERVICE)
        return parts

    def start(self) -> None:
        self._pids = self._parts()
        self._start = {name: _cpu_seconds(pids) for name, pids in self._pids.items()}
        self._wall = time.monotonic()

    def summary(self, client: str, client_cpu_s: float) -> str:
        elapsed = time.monotonic() - self._wall
        shares = {
            name: (_cpu_seconds(pids) - self._start[name]) / elapsed
            for name, pids in self._pids.items()
        }
        shares[f"client ({client})"] = client_cpu_s / elapsed
        load = os.getloadavg()[0]
        parts = ", ".join(f"{name} {share:.0%}" for name, share in shares.items())
        return f"CPU, % of one core over the run: {parts}; load average {load:.1f}"


def _own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- (1) closed loop with wrk ---------------------------------------------------

# Each request a new order (client_order_id from a counter); statuses counted
# per thread and summed in done(), which prints one JSON line. __PATH__ is
# replaced by the route.
WRK_SCRIPT = """
local counter = 0
statuses = {}  -- a global: done() reads each thread's with thread:get
local tag = os.getenv("INGEST_TAG") .. tostring(math.random(100000, 999999))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("INGEST_KEY")
request = function()
  counter = counter + 1
  local side = (counter % 2 == 1) and "buy" or "sell"
  local body = string.format(
    '{"account_id":"ingest-%s-%d","client_order_id":"%s-%d","symbol":"INGEST",' ..
    '"side":"%s","type":"limit","time_in_force":"GTC","quantity":%d,"price":%d}',
    tag, counter % 500, tag, counter, side, 1 + counter % 100, 10000 + counter % 21 - 10)
  return wrk.format(nil, "__PATH__", nil, body)
end
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      total[tostring(status)] = (total[tostring(status)] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do table.insert(parts, string.format('"%s":%d', status, n)) end
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,' ..
    '"statuses":{%s}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, table.concat(parts, ",")))
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("installing wrk (Debian package) ...", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed and apt-get did not install it")
    return found


def _wrk(wrk: str, url: str, key: str, connections: int, seconds: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.replace("__PATH__", ORDERS_PATH))
    try:
        done = subprocess.run(
            [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
             "-s", script.name, url],
            capture_output=True, text=True, timeout=seconds + 60,
            env={**os.environ, "INGEST_KEY": key, "INGEST_TAG": support.run_tag()},
        )  # fmt: skip
    finally:
        os.unlink(script.name)
    for line in done.stdout.splitlines():
        if line.startswith("WRK_RESULT "):
            result: dict[str, Any] = json.loads(line.removeprefix("WRK_RESULT "))
            return result
    raise SystemExit(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")


def run_closed_loop(
    settings: Settings, key: str, connections: int, seconds: int, workers: int
) -> None:
    wrk = ensure_wrk()
    _wrk(wrk, settings.gateway_url, key, connections, WARM_UP_S)
    meter = CpuMeter(settings)
    client_before = _children_cpu_s()
    meter.start()
    result = _wrk(wrk, settings.gateway_url, key, connections, seconds)
    cpu = meter.summary("wrk", _children_cpu_s() - client_before)
    elapsed = result["duration_us"] / 1e6
    statuses = {int(s): n for s, n in result["statuses"].items()}
    others = {s: n for s, n in statuses.items() if s != 202}
    errors = {k: result[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts")}
    print(
        f"(1) single orders, closed loop: wrk, {connections} keep-alive connections, "
        f"{workers} gateway process(es), {elapsed:.1f} s: "
        f"{result['requests'] / elapsed:,.0f} requests/s ({statuses.get(202, 0):,} answered 202; "
        f"other answers {others or 'none'}; socket errors {errors})"
    )
    print(
        f"(1) latency, send to answer: p50 {result['p50_us'] / 1000:.1f} ms, "
        f"p99 {result['p99_us'] / 1000:.1f} ms, max {result['max_us'] / 1000:.1f} ms"
    )
    print(f"(1) {cpu}")


# --- a lean HTTP/1.1 client -----------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection: a request at a time, answers read by
    Content-Length (what the gateway sends). Costs the client little CPU."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port, limit=1 << 24)
        return cls(reader, writer)

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        self._writer.write(raw)
        head = await self._reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self._reader.readexactly(length)

    def close(self) -> None:
        self._writer.close()


def http_post(host: str, path: str, headers: Mapping[str, str], body: bytes) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _host_port(settings: Settings) -> tuple[str, int]:
    return settings.gateway_url.removeprefix("http://").rsplit(":", 1)[0], settings.gateway_port


# --- (2) fixed rate, open loop ------------------------------------------------------


@dataclass
class RateResult:
    planned: int
    elapsed_s: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)


async def _fixed_rate(
    settings: Settings, key: str, rate: int, seconds: int, connections: int
) -> RateResult:
    host, port = _host_port(settings)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    tag = support.run_tag()
    count = rate * seconds
    requests = [
        http_post(host, ORDERS_PATH, headers, json.dumps(order_body(tag, i)).encode())
        for i in range(count)
    ]
    idle: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(connections):
        idle.put_nowait(await Connection.open(host, port))
    result = RateResult(count, 0.0)
    # perf_counter, not loop.time(): uvloop's clock moves in milliseconds.
    clock = time.perf_counter

    async def one(raw: bytes, planned_at: float) -> None:
        connection = await idle.get()
        try:
            status, _ = await connection.request(raw)
        except (OSError, asyncio.IncompleteReadError):
            status = TRANSPORT_ERROR
            connection = await Connection.open(host, port)
        result.latencies.append(clock() - planned_at)
        result.statuses[status] = result.statuses.get(status, 0) + 1
        idle.put_nowait(connection)

    started = clock() + 0.1
    pending = []
    for i, raw in enumerate(requests):
        planned_at = started + i / rate
        delay = planned_at - clock()
        if delay > 0:
            await asyncio.sleep(delay)
        pending.append(asyncio.ensure_future(one(raw, planned_at)))
    await asyncio.gather(*pending)
    result.elapsed_s = clock() - started
    while not idle.empty():
        idle.get_nowait().close()
    return result


def run_fixed_rate(settings: Settings, key: str, rate: int, seconds: int, connections: int) -> None:
    meter = CpuMeter(settings)
    own_before = _own_cpu_s()
    meter.start()
    result = uvloop.run(_fixed_rate(settings, key, rate, seconds, connections))
    cpu = meter.summary("this process", _own_cpu_s() - own_before)
    others = {s: n for s, n in result.statuses.items() if s != 202}
    print(
        f"(2) single orders at a fixed rate: {rate:,}/s planned for {seconds} s on up to "
        f"{connections} connections: {len(result.latencies) / result.elapsed_s:,.0f}/s "
        f"answered ({result.statuses.get(202, 0):,} of {result.planned:,} answered 202; "
        f"other answers {others or 'none'})"
    )
    print(
        f"(2) latency from the planned send to the answer: "
        f"{support.latency_summary(result.latencies)}"
    )
    print(f"(2) {cpu}")


# --- (3) NDJSON batches ----------------------------------------------------------


@dataclass
class BatchResult:
    elapsed_s: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    lines_accepted: int = 0


async def _batches(
    settings: Settings, key: str, batches: int, lines: int, concurrency: int
) -> BatchResult:
    host, port = _host_port(settings)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/x-ndjson"}
    tag = support.run_tag()
    bodies = [
        http_post(host, BATCH_PATH, headers, b"".join(
            json.dumps({"command": "place_order", **order_body(f"{tag}b{b}", i)}).encode()
            + b"\n"
            for i in range(lines)
        ))
        for b in range(batches)
    ]  # fmt: skip
    result = BatchResult()
    next_body = iter(bodies)
    clock = time.perf_counter

    async def one_connection() -> None:
        connection = await Connection.open(host, port)
        try:
            for raw in next_body:
                sent = clock()
                status, answer = await connection.request(raw)
                result.latencies.append(clock() - sent)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status == 200:
                    # Compact JSON today; with a space, as gateways before orjson wrote it.
                    result.lines_accepted += answer.count(b'"status":202')
                    result.lines_accepted += answer.count(b'"status": 202')
        finally:
            connection.close()

    started = clock()
    await asyncio.gather(*(one_connection() for _ in range(concurrency)))
    result.elapsed_s = clock() - started
    return result


def run_batches(settings: Settings, key: str, batches: int, lines: int, concurrency: int) -> None:
    # A warm-up batch, not counted.
    uvloop.run(_batches(settings, key, 1, lines, 1))
    meter = CpuMeter(settings)
    own_before = _own_cpu_s()
    meter.start()
    result = uvloop.run(_batches(settings, key, batches, lines, concurrency))
    cpu = meter.summary("this process", _own_cpu_s() - own_before)
    print(
        f"(3) NDJSON batches: {batches} x {lines:,} lines, {concurrency} in flight, "
        f"{result.elapsed_s:.1f} s: {result.lines_accepted / result.elapsed_s:,.0f} lines/s "
        f"accepted ({result.lines_accepted:,} of {batches * lines:,} lines 202); "
        f"HTTP statuses {dict(sorted(result.statuses.items()))}"
    )
    print(f"(3) batch latency (send to answer): {support.latency_summary(result.latencies)}")
    print(f"(3) {cpu}")


# --- the platform ----------------------------------------------------------------


@contextlib.contextmanager
def gateway_running(settings: Settings, workers: int) -> Iterator[str]:
    """The gateway with `workers` processes, started unless one runs already."""
    if processes.running_pid(settings.state_dir, platform.GATEWAY) is not None:
        yield "gateway (reused: its process count is what it was started with)"
        return
    platform.start_gateway(settings, workers)
    try:
        yield f"gateway ({workers} process(es))"
    finally:
        processes.stop(settings.state_dir, platform.GATEWAY)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20, help="(1) measured duration")
    parser.add_argument("--connections", type=int, default=16, help="(1) keep-alive connections")
    parser.add_argument("--rate", type=int, default=1000, help="(2) orders per second")
    parser.add_argument("--rate-seconds", type=int, default=15)
    parser.add_argument("--rate-connections", type=int, default=64)
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--batch-lines", type=int, default=5000)
    parser.add_argument("--batch-concurrency", type=int, default=2)
    parser.add_argument("--gateway-workers", type=int, default=1)
    parser.add_argument("--skip", default="", help="comma-separated: single, rate, batch")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))

    settings = support.bench_settings()
    print(support.machine_line())
    support.stop_on_sigterm()
    with (
        support.platform_running(settings, worker=False, projector=False, gateway=False) as infra,
        gateway_running(settings, args.gateway_workers) as gateway,
    ):
        print(f"{infra.describe()}; {gateway}; Python {sys.version.split()[0]}")
        key = support.bench_api_key(settings, "ingest")
        if "single" not in skip:
            run_closed_loop(settings, key, args.connections, args.seconds, args.gateway_workers)
        if "rate" not in skip:
            run_fixed_rate(settings, key, args.rate, args.rate_seconds, args.rate_connections)
        if "batch" not in skip:
            run_batches(settings, key, args.batches, args.batch_lines, args.batch_concurrency)


if __name__ == "__main__":
    main()
