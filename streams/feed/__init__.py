"""The social news feed's deciding side (issue 11, docs/feed.md).

Pure cores: `ranking.py` (EdgeRank-style score), `fanout_policy.py` (push or
pull by follower count), `cursor.py` (opaque page cursors), `visibility.py`
(block rules), `timeline.py` (a page merged from the pushed timeline and
pulled authors' posts), and the member stage's `member_state.py` and
`member_decide.py`, the fan-out stage's `fanout_decide.py` (a bucket's
followers, each post's readers) and the engagement stage's
`engagement_decide.py` (a post's likers and counters). Its stages on the
engine are listed in STREAMS.
"""

from __future__ import annotations

from streams.domain import StreamsDomain
from streams.feed.engagement_stage import ENGAGEMENT_STAGE
from streams.feed.fanout_stage import FANOUT_STAGE
from streams.feed.member_stage import MEMBER_STAGE

STREAMS = StreamsDomain(name="feed", stages=(MEMBER_STAGE, FANOUT_STAGE, ENGAGEMENT_STAGE))
