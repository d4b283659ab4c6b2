from __future__ import annotations

from onelog.exchange.audit import AuditEntry, _sibling_index
from schemas.ulid import derived_ulid


def _entry(event_id: str, cause: str | None, recorded_at: int) -> AuditEntry:
    return AuditEntry(
        topic="t",
        partition=0,
        offset=0,
        record_type="X",
        event_id=event_id,
        recorded_at=recorded_at,
        producer="p",
        causation_id=cause,
        fields={},
    )


def test_a_fact_knows_its_place_among_its_siblings() -> None:
    cause, recorded_at = "01JDQ3Z8M4X7K2N5P9R1T3V6W8", 1_700_000_000_123_456
    ids = [derived_ulid(cause, i, recorded_at // 1000) for i in range(5)]
    assert [_sibling_index(_entry(i, cause, recorded_at)) for i in ids] == [0, 1, 2, 3, 4]


def test_a_command_comes_first_and_a_stranger_last() -> None:
    assert _sibling_index(_entry("01JDQ3Z8M4X7K2N5P9R1T3V6W8", None, 5)) == 0
    stranger = _entry("01JDQ3Z8M4X7K2N5P9R1T3V6W9", "01JDQ3Z8M4X7K2N5P9R1T3V6W8", 5)
    assert _sibling_index(stranger) > 4
