"""Which objects a key may act on: the principal behind the key.

Scopes say what a key may do; the principal says for whom. A trader's key
acts on the exchange accounts it was granted, a learner's key as its one
learner (both recorded in the key file, gateway/auth.py). Each domain
declares its kind of principal (gateway/principal.py; the exchange's ACCOUNT,
the judge's LEARNER). A key with an
operator scope acts for anyone in that domain: `exchange:operator` for every
account, `judge:operator` for every learner; services, support staff and the
key `onelog up` prints hold them. A key with neither acts for no one on the
routes that name an account, an order, a learner or a submission. Market data
and problems belong to no principal: any key with the read scope reads them.

A command acts for the principal its fields name (`account_id`, `user_id`),
in its path or its body, so a command added later that names one is checked
without being listed here. A stored object (an order, a submission) belongs
to the principal its read model names.

Refusals are 403 problem+json saying what the key acts for and naming the
field at fault. Pure: the callers read the objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from gateway.auth import PRINCIPALS, ApiKey
from gateway.command import Command
from gateway.principal import Principal
from gateway.problems import Problem

Where = Literal["body", "path"]
Stored = TypeVar("Stored", bound=Mapping[str, Any])


def acts_for(
    key: ApiKey,
    principal: Principal,
    named: str,
    *,
    field: str,
    where: Where,
    whose: str | None = None,
) -> None:
    """Return if `key` acts for the principal `named`, else raise a 403 naming
    `field` (in the body or the path). `whose` says whose principal it is
    when the field names an object rather than the principal ("the order's")."""
    granted = principal.granted(key)
    if principal.operator_scope in key.scopes or named in granted:
        return
    refused = f"{named!r}, {whose} {principal.kind}" if whose else repr(named)
    if not granted:
        detail = (
            f"this key acts for no {principal.kind}; not for {refused} (a key needs a "
            f"{principal.kind} of its own, or the {principal.operator_scope} scope)"
        )
    elif principal.several_per_key:
        detail = f"this key acts for {principal.kind}s {sorted(granted)}; not for {refused}"
    else:
        (own,) = granted
        detail = f"this key acts for {principal.kind} {own!r}; not for {refused}"
    at = {"pointer": f"#/{field}"} if where == "body" else {"parameter": field}
    raise Problem(
        403, f"foreign-{principal.kind}", detail, errors=[{"field": field, **at, "detail": detail}]
    )


def acts_for_command(
    key: ApiKey,
    command: Command,
    request: Any,
    path: BaseModel | None,
    *,
    path_in_body: bool,
) -> None:
    """Return if `key` acts for every principal the validated command names."""
    path_fields = command.path_fields
    body_fields = type(request).model_fields
    for principal in PRINCIPALS:
        if principal.field in path_fields:
            named = getattr(path, principal.field)
            where: Where = "body" if path_in_body else "path"
        else:
            # Only a field the body has: a missing attribute is pydantic's slow path.
            has = principal.field in body_fields
            named, where = getattr(request, principal.field) if has else None, "body"
        if named is not None:
            acts_for(key, principal, named, field=principal.field, where=where)


def owned(
    key: ApiKey, principal: Principal, what: str, stored: Stored | None, *, where: Where
) -> Stored | None:
    """`stored` (the read model's view of an order, a submission...) if `key`
    acts for the principal it names; None if it is unknown, or not yet known
    whose it is; else a 403 naming the object's id field, `<what>_id`."""
    if stored is None or stored.get(principal.field) is None:
        return None
    acts_for(
        key,
        principal,
        str(stored[principal.field]),
        field=f"{what}_id",
        where=where,
        whose=f"the {what}'s",
    )
    return stored
