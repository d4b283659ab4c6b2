"""Property: whatever JSON arrives, a command is either refused with a 422 or
encodes to a record; never another exception (a 500 or a poison record)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.exchange.commands import BY_NAME, COMMANDS
from gateway.problems import Problem
from gateway.writes import prepare, validate
from schemas.registry import registry

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)
plausible = {
    "account_id": st.one_of(st.just("alice"), st.text(max_size=70)),
    "symbol": st.one_of(st.just("ACME"), st.text(max_size=20)),
    "order_id": st.one_of(st.just("01J0000000000000000000000Z"), st.text(max_size=30)),
    "amount": st.one_of(st.integers(min_value=-5, max_value=2**64), json_values),
    "quantity": st.one_of(st.integers(min_value=-5, max_value=2**64), json_values),
    "price": st.one_of(st.none(), st.integers(min_value=-5, max_value=2**64)),
    "cash_limit": st.one_of(st.none(), st.integers(min_value=-5, max_value=2**64)),
    "side": st.sampled_from(["buy", "sell", "BUY", ""]),
    "type": st.sampled_from(["limit", "market", "stop"]),
    "time_in_force": st.sampled_from(["GTC", "IOC", "FOK", "DAY"]),
    "direction": st.sampled_from(["in", "out", "sideways"]),
    "client_order_id": st.text(max_size=70),
    "reason": st.text(max_size=20),
    "tick_size": st.integers(min_value=-1, max_value=2**64),
    "lot_size": st.integers(min_value=-1, max_value=2**64),
    "occurred_at": st.one_of(st.none(), st.integers(min_value=-1, max_value=2**64)),
}
bodies = st.fixed_dictionaries({}, optional={**plausible, "junk": json_values})


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from([c.name for c in COMMANDS]), body=bodies)
def test_any_body_is_refused_cleanly_or_encodes(name: str, body: dict[str, Any]) -> None:
    command = BY_NAME[name]
    path = {f: body.pop(f) for f in command.path_fields if f in body}
    try:
        request, path_model = validate(command, body, path, path_in_body=True)
    except Problem as problem:
        assert problem.status == 422 and problem.errors
        return
    prepared = prepare(command, request, path_model, producer_id="p", correlation_id=None)
    assert registry().decode(prepared.value) == prepared.record
