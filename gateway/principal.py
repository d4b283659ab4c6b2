"""A kind of principal a key acts for (an exchange account, a judge learner):
declared by its domain (`GatewayDomain.principals`), checked by gateway/access.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Only a type here: gateway.auth lists the domains' scopes when imported,
    # and the domains' descriptors import this module.
    from gateway.auth import ApiKey


@dataclass(frozen=True)
class Principal:
    """A kind of principal: the field that names one, the scope that acts for
    all of them, and which of them a key was granted."""

    kind: str
    field: str
    operator_scope: str
    granted: Callable[[ApiKey], frozenset[str]]
    several_per_key: bool
