"""API keys: who is calling and what they may do.

A key is `<key_id>.<secret>`. The key file (settings.api_keys_file) holds, per
key id, the sha256 of the secret, the scopes, an optional rate limit and the
principals the key acts for, one entry field per kind of principal a domain
declares (`Principal.key_file_field`: the exchange's `accounts`, a list; the
judge's `learner`, one id; gateway/access.py says what that allows). The
secret itself is shown once, at creation, and never stored, logged or echoed.
Secrets are 256 random bits, so a plain sha256 is enough: there is nothing to
brute-force that a slow hash would protect.

Entries written before keys had principals have no such field: they load as
keys acting for no one, so they keep their scopes but reach another
principal's objects only with an operator scope.

A key holds its principals by kind (`ApiKey.principals`), but the file keeps
the entry fields it always had rather than one `principals` object: files
written before stay valid as they are, and a gateway not yet restarted onto
this code still reads the keys created after.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from starlette.requests import HTTPConnection

from gateway.domain import gateway_domains
from gateway.fields import CallerId
from gateway.principal import Principal
from gateway.problems import Problem

KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Every domain's scopes (`GatewayDomain.scopes`), then the analytics
# endpoint's (gateway/analytics.py READ).
SCOPES = (*(scope for domain in gateway_domains() for scope in domain.scopes), "analytics:read")
# Every domain's kinds of principal (`GatewayDomain.principals`), in the list's order.
PRINCIPALS: tuple[Principal, ...] = tuple(
    principal for domain in gateway_domains() for principal in domain.principals
)


@dataclass(frozen=True)
class RateLimit:
    per_minute: int
    burst: int


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    scopes: frozenset[str]
    rate_limit: RateLimit | None = None
    # Whom it acts for, by kind of principal (`Principal.kind`: "account",
    # "learner"); a kind it acts for no one of is absent.
    principals: Mapping[str, frozenset[str]] = field(default_factory=dict)


_principal_id: TypeAdapter[str] = TypeAdapter(CallerId)


def _checked_principal(what: str, value: str) -> str:
    try:
        return _principal_id.validate_python(value)
    except ValidationError as exc:
        raise ValueError(f"{what} {value!r}: 1-64 characters of A-Z a-z 0-9 _ . : -") from exc


def _principal_fields(given: Mapping[str, str | Iterable[str] | None]) -> dict[str, Any]:
    """The key file's entry fields for the principals `given` by kind, checked."""
    known = [principal.kind for principal in PRINCIPALS]
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ValueError(f"unknown kinds of principal {unknown}; known: {known}")
    fields: dict[str, Any] = {}
    for principal in PRINCIPALS:
        named = given.get(principal.kind)
        ids = (named,) if isinstance(named, str) else tuple(named or ())
        checked = sorted({_checked_principal(principal.kind, id_) for id_ in ids})
        if not checked:
            continue
        if principal.several_per_key:
            fields[principal.key_file_field] = checked
        elif len(checked) == 1:
            fields[principal.key_file_field] = checked[0]
        else:
            raise ValueError(f"a key acts as one {principal.kind}, not {checked}")
    return fields


def _granted(entry: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """Whom a key file entry acts for, by kind of principal."""
    granted: dict[str, frozenset[str]] = {}
    for principal in PRINCIPALS:
        recorded = entry.get(principal.key_file_field)
        if recorded:
            granted[principal.kind] = (
                frozenset(recorded) if principal.several_per_key else frozenset((recorded,))
            )
    return granted


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(
    path: Path,
    key_id: str,
    scopes: Iterable[str],
    *,
    rate_per_minute: int | None = None,
    burst: int | None = None,
    principals: Mapping[str, str | Iterable[str] | None] | None = None,
) -> str:
    """Add (or replace) a key in the key file and return the full key, once.

    The returned string `<key_id>.<secret>` is what a client sends; only the
    hash of the secret is written. `principals` names whom the key acts for,
    by kind (`Principal.kind`): ids, or one id (a str); a kind with one
    principal per key (a learner) takes at most one.
    """
    if not KEY_ID_PATTERN.match(key_id):
        raise ValueError("key id: 1-64 characters of A-Z a-z 0-9 _ -")
    scope_list = sorted(set(scopes))
    unknown = [s for s in scope_list if s not in SCOPES]
    if unknown:
        raise ValueError(f"unknown scopes {unknown}; known: {list(SCOPES)}")
    secret = secrets.token_urlsafe(32)
    entry: dict[str, Any] = {"sha256": hash_secret(secret), "scopes": scope_list}
    entry.update(_principal_fields(principals or {}))
    if rate_per_minute is not None:
        entry["rate_limit"] = {"per_minute": rate_per_minute, "burst": burst or rate_per_minute}
    with _file_lock:
        document = _read(path)
        document.setdefault("keys", {})[key_id] = entry
        _write_atomically(path, document)
    return f"{key_id}.{secret}"


def revoke_api_key(path: Path, key_id: str) -> bool:
    with _file_lock:
        document = _read(path)
        removed = document.get("keys", {}).pop(key_id, None) is not None
        _write_atomically(path, document)
    return removed


_file_lock = threading.Lock()


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {"keys": {}}
    document = json.loads(path.read_text())
    if not isinstance(document, dict):
        raise ValueError(f"{path}: not a key file")
    return document


def _write_atomically(path: Path, document: dict[str, Any]) -> None:
    # Readers reload on change: they must never see half a file.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".api-keys.")
    try:
        with os.fdopen(fd, "w") as out:
            json.dump(document, out, indent=2, sort_keys=True)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ApiKeyStore:
    """Looks keys up in the key file, reloading it when it changes on disk,
    so a key created by the CLI works without restarting the gateway."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stamp: tuple[int, int] | None = None
        self._entries: dict[str, dict[str, Any]] = {}

    def _refresh(self) -> None:
        try:
            stat = self._path.stat()
        except FileNotFoundError:
            self._stamp, self._entries = None, {}
            return
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            self._entries = dict(_read(self._path).get("keys", {}))
            self._stamp = stamp

    def verify(self, presented: str) -> ApiKey | None:
        key_id, dot, secret = presented.partition(".")
        if not dot or not secret or not KEY_ID_PATTERN.match(key_id):
            return None
        self._refresh()
        entry = self._entries.get(key_id)
        if entry is None:
            # Hash anyway so an unknown id costs the same as a wrong secret.
            hmac.compare_digest(hash_secret(secret), "0" * 64)
            return None
        if not hmac.compare_digest(hash_secret(secret), str(entry.get("sha256", ""))):
            return None
        limit = entry.get("rate_limit")
        return ApiKey(
            key_id=key_id,
            scopes=frozenset(entry.get("scopes", ())),
            rate_limit=RateLimit(int(limit["per_minute"]), int(limit["burst"])) if limit else None,
            principals=_granted(entry),
        )


def presented_key(conn: HTTPConnection) -> str | None:
    authorization = conn.headers.get("authorization")
    if authorization:
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() == "bearer" and credentials.strip():
            return credentials.strip()
        return None
    api_key = conn.headers.get("x-api-key")
    return api_key.strip() if api_key else None


_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="onelog"'}


def authenticate(conn: HTTPConnection, store: ApiKeyStore, scope: str) -> ApiKey:
    """The caller's key, if it is valid and grants `scope`; else 401 or 403."""
    presented = presented_key(conn)
    if presented is None:
        raise Problem(
            401,
            "unauthenticated",
            "send an API key as 'Authorization: Bearer <key_id>.<secret>' or 'X-API-Key'",
            headers=_CHALLENGE,
        )
    key = store.verify(presented)
    if key is None:
        raise Problem(401, "invalid-api-key", "the API key is not valid", headers=_CHALLENGE)
    if scope not in key.scopes:
        raise Problem(403, "insufficient-scope", f"this key lacks the scope {scope!r}")
    return key
