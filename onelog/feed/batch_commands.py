"""The feed's batch command names the command line writes: what a line of
POST /v1/feed/batch says in "command" (gateway/feed's command table names
them; a unit test holds the two equal once it is there), and the fields each
line carries besides the command: its path parameters and its body."""

from __future__ import annotations

CREATE_MEMBER = "create_member"  # PUT /members/{member}            {handle}
FOLLOW = "follow"  # POST /members/{member}/follows                    {other}
PUBLISH_POST = "publish_post"  # POST /members/{member}/posts          {text, links?, media?}

BATCH_COMMANDS: tuple[str, ...] = (CREATE_MEMBER, FOLLOW, PUBLISH_POST)
