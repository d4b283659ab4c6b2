"""A share link's secret token, and its check.

The log holds a link's `token_id` only (CreateShareLink): anyone who reads
the log, the archive or an audit sees it, so it opens nothing. The token a
201/202 tells its creator is `<token_id>.<mac>`, the MAC an HMAC-SHA256 of
the playlist and the token id under the gateway's share key (a secret file
of its own, as the feed's cursor key: never logged, never in a record). A
token is checked by recomputing its MAC, so nothing secret is stored, and a
token of one playlist opens no other.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from pathlib import Path

from infra.secret_file import read_or_create_secret
from infra.settings import Settings

_KEYS: dict[Path, bytes] = {}


def share_key(settings: Settings) -> bytes:
    """The share key, read once per state folder (created on first use)."""
    path = settings.state_dir / "music" / "share.key"
    key = _KEYS.get(path)
    if key is None:
        key = read_or_create_secret(path, lambda: secrets.token_bytes(32))
        _KEYS[path] = key
    return key


def _mac(key: bytes, playlist_id: str, token_id: str) -> str:
    digest = hmac.new(key, f"{playlist_id}/{token_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def share_token(key: bytes, playlist_id: str, token_id: str) -> str:
    """The secret token of link `token_id` of the playlist."""
    return f"{token_id}.{_mac(key, playlist_id, token_id)}"


def token_id_of(key: bytes, playlist_id: str, token: str) -> str | None:
    """The link id a token names if its MAC is this playlist's, else None."""
    token_id, _, mac = token.partition(".")
    if not token_id or not mac:
        return None
    if not hmac.compare_digest(mac, _mac(key, playlist_id, token_id)):
        return None
    return token_id
