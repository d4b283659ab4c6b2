"""The whole exchange pipeline through Kafka, exactly once: throughput and latency.

(a) Throughput, produced straight to exchange.commands: N limit orders
    (buy/sell at random around a mid, about half crossing, one in ten IOC;
    200 pre-funded accounts) encoded up front, then produced as fast as
    librdkafka takes them, on 1 symbol and on 4. The clock stops when every
    order has its outcome on the log, read with a read_committed consumer: a
    CommandRejected, or matching's first fact for it (rested, traded as the
    taker, expired or rejected). That is both deciding stages, each
    committing a Kafka transaction per batch.
(b) Throughput through the gateway's NDJSON batch route: the same kind of
    orders in batches of L lines, 2 batches in flight; the clock runs from
    the first request to the last outcome.
(c) Latency at a fixed rate (default 1,000 orders/s for 20 s), produced
    straight to exchange.commands: from Kafka's ack of an order to (1) the
    account stage's OrderAccepted committed on exchange.orders, (2)
    matching's first fact committed on exchange.market, and (3) the
    projector publishing that fact on the symbol's Redis channel (in the
    same Lua script that makes it visible). (1) and (2) are the stages'
    share; (3) minus (2) is the projector's.
(d) The same through single-order HTTP (POST /v1/exchange/orders), from the 202.

Separate processes watch Kafka and Redis, so the senders' loops do not delay
the timestamps (time.monotonic is one clock for every process on Linux).

Starts whatever of the platform is not already running (Kafka, Redis, one
Faust worker, the projector, the gateway) with the benchmark's own ports and
state folder (bench/support.py; ONELOG_* variables override, e.g.
ONELOG_STAGE_BATCH_MAX), and stops only what it started.

    python -m bench.pipeline [--orders N] [--rate R] [--seconds S]
                             [--skip straight,ndjson,latency,http]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event as EventType
from typing import Any

import httpx
import redis
from confluent_kafka import Producer

from bench import support
from bench.http_ingest import Connection as HttpConnection
from bench.http_ingest import http_post
from infra.partitioning import LIBRDKAFKA_PARTITIONER
from infra.settings import Settings
from projections.exchange import keys as exchange_keys
from schemas import exchange as ex
from schemas.ulid import new_ulid

MID = 10_000  # cents
CASH_PER_ACCOUNT = 10**13  # cents: no order is refused for want of cash
SHARES_PER_SYMBOL = 10**9  # nor for want of shares (no short selling)
HTTP_IN_FLIGHT = 64
BATCHES_IN_FLIGHT = 2
QUIET_SECONDS = 5.0  # no new fact for this long: every order is through
OUTCOMES = (ex.OrderRested, ex.TradeExecuted, ex.OrderExpired, ex.OrderRejected, ex.CommandRejected)


@dataclass(frozen=True)
class Market:
    tag: str
    symbols: list[str]
    accounts: list[str]


def new_market(settings: Settings, symbol_count: int, account_count: int) -> Market:
    """Fresh symbols and accounts, listed and funded (printed: how long that took)."""
    tag = support.run_tag()
    market = Market(
        tag,
        [f"P{tag}{i}" for i in range(symbol_count)],
        [f"bench-{tag}-{i}" for i in range(account_count)],
    )
    listed = support.list_symbols(settings, market.symbols)
    funded = support.fund_accounts(
        settings, market.accounts, market.symbols, CASH_PER_ACCOUNT, SHARES_PER_SYMBOL
    )
    print(f"  market {tag}: {symbol_count} symbols listed in {listed:.1f} s, "
          f"{account_count} accounts funded in {funded:.1f} s")  # fmt: skip
    return market


def wait_for_projector(settings: Settings, market: Market, quiet_s: float = 3.0) -> None:
    """Until the projector shows the market's listings and balances, and has
    published nothing on any market channel for `quiet_s`: a latency run
    measures the pipeline, not the projector's backlog of earlier runs."""
    client = redis.Redis.from_url(settings.redis_url)
    keys = [exchange_keys.market(s) for s in market.symbols]
    keys += [exchange_keys.balances(a) for a in market.accounts]
    keys = [f"{settings.namespace}:{k}" for k in keys]
    # redis-py leaves Redis.pubsub unannotated; it returns a PubSub.
    feeds: redis.client.PubSub = client.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
    feeds.psubscribe(f"{settings.namespace}:{exchange_keys.market_channel('*')}")
    start = last = time.monotonic()

    def idle() -> bool:
        nonlocal last
        try:
            while feeds.get_message(timeout=0.1) is not None:
                last = time.monotonic()
        except redis.TimeoutError:  # a message still arriving in pieces: busy
            last = time.monotonic()
            return False
        return time.monotonic() - last > quiet_s and client.exists(*keys) == len(keys)

    try:
        support.wait_until(idle, 900, "the projector")
    finally:
        feeds.close()
        client.close()
    print(f"  the projector caught up in {time.monotonic() - start:.1f} s")


def random_order(rng: random.Random, market: Market) -> dict[str, Any]:
    """A limit order around the mid: about half cross it, one in ten is IOC."""
    side = "buy" if rng.random() < 0.5 else "sell"
    offset = rng.randint(-10, 10)  # negative: priced through the mid, likely to trade
    return {
        "account_id": rng.choice(market.accounts),
        "symbol": rng.choice(market.symbols),
        "side": side,
        "order_type": "limit",
        "time_in_force": "IOC" if rng.random() < 0.1 else "GTC",
        "quantity": rng.randint(1, 100),
        "price": MID - offset if side == "buy" else MID + offset,
    }


def http_order(fields: dict[str, Any], client_order_id: str) -> dict[str, Any]:
    """The same order as the HTTP API takes it."""
    body = {k: v for k, v in fields.items() if k != "order_type"}
    return {**body, "type": fields["order_type"], "client_order_id": client_order_id}


def order_of_fact(model: type, fields: dict[str, Any]) -> str | None:
    """The order a fact is the outcome of: the taker, for a trade."""
    if model is ex.TradeExecuted:
        taker: str = fields[
            "buy_order_id" if fields["aggressor_side"] == "buy" else "sell_order_id"
        ]
        return taker
    order_id: str | None = fields.get("order_id")
    return order_id


def _encoded_order(
    rng: random.Random, market: Market, client_order_id: str
) -> tuple[str, tuple[str, bytes, bytes]]:
    """(order id, (topic, key, value)) of a random order as the gateway writes it."""
    order_id = new_ulid(int(time.time() * 1000))
    record = support.command(ex.PlaceOrder, order_id=order_id, client_order_id=client_order_id,
                             **random_order(rng, market))  # fmt: skip
    return order_id, support.encoded(record)


# --- throughput -----------------------------------------------------------------


@dataclass
class Outcomes:
    """Watches the log until every awaited order has its outcome."""

    settings: Settings
    pending: set[str] = field(default_factory=set)
    seen: dict[str, int] = field(default_factory=dict)
    progress: list[tuple[float, int]] = field(default_factory=list)  # (s since start, done)

    def __post_init__(self) -> None:
        self._follower = support.FactFollower(
            self.settings.kafka_bootstrap, ["exchange.market", "exchange.accounts"], OUTCOMES
        )
        self.awaited = 0

    def expect(self, order_ids: Sequence[str]) -> None:
        self.pending.update(order_ids)
        self.awaited += len(order_ids)

    def collect(self, timeout: float, start: float) -> None:
        for model, fields in self._follower.poll(timeout):
            self.seen[model.__name__] = self.seen.get(model.__name__, 0) + 1
            order_id = order_of_fact(model, fields)
            if order_id is not None:
                self.pending.discard(order_id)
        self.progress.append((time.monotonic() - start, self.awaited - len(self.pending)))

    def wait(self, start: float, deadline: float) -> float:
        while self.pending and time.monotonic() < deadline:
            self.collect(0.2, start)
        self._follower.close()
        if self.pending:
            raise SystemExit(f"{len(self.pending):,} orders had no outcome in time")
        return time.monotonic() - start

    def middle_rate(self) -> float:
        """Orders/s between 10% and 90% done: the steady state, without the
        ramp-up and the tail (the last batches' commits)."""
        count = self.awaited
        low = next(t for t, done in self.progress if done >= count * 0.1)
        high = next(t for t, done in self.progress if done >= count * 0.9)
        return count * 0.8 / max(high - low, 1e-9)

    def report(self, label: str, count: int, elapsed: float, sent: float) -> None:
        facts = ", ".join(f"{k} {v:,}" for k, v in sorted(self.seen.items()))
        print(f"{label}: {count:,} orders sent in {sent:.1f} s, every outcome committed after "
              f"{elapsed:.1f} s: {count / elapsed:,.0f} orders/s overall, "
              f"{self.middle_rate():,.0f} orders/s between 10% and 90% done ({facts})")  # fmt: skip


def throughput_straight(settings: Settings, market: Market, count: int, seed: int) -> None:
    rng = random.Random(seed)
    orders = [_encoded_order(rng, market, f"{market.tag}-{i}") for i in range(count)]
    outcomes = Outcomes(settings)
    outcomes.expect([order_id for order_id, _ in orders])
    producer = support.CommandProducer(settings.kafka_bootstrap)
    start = time.monotonic()
    for i, (_, message) in enumerate(orders):
        producer.send_encoded(*message)
        if i % 1000 == 0:
            producer.poll()
            outcomes.collect(0, start)
    producer.flush()
    sent = time.monotonic() - start
    elapsed = outcomes.wait(start, start + 60 + count / 100)
    label = f"(a) straight to the topic, {len(market.symbols)} symbol(s)"
    outcomes.report(label, count, elapsed, sent)


def throughput_ndjson(
    settings: Settings, api_key: str, market: Market, count: int, lines: int, seed: int
) -> None:
    rng = random.Random(seed)
    bodies = []
    for b in range(0, count, lines):
        rows = [
            json.dumps({"command": "place_order",
                        **http_order(random_order(rng, market), f"{market.tag}-n{b + i}")})
            for i in range(min(lines, count - b))
        ]  # fmt: skip
        bodies.append(("\n".join(rows) + "\n").encode())
    outcomes = Outcomes(settings)
    start = time.monotonic()
    refused = asyncio.run(_post_batches(settings, api_key, bodies, outcomes))
    sent = time.monotonic() - start
    if refused:
        print(f"(b) {refused:,} lines were not accepted (not 202)")
    elapsed = outcomes.wait(start, start + 60 + count / 100)
    outcomes.report(f"(b) NDJSON batches of {lines:,} lines", outcomes.awaited, elapsed, sent)


async def _post_batches(
    settings: Settings, api_key: str, bodies: list[bytes], outcomes: Outcomes
) -> int:
    headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/x-ndjson"}
    queue = iter(bodies)
    refused = 0

    async def one_at_a_time(client: httpx.AsyncClient) -> None:
        nonlocal refused
        for body in queue:
            response = await client.post("/v1/exchange/batch", content=body)
            answers = [json.loads(line) for line in response.text.splitlines() if line]
            accepted = [a["order_id"] for a in answers if a.get("status") == 202]
            refused += body.count(b"\n") - len(accepted)
            outcomes.expect(accepted)

    async with httpx.AsyncClient(base_url=settings.gateway_url, headers=headers,
                                 timeout=120) as client:  # fmt: skip
        await asyncio.gather(*(one_at_a_time(client) for _ in range(BATCHES_IN_FLIGHT)))
    return refused


# --- latency at a fixed rate ----------------------------------------------------------


def follow_kafka(
    bootstrap: str, ready: EventType, stop: EventType, last_seen: Any, out: Connection
) -> None:
    """Child process: when each order's OrderAccepted (account stage) and
    first market fact (matching) become readable to read_committed readers."""
    follower = support.FactFollower(
        bootstrap, ["exchange.orders", "exchange.market"], (ex.OrderAccepted, *OUTCOMES)
    )
    ready.set()
    accepted: dict[str, float] = {}
    matched: dict[str, float] = {}
    while not stop.is_set():
        facts = follower.poll(0.05)
        seen = time.monotonic()
        for model, fields in facts:
            last_seen.value = seen
            order_id = order_of_fact(model, fields)
            if order_id is None:
                continue
            (accepted if model is ex.OrderAccepted else matched).setdefault(order_id, seen)
    follower.close()
    out.send((accepted, matched))
    out.close()


def follow_redis(
    redis_url: str,
    channels: list[str],
    ready: EventType,
    stop: EventType,
    last_seen: Any,
    out: Connection,
) -> None:
    """Child process: when each order's first fact is published in Redis."""
    client = redis.Redis.from_url(redis_url)
    # redis-py leaves Redis.pubsub unannotated; it returns a PubSub.
    pubsub: redis.client.PubSub = client.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
    pubsub.subscribe(*channels)
    ready.set()
    visible: dict[str, float] = {}
    while not stop.is_set():
        message = pubsub.get_message(timeout=0.1)
        if message is None:
            continue
        seen = time.monotonic()
        last_seen.value = seen
        fact = json.loads(message["data"])
        event = fact["event"]
        if fact["type"] == "TradeExecuted":
            taker = event["buy_order_id" if event["aggressor_side"] == "buy" else "sell_order_id"]
            visible.setdefault(taker, seen)
        elif "order_id" in event:
            visible.setdefault(event["order_id"], seen)
    pubsub.close()
    client.close()
    out.send(visible)
    out.close()


@dataclass
class Watchers:
    """The two watching processes, started before the orders and stopped
    once the facts stop coming."""

    settings: Settings
    market: Market

    def __enter__(self) -> Watchers:
        # spawn, not fork: the parent holds librdkafka threads, and a forked
        # child can inherit one of their locks held.
        context = mp.get_context("spawn")
        self._stop = context.Event()
        self._last_seen = context.Value("d", time.monotonic())
        channels = [
            f"{self.settings.namespace}:{exchange_keys.market_channel(s)}"
            for s in self.market.symbols
        ]
        self._pipes = []
        self._processes = []
        for target, args in (
            (follow_kafka, (self.settings.kafka_bootstrap,)),
            (follow_redis, (self.settings.redis_url, channels)),
        ):
            ready = context.Event()
            receive, send = context.Pipe(duplex=False)
            process = context.Process(
                target=target, args=(*args, ready, self._stop, self._last_seen, send)
            )
            process.start()
            ready.wait(60)
            self._pipes.append(receive)
            self._processes.append(process)
        return self

    def finish(self) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
        """(accepted, matched, visible) times by order id, once quiet."""
        give_up = time.monotonic() + 600
        while time.monotonic() - self._last_seen.value < QUIET_SECONDS:
            if time.monotonic() > give_up:
                break
            time.sleep(0.5)
        self._stop.set()
        accepted, matched = self._pipes[0].recv()
        visible = self._pipes[1].recv()
        return accepted, matched, visible

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for process in self._processes:
            process.join(30)


def report_latency(label: str, sent: dict[str, float], watchers: Watchers) -> None:
    accepted, matched, visible = watchers.finish()

    def legs(of: dict[str, float], since: dict[str, float]) -> list[float]:
        return [of[o] - since[o] for o in since if o in of]

    print(f"{label}: ack -> OrderAccepted committed (account stage): "
          f"{support.latency_summary(legs(accepted, sent))}")  # fmt: skip
    print(f"{label}: ack -> first market fact committed (+ matching): "
          f"{support.latency_summary(legs(matched, sent))}")  # fmt: skip
    print(f"{label}: ack -> visible in Redis (+ projector): "
          f"{support.latency_summary(legs(visible, sent))}")  # fmt: skip
    print(f"{label}: projector alone (market fact committed -> visible): "
          f"{support.latency_summary(legs(visible, matched))}")  # fmt: skip
    unseen = sum(1 for o in sent if o not in visible)
    print(f"{label}: {len(sent):,} orders acknowledged, {unseen:,} never seen in Redis")


def latency_straight(settings: Settings, market: Market, rate: float, seconds: float,
                     seed: int) -> None:  # fmt: skip
    rng = random.Random(seed)
    total = int(rate * seconds)
    records = [_encoded_order(rng, market, f"{market.tag}-l{i}") for i in range(total)]
    # The gateway's producer settings (acks=all, idempotent, linger 1 ms): one
    # order at a time, as a gateway would send it.
    producer = Producer({"bootstrap.servers": settings.kafka_bootstrap, "acks": "all",
                         "enable.idempotence": True, "partitioner": LIBRDKAFKA_PARTITIONER,
                         "linger.ms": 1})  # fmt: skip
    acked: dict[str, float] = {}

    def on_ack(order_id: str) -> Callable[[Any, Any], None]:
        def ack(err: Any, msg: Any) -> None:
            if err is None:
                acked[order_id] = time.monotonic()

        return ack

    with Watchers(settings, market) as watchers:
        start = time.monotonic()
        late = 0
        for i, (order_id, (topic, key, value)) in enumerate(records):
            due = start + i / rate
            while (now := time.monotonic()) < due:
                producer.poll(min(due - now, 0.001))
            late += now - due > 0.01
            producer.produce(topic, value, key, on_delivery=on_ack(order_id))
            producer.poll(0)
        producer.flush(60)
        elapsed = time.monotonic() - start
        print(f"(c) {total:,} orders produced in {elapsed:.1f} s (target {rate:,.0f}/s; "
              f"{late:,} sent >10 ms late)")  # fmt: skip
        report_latency("(c) straight", acked, watchers)


def latency_http(settings: Settings, market: Market, rate: float, seconds: float,
                 seed: int) -> None:  # fmt: skip
    api_key = support.bench_api_key(settings, "pipeline")
    with Watchers(settings, market) as watchers:
        answered, failures, late, elapsed = asyncio.run(
            _send_http(settings, api_key, market, rate, seconds, seed)
        )
        requests = len(answered) + sum(failures.values())
        print(f"(d) {requests:,} requests answered in {elapsed:.1f} s (target {rate:,.0f}/s; "
              f"{late:,} started >10 ms late; non-202: {failures or 'none'})")  # fmt: skip
        report_latency("(d) HTTP", answered, watchers)


async def _send_http(
    settings: Settings, api_key: str, market: Market, rate: float, seconds: float, seed: int
) -> tuple[dict[str, float], dict[int, int], int, float]:
    """Open loop: request i is due at i/rate whatever earlier ones are doing,
    on one of HTTP_IN_FLIGHT keep-alive connections of a lean client
    (bench/http_ingest.py; httpx's own CPU held the rate near 90 requests/s
    and stamped its 202s late); a request that waits for a connection starts
    late, and is counted."""
    rng = random.Random(seed)
    answered: dict[str, float] = {}
    failures: dict[int, int] = {}
    host, port = settings.gateway_host, settings.gateway_port
    headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}
    requests = [
        http_post(host, "/v1/exchange/orders", headers,
                  json.dumps(http_order(random_order(rng, market), f"{market.tag}-h{i}")).encode())
        for i in range(int(rate * seconds))
    ]  # fmt: skip
    idle: asyncio.Queue[HttpConnection] = asyncio.Queue()
    for _ in range(HTTP_IN_FLIGHT):
        idle.put_nowait(await HttpConnection.open(host, port))
    late = 0

    async def place(raw: bytes) -> None:
        connection = await idle.get()
        try:
            status, body = await connection.request(raw)
        finally:
            idle.put_nowait(connection)
        if status == 202:
            answered[json.loads(body)["order_id"]] = time.monotonic()
        else:
            failures[status] = failures.get(status, 0) + 1

    tasks = []
    start = time.monotonic()
    for i, raw in enumerate(requests):
        due = start + i / rate
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        late += time.monotonic() - due > 0.01 or idle.empty()
        tasks.append(asyncio.create_task(place(raw)))
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - start
    while not idle.empty():
        idle.get_nowait().close()
    return answered, failures, late, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=20_000, help="orders per throughput run")
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--batch-lines", type=int, default=5_000, help="lines per NDJSON batch")
    parser.add_argument("--rate", type=float, default=1000.0, help="orders/s for (c) and (d)")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of (c) and (d)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--skip", default="", help="comma-separated: straight, ndjson, latency, http"
    )
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))

    settings = support.bench_settings()
    print(support.machine_line())
    support.stop_on_sigterm()
    print(f"{settings.partitions} partitions, 1 worker; stage batches of at most "
          f"{settings.stage_batch_max:,} records, "
          f"batch wait {settings.stage_batch_wait_ms} ms")  # fmt: skip
    needs_gateway = not {"ndjson", "http"} <= skip
    needs_projector = not {"latency", "http"} <= skip
    with support.platform_running(
        settings, projector=needs_projector, gateway=needs_gateway
    ) as running:
        print(running.describe())
        if "straight" not in skip:
            for symbols in (1, 4):
                market = new_market(settings, symbols, args.accounts)
                throughput_straight(settings, market, args.orders, args.seed)
        if "ndjson" not in skip:
            market = new_market(settings, 4, args.accounts)
            key = support.bench_api_key(settings, "pipeline")
            throughput_ndjson(settings, key, market, args.orders, args.batch_lines, args.seed)
        if "latency" not in skip:
            market = new_market(settings, 4, args.accounts)
            wait_for_projector(settings, market)
            latency_straight(settings, market, args.rate, args.seconds, args.seed)
        if "http" not in skip:
            market = new_market(settings, 4, args.accounts)
            wait_for_projector(settings, market)
            latency_http(settings, market, args.rate, args.seconds, args.seed)


if __name__ == "__main__":
    main()
