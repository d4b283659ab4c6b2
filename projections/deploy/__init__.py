"""The deployment system's projection: live status in Redis, history and DORA
figures in ClickHouse. Until its writers land it archives its topics only."""

from __future__ import annotations

from projections.projection import Projection
from schemas.deploy import topics

PROJECTION = Projection(
    name="deploy",
    topics=tuple(spec.name for spec in topics.DEPLOY_TOPICS),
    redis_keys=(),
    ddl=(),
    columns={},
    writes_of=lambda model, value, announce: [],
    rows_of=lambda model, value, message: [],
)
