"""A record's key on its topic: one field, or several joined by `/`."""

from __future__ import annotations

import pytest

from schemas.topic_spec import TopicSpec


def test_a_single_field_key_is_that_field_as_text() -> None:
    spec = TopicSpec("t", "d", key="member", record_types=())
    assert spec.key_fields == ("member",)
    assert spec.key_of({"member": "alice", "other": "bob"}) == "alice"


def test_a_composite_key_joins_its_fields_in_order() -> None:
    spec = TopicSpec("t", "d", key="author/bucket", record_types=())
    assert spec.key_fields == ("author", "bucket")
    assert spec.key_of({"bucket": 7, "author": "alice"}) == "alice/7"


def test_a_missing_key_field_is_an_error_not_an_empty_key() -> None:
    spec = TopicSpec("t", "d", key="author/bucket", record_types=())
    with pytest.raises(KeyError):
        spec.key_of({"author": "alice"})
