"""The social news feed's deciding core (issue 11), pure so far.

Not yet a registered domain: its records, topics, stages and other layers
come next (docs/feed.md); this package then exports its `STREAMS` descriptor.
Landed: `ranking.py` (EdgeRank-style score), `fanout_policy.py` (push or pull
by follower count), `cursor.py` (opaque page cursors), `visibility.py` (block
rules), `timeline.py` (a page merged from the pushed timeline and pulled
authors' posts), and the member stage's `member_state.py` and
`member_decide.py` (`decide(state, record)`, not wired to the engine yet).
"""
