"""The feed's fan-out stage on the batched engine (streams/engine).

    feed.fanout ── fanout (per author/bucket) ──> feed.timelines (key author/bucket)

The input is keyed "author/bucket" (TopicSpec.key_of joins the two fields),
so an author's followers, and the work of their posts, lie on up to
ONELOG_FEED_FOLLOWER_BUCKETS partitions: no author makes one partition hot
forever (docs/feed.md, Stages).
"""

from __future__ import annotations

from schemas.feed.records import FANOUT
from schemas.feed.topics import FEED_FANOUT, FEED_FANOUT_CHANGELOG
from streams.engine.stage import Stage
from streams.feed import fanout_decide
from streams.feed.fanout_log import FanoutLog

FANOUT_STAGE = Stage(
    name="feed.fanout-stage",
    inputs=(FEED_FANOUT,),
    changelog=FEED_FANOUT_CHANGELOG,
    takes=FANOUT,
    new_state=fanout_decide.new_state,
    decide=fanout_decide.decide,
    state_log=FanoutLog(),
)
