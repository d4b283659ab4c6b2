"""The exchange in the `onelog` command: its sample deposit, the accounts a
key acts for (`keys --account`) and the order audit (`audit order`)."""

from __future__ import annotations

from gateway.exchange.principal import ACCOUNT
from onelog.domain import CliDomain, KeyOption
from onelog.exchange.audit_command import AUDIT_ORDER
from onelog.exchange.samples import exchange_curl

CLI = CliDomain(
    "exchange",
    samples=lambda gateway_url, key: {"curl": exchange_curl(gateway_url, key)},
    key_options=(KeyOption(ACCOUNT, "an exchange account the key acts for (repeat for more)"),),
    # A trader's key, the one `onelog keys` has always made by default.
    default_key_scopes=("exchange:read", "exchange:write"),
    audits=(AUDIT_ORDER,),
)
