"""The feed's principal: the members a key acts for."""

from __future__ import annotations

from gateway.principal import Principal

MEMBER = Principal(
    kind="member",
    field="member",
    operator_scope="feed:operator",
    several_per_key=True,
    key_file_field="members",
)
