"""The gateway's producer against the real broker: every record acknowledged
and settled once, and delivery reports reach the event loop in batches."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from gateway.config import GatewayConfig
from gateway.producer import CommandProducer, Delivery
from infra.settings import Settings
from schemas.exchange.topics import EXCHANGE_COMMANDS

pytestmark = pytest.mark.integration

RECORDS = 2000


async def test_a_burst_is_acknowledged_with_few_wake_ups_of_the_loop(
    infrastructure: Settings,
) -> None:
    loop = asyncio.get_running_loop()
    wake_ups = 0
    real_call_soon_threadsafe = loop.call_soon_threadsafe

    def counting(callback: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal wake_ups
        wake_ups += 1
        return real_call_soon_threadsafe(callback, *args, **kwargs)

    producer = CommandProducer(infrastructure.kafka_bootstrap, GatewayConfig().delivery_timeout_ms)
    producer.start()
    loop.call_soon_threadsafe = counting  # type: ignore[method-assign,assignment]
    try:
        key = "burst-" + uuid.uuid4().hex
        deliveries = await asyncio.gather(
            *(producer.send(EXCHANGE_COMMANDS.name, key, b"x" * 100) for _ in range(RECORDS))
        )
    finally:
        loop.call_soon_threadsafe = real_call_soon_threadsafe  # type: ignore[method-assign]
        await asyncio.to_thread(producer.close)
    assert all(isinstance(d, Delivery) for d in deliveries)
    # One key, one partition: consecutive offsets, each record once.
    offsets = sorted(d.offset for d in deliveries)
    assert len({d.partition for d in deliveries}) == 1
    assert offsets == list(range(offsets[0], offsets[0] + RECORDS))
    # A poll serves the reports of a whole produce request at once: the loop
    # is woken per poll, not per record.
    assert wake_ups <= RECORDS // 20, wake_ups
