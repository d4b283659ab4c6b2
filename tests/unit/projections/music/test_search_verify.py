"""Comparing a live search index with its rebuild: by key, both ways, and a
key the live index holds twice is a difference of its own."""

from __future__ import annotations

from projections.music.search_index import SearchDocument
from projections.music.search_verify import compare


def doc(key: str, title: str = "T") -> SearchDocument:
    kind, entity_id = key.split(":")
    return SearchDocument(key, kind, entity_id, title)  # type: ignore[arg-type]


def test_equal_documents_have_no_difference() -> None:
    assert compare([doc("track:a"), doc("album:b")], [doc("album:b"), doc("track:a")]) == []


def test_a_changed_a_missing_and_an_extra_document_are_named() -> None:
    live = [doc("track:a", "Old"), doc("track:b")]
    rebuilt = [doc("track:a", "New"), doc("track:c")]
    assert compare(live, rebuilt) == ["track:a", "track:b", "track:c"]


def test_a_key_twice_in_the_live_index_is_a_difference() -> None:
    assert compare([doc("track:a"), doc("track:a")], [doc("track:a")]) == [
        "(a key twice in the live index)"
    ]
