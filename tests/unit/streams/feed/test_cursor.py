"""Page cursors: they come back as issued, and anything else is refused by name."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.feed.cursor import Cursor, CursorError, Mode, decode_cursor, encode_cursor

KEY = b"k" * 32
INTS = st.integers(min_value=0, max_value=2**62)


@st.composite
def cursors(draw: st.DrawFn) -> Cursor:
    mode = draw(st.sampled_from(list(Mode)))
    return Cursor(
        reader=draw(st.text(min_size=1, max_size=20)),
        mode=mode,
        snapshot_ms=draw(INTS),
        published_at_ms=draw(INTS),
        post_id=draw(st.text(max_size=30)),
        score=draw(INTS) if mode is Mode.RANKED else None,
        archive=draw(st.booleans()),
    )


RANKED = Cursor("bob", Mode.RANKED, 1_000, 900, "01HZZ", score=42)


@given(cursors())
def test_a_cursor_comes_back_as_it_was_issued(cursor: Cursor) -> None:
    text = encode_cursor(cursor, KEY)
    assert text.isascii() and "=" not in text and "/" not in text and "+" not in text
    assert decode_cursor(text, KEY, reader=cursor.reader, mode=cursor.mode) == cursor


@given(cursors(), st.data())
def test_any_changed_byte_is_refused(cursor: Cursor, data: st.DataObject) -> None:
    token = bytearray(base64.urlsafe_b64decode(_padded(encode_cursor(cursor, KEY))))
    at = data.draw(st.integers(min_value=0, max_value=len(token) - 1))
    token[at] ^= data.draw(st.integers(min_value=1, max_value=255))
    text = base64.urlsafe_b64encode(bytes(token)).rstrip(b"=").decode()
    with pytest.raises(CursorError):
        decode_cursor(text, KEY, reader=cursor.reader, mode=cursor.mode)


@given(st.text(max_size=60))
def test_garbage_is_refused_with_an_error_naming_the_cursor(text: str) -> None:
    with pytest.raises(CursorError) as refused:
        decode_cursor(text, KEY, reader="bob", mode=Mode.RANKED)
    assert refused.value.cursor == text
    assert "cursor " in str(refused.value)


def test_the_error_names_the_cursor_and_why_but_never_the_key() -> None:
    text = encode_cursor(RANKED, b"the other key")
    with pytest.raises(CursorError) as refused:
        decode_cursor(text, KEY, reader="bob", mode=Mode.RANKED)
    message = str(refused.value)
    assert text[:40] in message and "altered" in message
    assert "the other key" not in message and KEY.decode() not in message


def test_a_cursor_of_another_reader_or_mode_is_refused() -> None:
    text = encode_cursor(RANKED, KEY)
    with pytest.raises(CursorError, match="another reader"):
        decode_cursor(text, KEY, reader="ann", mode=Mode.RANKED)
    with pytest.raises(CursorError, match="ranked feed, not the chronological"):
        decode_cursor(text, KEY, reader="bob", mode=Mode.CHRONOLOGICAL)


def test_short_and_unknown_version_tokens_are_refused() -> None:
    with pytest.raises(CursorError, match="too short"):
        decode_cursor("AQID", KEY, reader="bob", mode=Mode.RANKED)
    text = base64.urlsafe_b64encode(bytes([9]) + bytes(40)).rstrip(b"=").decode()
    with pytest.raises(CursorError, match="unknown version 9"):
        decode_cursor(text, KEY, reader="bob", mode=Mode.RANKED)
    with pytest.raises(CursorError, match="base64"):
        decode_cursor("not a cursor!", KEY, reader="bob", mode=Mode.RANKED)


def test_anchors_and_the_score_rule() -> None:
    assert RANKED.ranked_anchor == (42, 900, "01HZZ")
    assert RANKED.chronological_anchor == (900, "01HZZ")
    with pytest.raises(ValueError, match="needs score"):
        Cursor("bob", Mode.RANKED, 1, 1, "p")
    with pytest.raises(ValueError, match="has no score"):
        Cursor("bob", Mode.CHRONOLOGICAL, 1, 1, "p", score=3)
    with pytest.raises(ValueError, match="no ranked anchor"):
        _ = Cursor("bob", Mode.CHRONOLOGICAL, 1, 1, "p").ranked_anchor


def _padded(text: str) -> str:
    return text + "=" * (-len(text) % 4)
