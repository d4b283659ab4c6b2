"""The exchange's principal: the accounts a key was granted."""

from __future__ import annotations

from gateway.principal import Principal

ACCOUNT = Principal(
    kind="account",
    field="account_id",
    operator_scope="exchange:operator",
    several_per_key=True,
    key_file_field="accounts",
)
