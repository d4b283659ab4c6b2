"""The feed's commands as the gateway accepts them, in the shared table shape
(gateway/command.py `Command`).

Every route names the acting member in its path ({member}); a key acts for
the members it names (feed:operator for all). Members write with
feed:write and read with feed:read. The gateway assigns each post and
comment its id (a ULID). What the request cannot say is resolved per request
(gateway/feed/writes.py): the author of the post a reaction names, from the
read model. An edit or a delete is decided on the author's partition, so its
`member` is the post's author, which the route checks is the acting member
(else 403 not_the_author) before the record is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.command import Command
from gateway.feed import requests as rq
from schemas.feed import records as fr
from schemas.feed.topics import FEED_COMMANDS

READ = "feed:read"
WRITE = "feed:write"


def _create(
    req: rq.CreateMemberRequest, path: rq.MemberPath, ids: Mapping[str, str]
) -> dict[str, Any]:
    return {"member": path.member, "handle": req.handle}


def _other_in_body(
    req: rq.OtherRequest, path: rq.MemberPath, ids: Mapping[str, str]
) -> dict[str, Any]:
    return {"member": path.member, "other": req.other}


def _other_in_path(
    req: rq.EmptyRequest, path: rq.MemberOtherPath, ids: Mapping[str, str]
) -> dict[str, Any]:
    return {"member": path.member, "other": path.other}


def _body(req: rq.PostRequest) -> dict[str, Any]:
    return {
        "text": req.text,
        "links": list(req.links),
        "media": [media.model_dump() for media in req.media],
    }


def _publish(req: rq.PostRequest, path: rq.MemberPath, ids: Mapping[str, str]) -> dict[str, Any]:
    return {"member": path.member, "post_id": ids["post_id"], **_body(req)}


def _edit(req: rq.PostRequest, path: rq.MemberPostPath, ids: Mapping[str, str]) -> dict[str, Any]:
    # The route refused anyone but the author, so the author is the actor.
    return {"member": path.member, "post_id": path.post_id, "actor": path.member, **_body(req)}


def _delete(
    req: rq.EmptyRequest, path: rq.MemberPostPath, ids: Mapping[str, str]
) -> dict[str, Any]:
    return {"member": path.member, "post_id": path.post_id, "actor": path.member}


# Reactions: `author` joins from the read model (writes.py resolves it).
def _react_body(
    req: rq.PostIdRequest, path: rq.MemberPath, ids: Mapping[str, str]
) -> dict[str, Any]:
    return {"member": path.member, "post_id": req.post_id}


def _react_path(
    req: rq.EmptyRequest, path: rq.MemberPostPath, ids: Mapping[str, str]
) -> dict[str, Any]:
    return {"member": path.member, "post_id": path.post_id}


def _comment(req: rq.CommentRequest, path: rq.MemberPath, ids: Mapping[str, str]) -> dict[str, Any]:
    return {
        "member": path.member,
        "post_id": req.post_id,
        "comment_id": ids["comment_id"],
        "text": req.text,
    }


def _command(
    name: str,
    method: str,
    path: str,
    summary: str,
    request: Any,
    path_params: Any,
    record: Any,
    payload: Any,
    assigns: tuple[str, ...] = (),
) -> Command:
    return Command(
        name, method, path, summary, request, path_params, record, FEED_COMMANDS, WRITE, payload,
        assigns=assigns,
    )  # fmt: skip


M = "/members/{member}"
CREATE_MEMBER = _command(
    "create_member",
    "PUT",
    M,
    "Create a member with a handle",
    rq.CreateMemberRequest,
    rq.MemberPath,
    fr.CreateMember,
    _create,
)
FOLLOW = _command(
    "follow",
    "POST",
    M + "/follows",
    "Follow another member (their posts come to the home feed, and their recent ones at once)",
    rq.OtherRequest,
    rq.MemberPath,
    fr.Follow,
    _other_in_body,
)
UNFOLLOW = _command(
    "unfollow",
    "DELETE",
    M + "/follows/{other}",
    "Stop following a member",
    rq.EmptyRequest,
    rq.MemberOtherPath,
    fr.Unfollow,
    _other_in_path,
)
BLOCK = _command(
    "block",
    "POST",
    M + "/blocks",
    "Block a member: follows end both ways, and neither sees or reacts to the other's posts",
    rq.OtherRequest,
    rq.MemberPath,
    fr.Block,
    _other_in_body,
)
UNBLOCK = _command(
    "unblock",
    "DELETE",
    M + "/blocks/{other}",
    "Unblock a member (follows are not restored)",
    rq.EmptyRequest,
    rq.MemberOtherPath,
    fr.Unblock,
    _other_in_path,
)
PUBLISH_POST = _command(
    "publish_post",
    "POST",
    M + "/posts",
    "Post as the member: the 202 tells its post_id",
    rq.PostRequest,
    rq.MemberPath,
    fr.PublishPost,
    _publish,
    assigns=("post_id",),
)
EDIT_POST = _command(
    "edit_post",
    "PATCH",
    M + "/posts/{post_id}",
    "Replace one's own post's body (shown everywhere at once)",
    rq.PostRequest,
    rq.MemberPostPath,
    fr.EditPost,
    _edit,
)
DELETE_POST = _command(
    "delete_post",
    "DELETE",
    M + "/posts/{post_id}",
    "Delete one's own post",
    rq.EmptyRequest,
    rq.MemberPostPath,
    fr.DeletePost,
    _delete,
)
LIKE_POST = _command(
    "like_post",
    "POST",
    M + "/likes",
    "Like a post",
    rq.PostIdRequest,
    rq.MemberPath,
    fr.LikePost,
    _react_body,
)
UNLIKE_POST = _command(
    "unlike_post",
    "DELETE",
    M + "/likes/{post_id}",
    "Take a like back",
    rq.EmptyRequest,
    rq.MemberPostPath,
    fr.UnlikePost,
    _react_path,
)
SHARE_POST = _command(
    "share_post",
    "POST",
    M + "/shares",
    "Share a post",
    rq.PostIdRequest,
    rq.MemberPath,
    fr.SharePost,
    _react_body,
)
COMMENT_ON_POST = _command(
    "comment_on_post",
    "POST",
    M + "/comments",
    "Comment on a post: the 202 tells its comment_id",
    rq.CommentRequest,
    rq.MemberPath,
    fr.CommentOnPost,
    _comment,
    assigns=("comment_id",),
)

# The commands routed from the table, in route order.
COMMANDS: tuple[Command, ...] = (
    CREATE_MEMBER, FOLLOW, UNFOLLOW, BLOCK, UNBLOCK, PUBLISH_POST, EDIT_POST, DELETE_POST,
    LIKE_POST, UNLIKE_POST, SHARE_POST, COMMENT_ON_POST,
)  # fmt: skip
# Commands on one's own post: the post's author must be the acting member.
ON_OWN_POST = frozenset(c.name for c in (EDIT_POST, DELETE_POST))
# Reactions: the post's author joins the record from the read model.
REACTIONS = frozenset(c.name for c in (LIKE_POST, UNLIKE_POST, SHARE_POST, COMMENT_ON_POST))
# What a batch line may say: every command whose record needs nothing the
# read model resolves (a reaction's author does; see the route's 404s).
BATCHED: tuple[Command, ...] = tuple(c for c in COMMANDS if c.name not in REACTIONS)
