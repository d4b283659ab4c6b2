"""GET /readyz on a worker's web port: 200 once the worker decides, 503 before
and while partitions move. It decides once Faust has joined its group and
recovered its tables (the judge), and every stage loop of the engine has its
partitions assigned and their states restored. `onelog up` waits for it; a
pid alone says nothing about a worker's work. The body says what each stage
holds and what it read to restore it."""

from __future__ import annotations

from faust.web import Request, Response, View

from streams.app import app
from streams.engine.host import hosts
from streams.faust_fixes import tables_recovered


@app.page("/readyz")
class Readiness(View):
    async def get(self, request: Request) -> Response:
        recovered = tables_recovered(self.app)
        stages_ready = all(host.ready for host in hosts())
        ready = recovered and not self.app.rebalancing and stages_ready
        stages = {
            loop.stage.name: {
                "ready": loop.status.ready,
                "partitions": loop.status.partitions,
                "restored_states": loop.status.restored_states,
                "restored_records": loop.status.restored_records,
                "restore_seconds": round(loop.status.restore_seconds, 3),
                "sessions": loop.status.sessions,
            }
            for host in hosts()
            for loop in host.loops
        }
        return self.json(
            {"status": "ready" if ready else "not ready", "recovered": recovered, "stages": stages},
            status=200 if ready else 503,
        )
