"""The adapters one gateway process holds, opened by the app's lifespan.

This is the composition root: the only place the real Kafka producer and
Redis client are built. Handlers find it as `request.state.services`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

import redis.asyncio as aioredis
from starlette.requests import Request

from gateway.admission import WriteAdmission
from gateway.auth import ApiKey, ApiKeyStore, RateLimit, authenticate
from gateway.backlog import Backlog
from gateway.config import GatewayConfig
from gateway.domain import GatewayDomain, gateway_domains
from gateway.idempotency import IdempotencyStore
from gateway.metrics import GatewayMetrics
from gateway.producer import CommandProducer
from gateway.rate_limit import RateLimiter
from gateway.redis_pipeline import RedisPipeline
from infra.settings import Settings


@dataclass(frozen=True)
class Services:
    settings: Settings
    config: GatewayConfig
    producer: CommandProducer
    redis: aioredis.Redis
    scripts: RedisPipeline
    api_keys: ApiKeyStore
    rate_limiter: RateLimiter
    idempotency: IdempotencyStore
    admission: WriteAdmission
    backlog: Backlog
    # Each domain's live read model by domain name (`GatewayDomain.read_model`).
    read_models: Mapping[str, object]
    metrics: GatewayMetrics

    def read_model(self, domain: GatewayDomain) -> object:
        """The live read model `domain` declared, built when the services opened:
        a domain asks with its own descriptor, so no module spells its name."""
        return self.read_models[domain.name]


@contextlib.asynccontextmanager
async def open_services(
    settings: Settings, config: GatewayConfig, metrics: GatewayMetrics
) -> AsyncIterator[Services]:
    producer = CommandProducer(settings.kafka_bootstrap, config.delivery_timeout_ms)
    producer.start()
    # Requests wait (bounded) for a connection rather than fail at a full pool.
    pool = aioredis.BlockingConnectionPool.from_url(
        settings.redis_url,
        max_connections=config.redis_max_connections,
        timeout=config.redis_timeout_s,
        socket_connect_timeout=config.readiness_timeout_s,
        socket_timeout=config.redis_timeout_s,
        health_check_interval=30,
    )
    client = aioredis.Redis(connection_pool=pool)
    # The scripts every request runs, pipelined on one connection of their own.
    scripts = RedisPipeline(settings.redis_url, config.redis_timeout_s, config.readiness_timeout_s)
    rate_limiter = RateLimiter(
        scripts, settings.namespace, RateLimit(config.default_rate_per_minute, config.default_burst)
    )
    # A claim is held while any delivery report may still come.
    idempotency = IdempotencyStore(
        scripts,
        settings.namespace,
        config.idempotency_ttl_s,
        config.delivery_timeout_ms // 1000 + 30,
    )
    try:
        yield Services(
            settings=settings,
            config=config,
            producer=producer,
            redis=client,
            scripts=scripts,
            api_keys=ApiKeyStore(settings.api_keys_file),
            rate_limiter=rate_limiter,
            idempotency=idempotency,
            admission=WriteAdmission(scripts, rate_limiter, idempotency),
            backlog=Backlog(config.max_pending_records, config.unavailable_retry_after_s),
            read_models={
                domain.name: domain.read_model(client, settings.namespace)
                for domain in gateway_domains()
                if domain.read_model is not None
            },
            metrics=metrics,
        )
    finally:
        await scripts.aclose()
        await client.aclose()
        await pool.aclose()
        # close() flushes what is still queued: off the loop, it may take seconds.
        await asyncio.to_thread(producer.close)


async def admitted(request: Request, scope: str) -> tuple[Services, ApiKey]:
    """The services and the caller's key, once the key grants `scope` (else
    401 or 403) and is within its rate limit (else 429)."""
    services: Services = request.state.services
    key = authenticate(request, services.api_keys, scope)
    await services.rate_limiter.enforce(key)
    return services, key
