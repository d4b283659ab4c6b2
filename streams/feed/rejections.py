"""Why the feed refuses a command: the reason a rejection fact carries.

A value is the code a machine matches on; `explain` is the sentence a person
reads (the gateway and `onelog audit post` show it).
"""

from __future__ import annotations

from enum import StrEnum


class Rejection(StrEnum):
    UNKNOWN_MEMBER = "unknown_member"
    ALREADY_FOLLOWING = "already_following"
    NOT_FOLLOWING = "not_following"
    POST_NOT_FOUND = "post_not_found"
    NOT_THE_AUTHOR = "not_the_author"
    TOO_LONG = "too_long"
    BLOCKED = "blocked"
    SELF = "self"
    ALREADY_BLOCKED = "already_blocked"
    NOT_BLOCKED = "not_blocked"
    ALREADY_LIKED = "already_liked"
    NOT_LIKED = "not_liked"


_EXPLANATIONS = {
    Rejection.UNKNOWN_MEMBER: "no member has this id",
    Rejection.ALREADY_FOLLOWING: "the member already follows them",
    Rejection.NOT_FOLLOWING: "the member does not follow them",
    Rejection.POST_NOT_FOUND: "no post has this id, or it was deleted",
    Rejection.NOT_THE_AUTHOR: "only the post's author may change it",
    Rejection.TOO_LONG: "the text is longer than a post may be",
    Rejection.BLOCKED: "one of the two members has blocked the other",
    Rejection.SELF: "a member cannot follow or block themselves",
    Rejection.ALREADY_BLOCKED: "the member already blocks them",
    Rejection.NOT_BLOCKED: "the member does not block them",
    Rejection.ALREADY_LIKED: "the member already likes this post",
    Rejection.NOT_LIKED: "the member does not like this post",
}


def explain(reason: Rejection) -> str:
    """The sentence a person reads for `reason`."""
    return _EXPLANATIONS[reason]
