"""GET /readyz on a worker's web port: 200 once the worker has joined the
group and recovered its tables (it decides), 503 before and while rebalancing.
`onelog up` waits for it; a pid alone says nothing about a worker's work."""

from __future__ import annotations

from faust.tables.manager import TableManager
from faust.web import Request, Response, View

from streams.app import app


@app.page("/readyz")
class Readiness(View):
    async def get(self, request: Request) -> Response:
        tables = self.app.tables
        # Recovery completes after the group assigned this worker its
        # partitions and the tables caught up with their changelogs.
        recovered = isinstance(tables, TableManager) and tables.recovery.completed.is_set()
        ready = recovered and not self.app.rebalancing
        return self.json(
            {"status": "ready" if ready else "not ready", "recovered": recovered},
            status=200 if ready else 503,
        )
