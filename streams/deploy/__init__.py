"""The deployment system's deciding core (issue 10), pure so far.

Not yet a registered domain: its records, topics and other layers come next
(docs/deploy.md); this package then exports its `STREAMS` descriptor.
"""
