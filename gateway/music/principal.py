"""The music service's principal: the listeners a key acts for."""

from __future__ import annotations

from gateway.principal import Principal

LISTENER = Principal(
    kind="listener",
    field="listener",
    operator_scope="music:operator",
    several_per_key=True,
    key_file_field="listeners",
)
