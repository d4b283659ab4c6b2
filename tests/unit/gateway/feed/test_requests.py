"""The feed's request models: the bounds /openapi.json states, each refusal
naming its field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gateway.feed.requests import (
    CommentRequest,
    CreateMemberRequest,
    MemberPath,
    PostRequest,
    TimelineQuery,
)
from schemas.feed.records import TEXT_MAX_CHARS


def _fields(error: ValidationError) -> set[str]:
    return {".".join(str(p) for p in e["loc"]) for e in error.errors()}


def test_a_post_within_the_records_bounds_is_accepted() -> None:
    post = PostRequest.model_validate(
        {
            "text": "x" * TEXT_MAX_CHARS,
            "links": ["https://example.com/" + "a" * 2000] * 10,
            "media": [{"media_id": "m1", "kind": "image"}] * 10,
        }
    )
    assert len(post.links) == 10


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "x" * (TEXT_MAX_CHARS + 1)}, "text"),
        ({"text": 5}, "text"),
        ({"text": "\ud800"}, "text"),
        ({"text": "", "links": ["https://e.com"] * 11}, "links"),
        ({"text": "", "links": ["ftp://e.com/x"]}, "links.0"),
        ({"text": "", "links": ["https://e.com/" + "a" * 2048]}, "links.0"),
        ({"text": "", "links": ["https://e.com/a b"]}, "links.0"),
        ({"text": "", "media": [{"media_id": "m", "kind": "image"}] * 11}, "media"),
        ({"text": "", "media": [{"media_id": "m", "kind": "gif"}]}, "media.0.kind"),
        ({"text": "", "extra": 1}, "extra"),
    ],
)
def test_a_post_out_of_bounds_is_refused_naming_the_field(
    body: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        PostRequest.model_validate(body)
    assert field in _fields(caught.value)


@pytest.mark.parametrize("handle", ["", "Ada", "a" * 31, "a-b", "a b"])
def test_a_handle_is_lowercase_letters_digits_and_underscore(handle: str) -> None:
    with pytest.raises(ValidationError) as caught:
        CreateMemberRequest.model_validate({"handle": handle})
    assert _fields(caught.value) == {"handle"}


@pytest.mark.parametrize("member", ["", "a/b", "a" * 65, "é", "a b", "../x"])
def test_a_member_id_is_of_the_records_alphabet(member: str) -> None:
    with pytest.raises(ValidationError):
        MemberPath.model_validate({"member": member})


def test_a_comment_needs_text() -> None:
    with pytest.raises(ValidationError) as caught:
        CommentRequest.model_validate({"post_id": "p1", "text": ""})
    assert _fields(caught.value) == {"text"}


def test_a_timeline_page_is_1_to_100_items_in_one_of_two_modes() -> None:
    assert TimelineQuery.model_validate({"member": "m"}).limit == 50
    for bad in ({"limit": 0}, {"limit": 101}, {"mode": "random"}, {"cursor": "x" * 2049}):
        with pytest.raises(ValidationError):
            TimelineQuery.model_validate({"member": "m", **bad})
