"""The whole exchange pipeline through Kafka, exactly once: throughput and latency.

(a) Sustained throughput: N limit orders (mixed buy/sell on a few symbols,
    crossing often) are encoded up front, then produced straight to
    exchange.commands as fast as librdkafka takes them. The clock stops when
    every order has its outcome on the log, read with a read_committed
    consumer: a CommandRejected on exchange.accounts, or matching's facts for
    it on exchange.market (rested, traded as the taker, expired or rejected;
    matching commits one order's facts in one transaction, so one seen means
    all committed). That is two exactly-once stages, each committing a Kafka
    transaction per batch.

(b) Latency at a fixed rate (default 1,000 orders/s for 20 s) through the HTTP
    gateway: POST /v1/exchange/orders, clock from the 202 to the moment the
    projector publishes the fact on the symbol's Redis pub/sub channel (it
    publishes in the same Lua script that makes the fact visible in Redis).
    Reported for orders that traded as the taker (trade visible), and for
    every order's first market fact. A separate process listens to Redis so
    the sender's event loop does not delay the timestamps.

Starts whatever of the platform is not already running (Kafka, Redis, one
Faust worker, the projector, the gateway) with the benchmark's own ports and
state folder (bench/support.py; ONELOG_* variables override), and stops only
what it started. Run with nothing else of yours on those ports.

    python -m bench.pipeline [--orders N] [--rate R] [--seconds S] [--skip-latency]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import random
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event as EventType
from typing import Any

import httpx
import redis

from bench import support
from infra.settings import Settings
from projections import exchange_keys
from schemas import exchange as ex
from schemas.ulid import new_ulid

MID = 10_000  # cents
CASH_PER_ACCOUNT = 10**13  # cents: no order is refused for want of cash
SHARES_PER_SYMBOL = 10**9  # nor for want of shares (no short selling)
MAX_IN_FLIGHT = 200
QUIET_SECONDS = 5.0  # no market fact for this long: every order is through


@dataclass(frozen=True)
class Market:
    tag: str
    symbols: list[str]
    accounts: list[str]


def new_market(symbol_count: int, account_count: int) -> Market:
    tag = support.run_tag()
    return Market(
        tag,
        [f"P{tag}{i}" for i in range(symbol_count)],
        [f"bench-{tag}-{i}" for i in range(account_count)],
    )


def prepare_market(settings: Settings, market: Market) -> None:
    listed = support.list_symbols(settings, market.symbols)
    print(f"listed {len(market.symbols)} symbols in {listed:.1f} s")
    funded = support.fund_accounts(
        settings, market.accounts, market.symbols, CASH_PER_ACCOUNT, SHARES_PER_SYMBOL
    )
    print(f"funded {len(market.accounts)} accounts (cash and shares) in {funded:.1f} s")


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


# --- (a) sustained throughput -------------------------------------------------


def encoded_orders(
    market: Market, count: int, seed: int
) -> list[tuple[str, tuple[str, bytes, bytes]]]:
    rng = random.Random(seed)
    orders = []
    for i in range(count):
        order_id = new_ulid(int(time.time() * 1000))
        fields = random_order(rng, market)
        record = support.command(ex.PlaceOrder, order_id=order_id,
                                 client_order_id=f"{market.tag}-{i}", **fields)  # fmt: skip
        orders.append((order_id, support.encoded(record)))
    return orders


def order_of_fact(model: type, fields: dict[str, Any]) -> str | None:
    """The order a fact closes the first pass of: the taker, for a trade."""
    order_id: str | None
    if model is ex.TradeExecuted:
        order_id = fields["buy_order_id" if fields["aggressor_side"] == "buy" else "sell_order_id"]
    else:
        order_id = fields.get("order_id")
    return order_id


@dataclass(frozen=True)
class ThroughputResult:
    orders: int
    produce_seconds: float
    total_seconds: float
    middle_rate: float
    outcomes: dict[str, int]


def measure_throughput(
    settings: Settings, market: Market, count: int, seed: int
) -> ThroughputResult:
    orders = encoded_orders(market, count, seed)
    follower = support.FactFollower(
        settings.kafka_bootstrap,
        ["exchange.market", "exchange.accounts"],
        [ex.OrderRested, ex.TradeExecuted, ex.OrderExpired, ex.OrderRejected,
         ex.CommandRejected],
    )  # fmt: skip
    producer = support.CommandProducer(settings.kafka_bootstrap)
    pending = {order_id for order_id, _ in orders}
    outcomes: dict[str, int] = {}
    progress: list[tuple[float, int]] = []  # (seconds since start, orders done)

    start = time.monotonic()
    for i, (_, message) in enumerate(orders):
        producer.send_encoded(*message)
        if i % 1000 == 0:
            producer.poll()
            _collect(follower, pending, outcomes, timeout=0)
    producer.flush()
    produced = time.monotonic() - start
    deadline = start + 60 + count / 100  # well past any plausible rate
    while pending and time.monotonic() < deadline:
        _collect(follower, pending, outcomes, timeout=0.2)
        progress.append((time.monotonic() - start, count - len(pending)))
    total = time.monotonic() - start
    follower.close()
    if pending:
        raise SystemExit(f"{len(pending):,} of {count:,} orders had no outcome after {total:.0f} s")
    return ThroughputResult(count, produced, total, _middle_rate(progress, count), outcomes)


def _collect(
    follower: support.FactFollower, pending: set[str], outcomes: dict[str, int], timeout: float
) -> None:
    for model, fields in follower.poll(timeout):
        name = model.__name__
        outcomes[name] = outcomes.get(name, 0) + 1
        order_id = order_of_fact(model, fields)
        if order_id is not None:
            pending.discard(order_id)


def _middle_rate(progress: list[tuple[float, int]], count: int) -> float:
    """Orders/s between 10% and 90% done: the steady state, without the ramp-up
    (workers fetching the first batch) and the tail (last commit interval)."""
    low = next(t for t, done in progress if done >= count * 0.1)
    high = next(t for t, done in progress if done >= count * 0.9)
    return count * 0.8 / max(high - low, 1e-9)


# --- (b) latency through the gateway at a fixed rate ---------------------------


def listen_to_market(
    redis_url: str,
    channels: list[str],
    ready: EventType,
    stop: EventType,
    last_seen: Any,
    out: Connection,
) -> None:
    """Child process: note when each order's first fact, and its first trade
    as the taker, appear on the market channels (monotonic clock, shared by
    every process on Linux)."""
    client = redis.Redis.from_url(redis_url)
    # redis-py leaves Redis.pubsub unannotated; it returns a PubSub.
    pubsub: redis.client.PubSub = client.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
    pubsub.subscribe(*channels)
    ready.set()
    first_fact: dict[str, float] = {}
    first_trade: dict[str, float] = {}
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
            first_trade.setdefault(taker, seen)
            first_fact.setdefault(taker, seen)
        elif "order_id" in event:
            first_fact.setdefault(event["order_id"], seen)
    pubsub.close()
    client.close()
    out.send((first_fact, first_trade))
    out.close()


@dataclass
class SendLog:
    accepted: dict[str, float]  # order id -> monotonic time of the 202
    failures: dict[int, int]  # status -> count
    late_starts: int = 0  # requests started more than 10 ms behind schedule


async def send_at_rate(
    settings: Settings, api_key: str, market: Market, rate: float, seconds: float, seed: int
) -> tuple[SendLog, float]:
    """Open loop: request i is due at i/rate whatever earlier ones are doing,
    with at most MAX_IN_FLIGHT outstanding (httpx's pool slows down badly
    with thousands of queued requests); a request that waits for a slot
    starts late, and is counted."""
    rng = random.Random(seed)
    total = int(rate * seconds)
    log = SendLog({}, {})
    slots = asyncio.Semaphore(MAX_IN_FLIGHT)
    limits = httpx.Limits(max_connections=MAX_IN_FLIGHT, max_keepalive_connections=MAX_IN_FLIGHT)
    headers = {"Authorization": f"Bearer {api_key}"}
    async with httpx.AsyncClient(
        base_url=settings.gateway_url, limits=limits, headers=headers, timeout=60
    ) as client:
        tasks = []
        start = time.monotonic()
        for i in range(total):
            due = start + i / rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            await slots.acquire()
            if time.monotonic() - due > 0.01:
                log.late_starts += 1
            body = _http_order(rng, market, i)
            tasks.append(asyncio.create_task(_place(client, body, log, slots)))
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - start
    return log, elapsed


def _http_order(rng: random.Random, market: Market, i: int) -> dict[str, Any]:
    fields = random_order(rng, market)
    return {
        "account_id": fields["account_id"],
        "client_order_id": f"{market.tag}-h{i}",
        "symbol": fields["symbol"],
        "side": fields["side"],
        "type": "limit",
        "time_in_force": fields["time_in_force"],
        "quantity": fields["quantity"],
        "price": fields["price"],
    }


async def _place(
    client: httpx.AsyncClient, body: dict[str, Any], log: SendLog, slots: asyncio.Semaphore
) -> None:
    try:
        response = await client.post("/v1/exchange/orders", json=body)
    finally:
        slots.release()
    answered = time.monotonic()
    if response.status_code == 202:
        log.accepted[response.json()["order_id"]] = answered
    else:
        log.failures[response.status_code] = log.failures.get(response.status_code, 0) + 1


def measure_latency(settings: Settings, market: Market, rate: float, seconds: float,
                    seed: int) -> None:  # fmt: skip
    api_key = support.bench_api_key(settings, "pipeline")
    channels = [f"{settings.namespace}:{exchange_keys.market_channel(s)}" for s in market.symbols]
    # spawn, not fork: the parent holds librdkafka threads, and a forked
    # child can inherit one of their locks held.
    context = mp.get_context("spawn")
    ready, stop = context.Event(), context.Event()
    last_seen = context.Value("d", time.monotonic())
    receive, send = context.Pipe(duplex=False)
    listener = context.Process(
        target=listen_to_market,
        args=(settings.redis_url, channels, ready, stop, last_seen, send),
    )
    listener.start()
    ready.wait(30)
    log, elapsed = asyncio.run(send_at_rate(settings, api_key, market, rate, seconds, seed))
    # A saturated pipeline drains its backlog after the last 202: wait for
    # the facts to stop coming.
    give_up = time.monotonic() + 900
    while time.monotonic() - last_seen.value < QUIET_SECONDS and time.monotonic() < give_up:
        time.sleep(0.5)
    stop.set()
    first_fact, first_trade = receive.recv()
    listener.join(10)

    sent = len(log.accepted) + sum(log.failures.values())
    print(f"(b) {sent:,} orders answered in {elapsed:.1f} s = {sent / elapsed:,.0f} orders/s "
          f"(target {rate:,.0f}/s for {seconds:.0f} s; {log.late_starts:,} started >10 ms "
          f"late; non-202: {log.failures or 'none'})")  # fmt: skip
    trade_latency = [first_trade[o] - t for o, t in log.accepted.items() if o in first_trade]
    fact_latency = [first_fact[o] - t for o, t in log.accepted.items() if o in first_fact]
    unseen = sum(1 for o in log.accepted if o not in first_fact)
    print(f"(b) 202 -> trade in Redis (taker orders): {support.latency_summary(trade_latency)}")
    print(f"(b) 202 -> first market fact in Redis: {support.latency_summary(fact_latency)}")
    print(f"(b) accepted orders with no market fact seen: {unseen:,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000, help="orders for (a)")
    parser.add_argument("--symbols", type=int, default=4)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--rate", type=float, default=1000.0, help="orders/s for (b)")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of (b)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args()

    settings = support.bench_settings()
    print(support.machine_line())
    support.stop_on_sigterm()
    interval = os.environ.get("ONELOG_COMMIT_INTERVAL", "0.1")
    print(f"commit interval ONELOG_COMMIT_INTERVAL={interval} s, "
          f"{settings.partitions} partitions, 1 Faust worker")  # fmt: skip
    with support.platform_running(settings, gateway=not args.skip_latency) as running:
        print(running.describe())
        market = new_market(args.symbols, args.accounts)
        prepare_market(settings, market)
        if not args.skip_throughput:
            result = measure_throughput(settings, market, args.orders, args.seed)
            outcomes = ", ".join(f"{k} {v:,}" for k, v in sorted(result.outcomes.items()))
            print(
                f"(a) {result.orders:,} orders produced in {result.produce_seconds:.1f} s, "
                f"all outcomes committed after {result.total_seconds:.1f} s"
            )
            print(
                f"(a) throughput: {result.orders / result.total_seconds:,.0f} orders/s overall, "
                f"{result.middle_rate:,.0f} orders/s between 10% and 90% done"
            )
            print(f"(a) facts seen: {outcomes}")
        if not args.skip_latency:
            support.require_alive(settings, ["worker-1", "projector", "gateway"])
            measure_latency(settings, market, args.rate, args.seconds, args.seed + 1)


if __name__ == "__main__":
    main()
