"""The envelope the gateway seals around a command."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from schemas.exchange import DepositCash
from schemas.registry import registry
from schemas.ulid import is_ulid, ulid_from, ulid_millis
from streams.sealing import build_record, new_event_id, now_micros


def test_envelope_is_complete_and_round_trips() -> None:
    now = now_micros()
    event_id = new_event_id(now)
    record = build_record(
        DepositCash,
        {"account_id": "alice", "amount": 500},
        event_id=event_id,
        key="alice",
        producer="trader-1",
        correlation_id=None,
        occurred_at=None,
        recorded_at=now,
    )
    env = record.envelope
    assert is_ulid(env.event_id) and ulid_millis(env.event_id) == now // 1000
    assert env.type == "onelog.exchange.DepositCash" and env.schema_version == 1
    assert env.occurred_at == env.recorded_at == now
    assert env.correlation_id == event_id and env.causation_id is None
    assert registry().decode(registry().encode(record)) == record


def test_given_occurred_at_and_correlation_id_are_kept() -> None:
    record = build_record(
        DepositCash,
        {"account_id": "alice", "amount": 500},
        event_id=new_event_id(now_micros()),
        key="alice",
        producer="trader-1",
        correlation_id="corr-1",
        occurred_at=1_700_000_000_000_000,
        recorded_at=now_micros(),
    )
    assert record.envelope.occurred_at == 1_700_000_000_000_000
    assert record.envelope.correlation_id == "corr-1"


def _ulid_five_bits_at_a_time(millis: int, entropy: bytes) -> str:
    value = (millis << 80) | int.from_bytes(entropy, "big")
    return "".join("0123456789ABCDEFGHJKMNPQRSTVWXYZ"[(value >> (5 * i)) & 31]
                   for i in reversed(range(26)))  # fmt: skip


@given(millis=st.integers(0, 2**48 - 1), entropy=st.binary(min_size=10, max_size=10))
def test_ulids_are_crockford_base32_of_time_and_entropy(millis: int, entropy: bytes) -> None:
    assert ulid_from(millis, entropy) == _ulid_five_bits_at_a_time(millis, entropy)
