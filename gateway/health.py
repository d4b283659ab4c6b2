"""/healthz (the process answers) and /readyz (it can do its job: Kafka and Redis reachable).

/readyz names the gateway process that answered (a random id drawn when its
app was made), so whoever starts several on one port can tell when each of
them is ready (onelog/platform.py).
"""

from __future__ import annotations

import asyncio

from redis.exceptions import RedisError
from starlette.requests import Request
from starlette.responses import Response

from gateway.json_response import JSONResponse
from gateway.services import Services


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    services: Services = request.state.services
    timeout = services.config.readiness_timeout_s
    kafka, redis = await asyncio.gather(
        asyncio.to_thread(services.producer.reachable, timeout), _redis_reachable(services, timeout)
    )
    checks = {"kafka": "ok" if kafka else "unreachable", "redis": "ok" if redis else "unreachable"}
    ready = kafka and redis
    return JSONResponse(
        {
            "status": "ready" if ready else "not ready",
            "checks": checks,
            "process": request.app.state.process,
        },
        200 if ready else 503,
        headers={} if ready else {"Retry-After": str(services.config.unavailable_retry_after_s)},
    )


async def _redis_reachable(services: Services, timeout: float) -> bool:
    try:
        return bool(await asyncio.wait_for(services.redis.ping(), timeout))
    except (RedisError, OSError, TimeoutError):
        return False
