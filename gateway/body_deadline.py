"""A pure ASGI middleware that bounds how long a request's body may take to arrive.

A client that opens a request and then sends its body slowly, or never,
would hold a connection and a handler for free. The body must have arrived
`timeout_s` after the request began; a receive still waiting then is a 408
(problem+json, Connection: close). Once the body is in, receives are left
alone: a streaming response waits on one for the client's disconnect.

One timer per request, started with it: it cancels the request's task if it
is still waiting for its body at the deadline (most bodies are in before the
handler asks, and a timeout context around every receive cost more).
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.problems import Problem


class BodyDeadline:
    def __init__(self, app: ASGIApp, timeout_s: float) -> None:
        self.app = app
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        task = asyncio.current_task()
        assert task is not None
        body_in = False
        receiving = False
        expired = False

        def expire() -> None:
            nonlocal expired
            if receiving and not body_in:
                expired = True
                task.cancel()

        timer = asyncio.get_running_loop().call_later(self.timeout_s, expire)

        async def timed_receive() -> Message:
            nonlocal body_in, receiving
            if body_in:
                return await receive()
            receiving = True
            try:
                message = await receive()
            except asyncio.CancelledError:
                if not expired or task.uncancel() > 0:
                    raise  # cancelled by someone else too
                raise Problem(
                    408,
                    "body-timeout",
                    f"the request body did not arrive within {self.timeout_s:g} s",
                    headers={"Connection": "close"},
                ) from None
            finally:
                receiving = False
            body_in = message["type"] != "http.request" or not message.get("more_body", False)
            if body_in:
                timer.cancel()
            return message

        try:
            await self.app(scope, timed_receive, send)
        finally:
            timer.cancel()
