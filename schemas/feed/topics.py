"""The social news feed's topics, and why each key (docs/feed.md, Stages).

A member's commands and facts are keyed by `member`, so one member's graph
and posts are decided in order on one partition. The second hop of a command
that concerns two members is keyed by the member who receives it (`other`),
never looked up across partitions. The fan-out is keyed by `author/bucket`
(bucket = CRC-32 of the follower mod ONELOG_FEED_FOLLOWER_BUCKETS), so an
author's followers, and the work of their posts, lie on up to that many
partitions: no author makes one partition hot forever. Reactions are keyed by
`post_id`, where a post's counters and likers are kept.
"""

from __future__ import annotations

from schemas.feed.records import COMMANDS, ENGAGEMENT, FACTS, FANOUT, GRAPH, REACTIONS, TIMELINES
from schemas.topic_spec import TopicSpec, changelog, schema_names

# Members' commands (the gateway's): the actor, or the author a post's route names.
FEED_COMMANDS = TopicSpec(
    "feed.commands", "feed", key="member", record_types=schema_names(COMMANDS)
)
# The second hop between two members: the receiver's partition decides it.
FEED_GRAPH = TopicSpec("feed.graph", "feed", key="other", record_types=schema_names(GRAPH))
# To the fan-out stage: follower sets, split in buckets, and the posts to push.
FEED_FANOUT = TopicSpec(
    "feed.fanout", "feed", key="author/bucket", record_types=schema_names(FANOUT)
)
# The fan-out's output: timeline entries per bucket's readers (the projector's).
FEED_TIMELINES = TopicSpec(
    "feed.timelines", "feed", key="author/bucket", record_types=schema_names(TIMELINES)
)
# Reactions asked of a post (and its opening and closing by the author's
# partition), decided where the post's counters are...
FEED_ENGAGEMENT = TopicSpec(
    "feed.engagement", "feed", key="post_id", record_types=schema_names(ENGAGEMENT)
)
# ...and what that decided: a topic of its own, as a stage never reads its output.
FEED_REACTIONS = TopicSpec(
    "feed.reactions", "feed", key="post_id", record_types=schema_names(REACTIONS)
)
# The member stage's facts.
FEED_FACTS = TopicSpec("feed.facts", "feed", key="member", record_types=schema_names(FACTS))

FEED_MEMBER_CHANGELOG = changelog("feed.member-stage", "feed", "member")
FEED_FANOUT_CHANGELOG = changelog("feed.fanout-stage", "feed", "author/bucket")
FEED_ENGAGEMENT_CHANGELOG = changelog("feed.engagement-stage", "feed", "post_id")

FEED_TOPICS = (
    FEED_COMMANDS,
    FEED_GRAPH,
    FEED_FANOUT,
    FEED_TIMELINES,
    FEED_ENGAGEMENT,
    FEED_REACTIONS,
    FEED_FACTS,
)
FEED_CHANGELOGS = (FEED_MEMBER_CHANGELOG, FEED_FANOUT_CHANGELOG, FEED_ENGAGEMENT_CHANGELOG)
