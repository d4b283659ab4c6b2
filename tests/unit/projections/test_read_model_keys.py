"""Each projection declares the Redis keys of its read model (what verify
compares): every key its writes touch falls under them, and the judge's live
progress, written beside the read model, does not."""

from __future__ import annotations

from collections.abc import Iterable

from projections.exchange import PROJECTION as EXCHANGE
from projections.judge import PROJECTION as JUDGE
from projections.judge import keys as judge_keys
from projections.projection import Projection
from schemas.envelope import Record
from tests.unit.projections.exchange.records import trading_session
from tests.unit.projections.judge.records import story


def _written_keys(projection: Projection, records: Iterable[Record]) -> set[str]:
    return {
        write[1]
        for record in records
        for write in projection.writes_of(type(record), record.model_dump(), False)
    }


def test_every_exchange_key_written_is_in_its_read_model() -> None:
    written = _written_keys(EXCHANGE, (r for _, _, r in trading_session().steps))
    assert written
    assert all(key.startswith(EXCHANGE.redis_keys) for key in written)


def test_every_judge_key_written_is_in_its_read_model() -> None:
    written = _written_keys(JUDGE, (r for _, _, r in story().steps))
    assert {key.split(":")[1] for key in written} >= {"problem", "submission", "progress"}
    assert all(key.startswith(JUDGE.redis_keys) for key in written)


def test_the_judge_live_progress_is_no_read_model() -> None:
    assert not judge_keys.live("S1").startswith(JUDGE.redis_keys)
