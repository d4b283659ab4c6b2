"""The credential the projector's SQL endpoint asks of its callers.

The endpoint is internal: the gateway (for analysts' keys), `onelog sql` and
replay reach it. They share one random token, kept in a 0600 file of the
state folder, so only the platform's own user can read it. Whoever starts
first (the projector, on `onelog up`) creates it; the others read it.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

TOKEN_FILE = "analytics-token"


def analytics_token(state_dir: Path) -> str:
    """The platform's analytics token, created on first use."""
    path = state_dir / TOKEN_FILE
    if path.exists():
        return _read(path)
    state_dir.mkdir(parents=True, exist_ok=True)
    # mkstemp makes the file 0600; link() publishes it whole or not at all,
    # and refuses to replace a token that another process published first.
    fd, tmp = tempfile.mkstemp(dir=state_dir, prefix=f".{TOKEN_FILE}.")
    try:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(32))
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)
    return _read(path)


def _read(path: Path) -> str:
    token = path.read_text().strip()
    if not token:
        raise RuntimeError(f"{path} is empty: delete it and restart the projector")
    return token


def presents_token(authorization: str | None, token: str) -> bool:
    """Whether an Authorization header carries `Bearer <token>`, compared in
    constant time so the answer's timing says nothing about the token."""
    scheme, _, presented = (authorization or "").partition(" ")
    matches = hmac.compare_digest(presented.strip().encode(), token.encode())
    return scheme.lower() == "bearer" and matches
