"""The one list of domains on the log.

Each shared part of a layer (the schema registry, the topic catalog, the
worker, the projector and replay, the gateway's routes, scopes and limits,
the CLI) iterates this list and finds a domain's declaration by convention:
`<layer>.<domain>` exports that layer's descriptor. Adding a domain is its
own folders in each layer plus one name here.
"""

from __future__ import annotations

import importlib
from types import ModuleType

DOMAINS: tuple[str, ...] = ("exchange", "judge")


def domain_modules(layer: str) -> tuple[ModuleType, ...]:
    """`<layer>.<domain>` for every domain, in the list's order."""
    return tuple(importlib.import_module(f"{layer}.{name}") for name in DOMAINS)
