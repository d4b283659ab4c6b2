"""The social news feed's deciding side (issue 11, docs/feed.md).

Pure cores: `ranking.py` (EdgeRank-style score), `fanout_policy.py` (push or
pull by follower count), `cursor.py` (opaque page cursors), `visibility.py`
(block rules), `timeline.py` (a page merged from the pushed timeline and
pulled authors' posts), and the member stage's `member_state.py` and
`member_decide.py`. Its stages on the engine are listed in STREAMS.
"""

from __future__ import annotations

from streams.domain import StreamsDomain

STREAMS = StreamsDomain(name="feed", stages=())
