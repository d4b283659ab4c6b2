"""The one list of domains on the log.

Each shared part of a layer (the schema registry, the topic catalog, the
worker, the projector and replay, the gateway's routes, scopes and limits,
the CLI) iterates this list and finds a domain's declaration by convention:
`<layer>.<domain>` exports that layer's descriptor (infra.domains imports
them). It lives here, at the very ground, because schemas imports nothing
above it. Adding a domain is its own folders in each layer plus one name here.
"""

from __future__ import annotations

DOMAINS: tuple[str, ...] = ("exchange", "judge", "deploy", "feed", "music")
