"""The pieces that make a rebuild fast must not change what it builds:
the validity pre-check agrees with pydantic, JSON text is json.dumps's,
Arrow types follow ClickHouse's, and partitions are shared out evenly."""

from __future__ import annotations

import json
import random
from typing import Any

import pyarrow as pa
import pytest
from pydantic import ValidationError

from projections.arrow_rows import UnsupportedColumn, arrow_table, arrow_type
from projections.json_text import compact_json
from projections.record_check import check_for
from projections.replay_workers import share_streams
from schemas import exchange as ex
from schemas.envelope import Record
from schemas.registry import registry
from tests.unit.projections.exchange.records import Session, trading_session


def _pydantic_accepts(model: type, value: dict[str, Any]) -> bool:
    try:
        model.model_validate(value)  # type: ignore[attr-defined]
    except ValidationError:
        return False
    return True


def _examples() -> list[tuple[type[Record], dict[str, Any]]]:
    session = trading_session()
    session.add("exchange.commands", "a", ex.DepositCash, account_id="a", amount=5)
    session.add(
        "exchange.commands",
        "a",
        ex.TransferShares,
        account_id="a",
        symbol="ACME",
        quantity=3,
        direction="in",
    )
    return [(type(r), r.model_dump()) for _, _, r in session]


# Models with a validator of their own (a catalog key agreeing with its id, a
# list of ids each checked): pydantic alone can run it, so replay validates
# them with pydantic. Named one by one, so a model that loses its pre-check
# by accident still fails here.
_VALIDATED_BY_PYDANTIC = {
    "ArtistPublished", "AlbumPublished", "TrackPublished", "CatalogEntryWithdrawn",
    "RemoveTracks", "MoveTracks", "TracksRemoved", "TracksMoved", "DiscoveryPlaylistComputed",
    "ProblemPublished",  # its function's types, one per parameter, each a value type
}  # fmt: skip


def test_every_model_has_a_pre_check() -> None:
    unchecked = {m.__name__ for m in registry().models() if check_for(m) is None}
    assert unchecked == _VALIDATED_BY_PYDANTIC


@pytest.mark.parametrize(
    ("change", "valid"),
    [
        ({}, True),
        ({"duration_ms": 1, "artist_id": "a1"}, True),
        ({"duration_ms": 0}, False),
        ({"artist_id": "not an id"}, False),
        ({"context_id": "x" * 65}, False),
    ],
)
def test_a_constraint_on_an_optional_field_holds_for_a_value_only(
    change: dict[str, Any], valid: bool
) -> None:
    from schemas.music.plays import PlayEnded

    value = {
        "envelope": _an_envelope(), "listener": "l1", "track_id": "t1", "started_at_ms": 1,
        "ms_played": 1, "context": None, "context_id": None, "device": None, "country": None,
        "duration_ms": None, "artist_id": None,
    } | change  # fmt: skip
    check = check_for(PlayEnded)
    assert check is not None
    assert check(value) is valid is _pydantic_accepts(PlayEnded, value)


def test_the_pre_check_agrees_with_pydantic_on_mutated_records() -> None:
    rng = random.Random(7)
    odd_values: list[Any] = ["", "buy", "sell", "GTC", "nope", "in", "filled", 0, -1, 1, None]
    for model, value in _examples():
        check = check_for(model)
        assert check is not None and check(value)
        for _ in range(200):
            mutated = dict(value)
            name = rng.choice([n for n in mutated if n != "envelope"])
            original = mutated[name]
            candidates = [v for v in odd_values if type(v) is type(original)]
            if original is None or model.model_fields[name].default is None:
                candidates += [None]
            if not candidates:
                continue
            mutated[name] = rng.choice(candidates)
            assert check(mutated) == _pydantic_accepts(model, mutated), (model, name, mutated)


def test_a_bound_is_checked() -> None:
    session = Session()
    session.add("exchange.commands", "a", ex.DepositCash, account_id="a", amount=5)
    ((_, _, record),) = list(session)
    value = record.model_dump()
    check = check_for(ex.DepositCash)
    assert check is not None
    assert check(value)
    assert not check(value | {"amount": 0})


@pytest.mark.parametrize(
    "value",
    [
        {"a": "plain", "n": 2**63 - 1, "z": None, "l": [True, False]},
        {"b": "caf\u00e9 \U0001f600", "c": "tab\tnew\nline\x00\x1f\x7f"},
        {"big": 2**70, "nested": {"y": 1, "x": [{"q": "\u2028"}]}},
    ],
)
def test_json_text_is_what_json_dumps_prints(value: dict[str, Any]) -> None:
    for sort_keys in (False, True):
        expected = json.dumps(value, separators=(",", ":"), sort_keys=sort_keys)
        assert compact_json(value, sort_keys=sort_keys) == expected


def test_arrow_types_follow_clickhouse_columns() -> None:
    assert arrow_type("LowCardinality(String)") == (pa.string(), pa.string())
    assert arrow_type("Nullable(Int64)") == (pa.int64(), pa.int64())
    assert arrow_type("DateTime64(6, 'UTC')") == (pa.int64(), pa.timestamp("us", "UTC"))
    assert arrow_type("Nullable(DateTime64(3, 'UTC'))")[1] == pa.timestamp("ms", "UTC")
    with pytest.raises(UnsupportedColumn):
        arrow_type("Float64")
    table = arrow_table(
        [(1_700_000_000_123_456, None), (5, 7)],
        ["at", "n"],
        {"at": "DateTime64(6, 'UTC')", "n": "Nullable(Int64)"},
    )
    assert table.column("at").type == pa.timestamp("us", "UTC")
    assert table.column("n").to_pylist() == [None, 7]


def test_partitions_are_shared_by_record_count() -> None:
    sizes = {("a", 0): 100, ("a", 1): 60, ("b", 0): 50, ("b", 1): 10, ("c", 0): 0}
    shares = share_streams(sizes, 2)
    loads = sorted(sum(sizes[s] for s in share) for share in shares)
    assert loads == [110, 110]
    assert sorted(s for share in shares for s in share) == sorted(sizes)
    assert share_streams({("a", 0): 5}, 4) == [[("a", 0)]]


def _an_envelope() -> dict[str, Any]:
    envelope: dict[str, Any] = _examples()[0][1]["envelope"]
    return envelope


@pytest.mark.parametrize(
    ("handle", "valid"),
    [("alice_1", True), ("", False), ("Alice", False), ("alice\n", False), ("a" * 31, False)],
)
def test_a_strings_pattern_is_checked_as_pydantic_checks_it(handle: str, valid: bool) -> None:
    from schemas.feed.records import CreateMember

    value = {"envelope": _an_envelope(), "member": "m1", "handle": handle}
    check = check_for(CreateMember)
    assert check is not None
    assert bool(check(value)) is valid
    assert _pydantic_accepts(CreateMember, value) is valid


@pytest.mark.parametrize(("length", "valid"), [(5_000, True), (5_001, False)])
def test_a_strings_length_is_checked_as_pydantic_checks_it(length: int, valid: bool) -> None:
    from schemas.feed.records import PostPublished

    value = {
        "envelope": _an_envelope(), "member": "m1", "post_id": "p1", "published_at_ms": 1,
        "text": "x" * length, "links": [], "media": [], "delivery": "push",
    }  # fmt: skip
    check = check_for(PostPublished)
    assert check is not None
    assert bool(check(value)) is valid
    assert _pydantic_accepts(PostPublished, value) is valid
