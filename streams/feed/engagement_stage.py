"""The feed's engagement stage on the batched engine (streams/engine).

    feed.engagement ── engagement (per post) ──> feed.reactions (key post_id)

Keyed by post_id: a post's opening and closing (from its author's partition)
and the reactions asked of it (from each actor's partition) meet on one
partition, with the post's likers and counters. It reads feed.engagement and
writes feed.reactions, as a stage never reads its own output.
"""

from __future__ import annotations

from schemas.feed.records import ENGAGEMENT
from schemas.feed.topics import FEED_ENGAGEMENT, FEED_ENGAGEMENT_CHANGELOG
from streams.engine.stage import Stage
from streams.feed import engagement_decide
from streams.feed.engagement_log import EngagementLog

ENGAGEMENT_STAGE = Stage(
    name="feed.engagement-stage",
    inputs=(FEED_ENGAGEMENT,),
    changelog=FEED_ENGAGEMENT_CHANGELOG,
    takes=ENGAGEMENT,
    new_state=engagement_decide.new_state,
    decide=engagement_decide.decide,
    state_log=EngagementLog(),
)
