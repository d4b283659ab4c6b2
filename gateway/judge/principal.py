"""The judge's principal: the one learner a key acts as."""

from __future__ import annotations

from gateway.principal import Principal

LEARNER = Principal(
    kind="learner",
    field="user_id",
    operator_scope="judge:operator",
    several_per_key=False,
    key_file_field="learner",
)
