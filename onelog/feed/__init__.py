"""The social news feed in the `onelog` command: the members a key acts for
(`keys --member`)."""

from __future__ import annotations

from gateway.feed.principal import MEMBER
from onelog.domain import CliDomain, KeyOption

CLI = CliDomain(
    "feed",
    key_options=(KeyOption(MEMBER, "a member the key acts for (repeat for more)"),),
    default_key_scopes=("feed:read", "feed:write"),
)
