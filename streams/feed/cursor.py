"""Opaque page cursors for infinite scroll, chronological or ranked.

A cursor anchors on the last item shown, never on an offset: the next page is
the items strictly after that item in the page order (chronological: newest
first by (published_at_ms, post_id); ranked: streams/feed/ranking.py's key).
New posts arrive above the anchor and deletions vanish without shifting
anything, so a page never repeats or skips an item because the feed changed
while the reader scrolled.

`snapshot_ms` is the time of the first page, carried to every later one: the
ranked pages score every candidate as of that time (decay would otherwise
move items across the anchor as the clock runs), and posts published after
it are left out of later pages (they reach the reader by the live stream and
by a fresh first page). `archive` says the previous page reached the end of
the capped timeline and the next one continues from ClickHouse.

On the wire: URL-safe base64 without padding of a version byte, a 16-byte
BLAKE2b MAC keyed by the gateway's cursor key, and the fields as compact JSON.
Opaque to clients: the format may change with the version byte. A cursor
names its reader and mode; one given to another reader, another mode, with a
changed byte or that is not a cursor at all fails with `CursorError`, which
names the cursor (never the key).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

VERSION = 1
_MAC_BYTES = 16
_SHOWN_CHARS = 40
_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


class Mode(StrEnum):
    CHRONOLOGICAL = "chronological"
    RANKED = "ranked"


class CursorError(ValueError):
    """A cursor that this feed did not issue for this reader and mode."""

    def __init__(self, text: str, why: str) -> None:
        shown = text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "..."
        super().__init__(f"cursor {shown!r} is not a valid feed cursor: {why}")
        self.cursor = text
        self.why = why


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after (score,) published_at_ms, post_id.

    `score` is given for RANKED cursors (as of `snapshot_ms`) and None for
    CHRONOLOGICAL ones.
    """

    reader: str
    mode: Mode
    snapshot_ms: int
    published_at_ms: int
    post_id: str
    score: int | None = None
    archive: bool = False

    def __post_init__(self) -> None:
        if (self.score is None) is (self.mode is Mode.RANKED):
            raise ValueError(
                f"a {self.mode} cursor {'needs' if self.score is None else 'has no'} score"
            )

    @property
    def chronological_anchor(self) -> tuple[int, str]:
        """The chronological order's key of the last item shown."""
        return (self.published_at_ms, self.post_id)

    @property
    def ranked_anchor(self) -> tuple[int, int, str]:
        """The ranked order's key (streams/feed/ranking.RankKey) of the last item shown."""
        if self.score is None:
            raise ValueError("a chronological cursor has no ranked anchor")
        return (self.score, self.published_at_ms, self.post_id)


def encode_cursor(cursor: Cursor, key: bytes) -> str:
    """The opaque text of `cursor`, signed with `key` (at most 64 bytes)."""
    payload = json.dumps(
        [
            cursor.reader,
            str(cursor.mode),
            cursor.snapshot_ms,
            cursor.published_at_ms,
            cursor.post_id,
            cursor.score,
            cursor.archive,
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()
    token = bytes([VERSION]) + _mac(payload, key) + payload
    return base64.urlsafe_b64encode(token).rstrip(b"=").decode("ascii")


def decode_cursor(text: str, key: bytes, *, reader: str, mode: Mode) -> Cursor:
    """The cursor `text` stands for, if it was issued for `reader` in `mode`.

    Raises `CursorError` naming the cursor for garbage, a changed byte, an
    unknown version, or a cursor of another reader or mode.
    """
    # The decoder skips characters outside the alphabet; a cursor has none.
    if not set(text) <= _ALPHABET:
        raise CursorError(text, "not URL-safe base64")
    try:
        token = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise CursorError(text, "not URL-safe base64") from None
    if len(token) <= 1 + _MAC_BYTES:
        raise CursorError(text, "too short")
    if token[0] != VERSION:
        raise CursorError(text, f"unknown version {token[0]}")
    mac, payload = token[1 : 1 + _MAC_BYTES], token[1 + _MAC_BYTES :]
    if not hmac.compare_digest(mac, _mac(payload, key)):
        raise CursorError(text, "altered, or issued by another feed")
    cursor = _fields(text, payload)
    if cursor.reader != reader:
        raise CursorError(text, "issued to another reader")
    if cursor.mode is not mode:
        raise CursorError(text, f"issued for the {cursor.mode} feed, not the {mode} one")
    return cursor


def _mac(payload: bytes, key: bytes) -> bytes:
    return hashlib.blake2b(payload, key=key, digest_size=_MAC_BYTES).digest()


def _fields(text: str, payload: bytes) -> Cursor:
    # A signed payload was written by encode_cursor; this guards against a
    # key shared by mistake with something else, not against clients.
    try:
        fields: Any = json.loads(payload)
        reader, mode, snapshot_ms, published_at_ms, post_id, score, archive = fields
        checks = (
            isinstance(reader, str),
            isinstance(post_id, str),
            all(_is_int(value) for value in (snapshot_ms, published_at_ms)),
            score is None or _is_int(score),
            isinstance(archive, bool),
        )
        if not all(checks):
            raise ValueError("a field of the wrong type")
        return Cursor(reader, Mode(mode), snapshot_ms, published_at_ms, post_id, score, archive)
    except (ValueError, TypeError) as error:
        raise CursorError(text, f"unreadable fields ({error})") from None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
