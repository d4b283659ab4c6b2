"""Where a member's live stream is: the last id read of each Redis stream it
follows, and the sequence number of the last post sent. Carried as the SSE
event id, so a reconnect's Last-Event-ID resumes without a gap and the seq
goes on counting.

Streams are named short: "r" is the member's own (feed:live:<member>),
"a:<author>" a pulled author's (feed:live-author:<author>). On the wire: URL-
safe base64, without padding, of compact JSON [seq, {name: id}]. Opaque to
clients; a forged one can only point into the streams this member reads
anyway, and one that does not parse is answered with a `reset`.

Pure: nothing here reads a stream.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

OWN = "r"
_AUTHOR = "a:"
_MAX_CHARS = 16_384
_STREAM_ID = re.compile(r"^\d{1,20}-\d{1,20}$")
START = "0-0"


def author_stream(author: str) -> str:
    return _AUTHOR + author


def stream_author(name: str) -> str | None:
    return name[len(_AUTHOR) :] if name.startswith(_AUTHOR) else None


def stream_id_key(stream_id: str) -> tuple[int, int]:
    """A Redis stream id ("ms-seq") as a number pair, for comparison."""
    ms, _, seq = stream_id.partition("-")
    return int(ms), int(seq or 0)


@dataclass(frozen=True)
class LivePosition:
    seq: int = 0
    ids: Mapping[str, str] = field(default_factory=dict)

    def moved(self, name: str, stream_id: str, sent: bool) -> LivePosition:
        """The position once entry `stream_id` of `name` is read (and sent or skipped)."""
        return LivePosition(self.seq + (1 if sent else 0), {**self.ids, name: stream_id})


class BadPosition(ValueError):
    """A Last-Event-ID this stream did not send."""


def encode_position(position: LivePosition) -> str:
    payload = json.dumps(
        [position.seq, dict(sorted(position.ids.items()))], separators=(",", ":")
    ).encode()
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode("ascii")


def decode_position(text: str) -> LivePosition:
    """The position `text` stands for; BadPosition if it is not one."""
    if not text or len(text) > _MAX_CHARS or not text.isascii():
        raise BadPosition("not a live position")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        seq, ids = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise BadPosition("not a live position") from None
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0 or not isinstance(ids, dict):
        raise BadPosition("not a live position")
    for name, stream_id in ids.items():
        if not isinstance(stream_id, str) or not _STREAM_ID.match(stream_id):
            raise BadPosition("not a live position")
        if name != OWN and stream_author(name) is None:
            raise BadPosition("not a live position")
    return LivePosition(seq, dict(ids))


def lost_entries(position_id: str, oldest_kept_id: str | None) -> bool:
    """Whether entries after `position_id` may have been trimmed by the
    stream's cap: it trimmed some (`oldest_kept_id` is then the oldest it
    still holds) and the position is older than what it kept. Conservative:
    a position that was exactly the last entry trimmed is answered with a
    reset too, never with a silent gap."""
    if oldest_kept_id is None:
        return False
    return stream_id_key(position_id) < stream_id_key(oldest_kept_id)
