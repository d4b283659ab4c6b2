"""ULIDs: 48-bit millisecond time + 80 bits, Crockford base32, sortable as text.

The gateway draws the 80 bits at random. Processors derive them from the record
they answer, so replaying the same input yields the same ids byte for byte.
"""

from __future__ import annotations

import hashlib
import os

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE = {c: i for i, c in enumerate(_ALPHABET)}


# Every 10-bit number as its two characters: a ULID (130 bits, the top two
# zero) is 13 of them. Ten bits at a time, not five: the gateway makes two ids
# per command and the stages derive one per fact, and five cost ~4 µs each.
_PAIRS = [_ALPHABET[n >> 5] + _ALPHABET[n & 31] for n in range(1024)]
_SHIFTS = tuple(range(120, -1, -10))


def ulid_from(millis: int, entropy: bytes) -> str:
    if not 0 <= millis < 1 << 48:
        raise ValueError(f"ULID time out of range: {millis}")
    if len(entropy) != 10:
        raise ValueError("ULID entropy must be 10 bytes")
    value = (millis << 80) | int.from_bytes(entropy, "big")
    return "".join([_PAIRS[(value >> shift) & 1023] for shift in _SHIFTS])


def new_ulid(millis: int) -> str:
    return ulid_from(millis, os.urandom(10))


def derived_ulid(parent_id: str, index: int, millis: int) -> str:
    """The id of the index-th record caused by parent_id: deterministic."""
    digest = hashlib.blake2b(f"{parent_id}/{index}".encode(), digest_size=10).digest()
    return ulid_from(millis, digest)


def ulid_millis(ulid: str) -> int:
    value = 0
    for c in ulid.upper():
        value = (value << 5) | _DECODE[c]
    return value >> 80


def is_ulid(text: str) -> bool:
    return len(text) == 26 and text[0] in "01234567" and all(c in _DECODE for c in text.upper())
