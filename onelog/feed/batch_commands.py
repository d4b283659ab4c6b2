"""The feed's batch command names the command line writes: what a line of
POST /v1/feed/batch says in "command", taken from the gateway's command table
(gateway/feed/commands.py), so the two cannot drift. Each line carries the
command's path parameters and its body's fields."""

from __future__ import annotations

from gateway.feed import commands

CREATE_MEMBER = commands.CREATE_MEMBER.name  # PUT /members/{member}           {handle}
FOLLOW = commands.FOLLOW.name  # POST /members/{member}/follows                {other}
PUBLISH_POST = (
    commands.PUBLISH_POST.name
)  # POST /members/{member}/posts      {text, links?, media?}

BATCH_COMMANDS: tuple[str, ...] = (CREATE_MEMBER, FOLLOW, PUBLISH_POST)
