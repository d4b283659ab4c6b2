"""A share token opens its own playlist's link, and nothing forged or moved."""

from __future__ import annotations

import re

from gateway.music.requests import SHARE_TOKEN_PATTERN
from gateway.music.share_tokens import share_token, token_id_of

KEY = b"k" * 32


def test_a_token_names_its_link() -> None:
    token = share_token(KEY, "p1", "01JLINK")
    assert re.match(SHARE_TOKEN_PATTERN, token)
    assert token_id_of(KEY, "p1", token) == "01JLINK"


def test_a_forged_or_moved_token_opens_nothing() -> None:
    token = share_token(KEY, "p1", "01JLINK")
    link, mac = token.split(".")
    assert token_id_of(KEY, "p2", token) is None  # another playlist
    assert token_id_of(b"x" * 32, "p1", token) is None  # another gateway's key
    assert token_id_of(KEY, "p1", f"01JOTHER.{mac}") is None
    assert token_id_of(KEY, "p1", link) is None
    assert token_id_of(KEY, "p1", f"{link}.{'A' * 43}") is None
