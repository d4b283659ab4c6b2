"""A layer's declarations of every domain, found by convention.

The list itself is schemas.domains.DOMAINS (the ground); `<layer>.<domain>`
exports that layer's descriptor, and the layer's shared parts iterate
`domain_modules(layer)` instead of naming a domain.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from schemas.domains import DOMAINS

__all__ = ["DOMAINS", "domain_modules"]


def domain_modules(layer: str) -> tuple[ModuleType, ...]:
    """`<layer>.<domain>` for every domain, in the list's order."""
    return tuple(importlib.import_module(f"{layer}.{name}") for name in DOMAINS)
