"""The exchange's principal: the accounts a key was granted."""

from __future__ import annotations

from gateway.principal import Principal

ACCOUNT = Principal(
    "account", "account_id", "exchange:operator", lambda key: key.accounts, several_per_key=True
)
