"""A kind of principal a key acts for (an exchange account, a judge learner):
declared by its domain (`GatewayDomain.principals`), checked by gateway/access.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Only a type here: gateway.auth lists the domains' scopes when imported,
    # and the domains' descriptors import this module.
    from gateway.auth import ApiKey


@dataclass(frozen=True)
class Principal:
    """A kind of principal: the field that names one, the scope that acts for
    all of them, how many of them one key may act for, and the entry of the key
    file that records which of them a key was granted (gateway/auth.py)."""

    kind: str
    field: str
    operator_scope: str
    several_per_key: bool
    # The key file's entry field: a list of ids if several per key, else one id.
    key_file_field: str

    def granted(self, key: ApiKey) -> frozenset[str]:
        """The principals of this kind `key` acts for (none without an operator scope)."""
        return key.principals.get(self.kind, frozenset())
