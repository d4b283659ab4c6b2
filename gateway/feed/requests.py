"""What a member sends to /v1/feed: HTTP request bodies and parameters.

These are not the wire records (schemas/feed/records.py): no envelope, and
what the gateway assigns or knows (a post's or comment's id, a post's
author) is absent. The bounds are the records' (ids, handles, links, media),
so a body the gateway accepts always encodes. A text longer than the records
allow (TEXT_MAX_CHARS) is a 422 here; one within that but over the feed's
post length (ONELOG_FEED_POST_MAX_CHARS) reaches the member stage, which
refuses it as `too_long` with a sentence a person reads.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from gateway.fields import PathParameters, QueryParameters, RequestModel, encodable
from schemas.feed.records import (
    HANDLE_PATTERN,
    LINKS_MAX,
    MEDIA_MAX,
    MEMBER_ID_PATTERN,
    TEXT_MAX_CHARS,
    URL_MAX_CHARS,
)

# Post and comment ids are ULIDs the gateway issued; any id in the members'
# alphabet is looked up (and is a 404 when unknown), nothing else is.
POST_ID_PATTERN = MEMBER_ID_PATTERN
PAGE_MAX = 100
# No control character and no whitespace, spelled out: `\s` differs between
# JSON Schema's regexes (ECMA), Python's and pydantic's (Rust), e.g. on U+0085.
_VISIBLE = r"[^\x00-\x20\x7F-\x9F\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF]"
# An http(s) URL of visible characters.
URL_PATTERN = r"^https?://" + _VISIBLE + "+$"
_MEDIA_ID = "^" + _VISIBLE + "+$"

MemberId = Annotated[
    str,
    StringConstraints(strict=True, pattern=MEMBER_ID_PATTERN),
    Field(description="a member's id (letters, digits, _ and -; at most 64)"),
]
OtherId = Annotated[
    str,
    StringConstraints(strict=True, pattern=MEMBER_ID_PATTERN),
    Field(description="the other member"),
]
PostId = Annotated[
    str,
    StringConstraints(strict=True, pattern=POST_ID_PATTERN),
    Field(description="a post's id, as its 202 told it"),
]
Handle = Annotated[
    str,
    StringConstraints(strict=True, pattern=HANDLE_PATTERN),
    Field(description="the name others see: lowercase letters, digits and _; at most 30"),
]
Text = Annotated[
    str,
    StringConstraints(strict=True, max_length=TEXT_MAX_CHARS),
    AfterValidator(encodable),
    Field(description=f"at most {TEXT_MAX_CHARS} characters; longer than the feed's post "
          "length is refused by the feed as too_long"),
]  # fmt: skip
CommentText = Annotated[
    str,
    StringConstraints(strict=True, min_length=1, max_length=TEXT_MAX_CHARS),
    AfterValidator(encodable),
    Field(description=f"1 to {TEXT_MAX_CHARS} characters"),
]
Url = Annotated[
    str,
    StringConstraints(strict=True, max_length=URL_MAX_CHARS, pattern=URL_PATTERN),
    Field(description=f"an http or https URL of at most {URL_MAX_CHARS} characters"),
]


class MediaRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    media_id: Annotated[
        str,
        StringConstraints(strict=True, min_length=1, max_length=200, pattern=_MEDIA_ID),
        Field(description="its id in the media store"),
    ]
    kind: Literal["image", "video", "audio"]


class CreateMemberRequest(RequestModel):
    handle: Handle


class OtherRequest(RequestModel):
    """Follow or block: the other member."""

    other: OtherId


class EmptyRequest(RequestModel):
    """Unfollow, unblock, delete, unlike: nothing but an optional time."""


class PostRequest(RequestModel):
    """A post's body, new or edited (an edit replaces it whole)."""

    text: Text
    links: Annotated[list[Url], Field(max_length=LINKS_MAX)] = Field(default_factory=list)
    media: Annotated[list[MediaRequest], Field(max_length=MEDIA_MAX)] = Field(default_factory=list)


class PostIdRequest(RequestModel):
    """Like or share: the post."""

    post_id: PostId


class CommentRequest(RequestModel):
    post_id: PostId
    text: CommentText


class MemberPath(PathParameters):
    member: MemberId


class MemberOtherPath(PathParameters):
    member: MemberId
    other: OtherId


class MemberPostPath(PathParameters):
    member: MemberId
    post_id: PostId


class MemberQuery(QueryParameters):
    member: MemberId


class PostQuery(QueryParameters):
    member: MemberId
    post_id: PostId


class RejectionsQuery(QueryParameters):
    member: MemberId
    limit: Annotated[int, Field(ge=1, le=100, description="the newest, up to 100 kept")] = 50


class TimelineQuery(QueryParameters):
    member: MemberId
    mode: Literal["chronological", "ranked"] = "chronological"
    limit: Annotated[int, Field(ge=1, le=PAGE_MAX)] = 50
    cursor: Annotated[
        Annotated[str, StringConstraints(max_length=2048)] | None,
        Field(description="the next_cursor of the previous page; absent for the first"),
    ] = None
