"""The social news feed in the `onelog` command: its sample members and
requests under `up`, the members a key acts for
(`keys --member`), the post audit (`audit post`) and the social graph's
loader (`feed load-graph`)."""

from __future__ import annotations

from gateway.feed.principal import MEMBER
from onelog.domain import CliDomain, KeyOption
from onelog.feed.audit_command import AUDIT_POST
from onelog.feed.load_command import LOAD_GRAPH
from onelog.feed.sample_members import publish_sample_members, wait_for_sample_members
from onelog.feed.samples import feed_samples

CLI = CliDomain(
    "feed",
    samples=feed_samples,
    key_options=(KeyOption(MEMBER, "a member the key acts for (repeat for more)"),),
    default_key_scopes=("feed:read", "feed:write"),
    audits=(AUDIT_POST,),
    commands=(LOAD_GRAPH,),
    publish=publish_sample_members,
    wait_published=wait_for_sample_members,
)
