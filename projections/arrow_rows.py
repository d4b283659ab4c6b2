"""Rows (tuples) -> an Arrow table typed after ClickHouse columns.

Inserting columns is what ClickHouse does best, and building an Arrow column
from a Python list happens in C: much cheaper than a JSON object per row.
DateTime64 values are given as integers in the column's unit since the
epoch (µs for DateTime64(6)), so they are stored exactly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

_INTEGERS = {
    "UInt8": pa.uint8(),
    "UInt16": pa.uint16(),
    "UInt32": pa.uint32(),
    "UInt64": pa.uint64(),
    "Int8": pa.int8(),
    "Int16": pa.int16(),
    "Int32": pa.int32(),
    "Int64": pa.int64(),
}
_WRAPPER = re.compile(r"^(?:Nullable|LowCardinality)\((.*)\)$")
_DATETIME64 = re.compile(r"^DateTime64\((\d)(?:,\s*'([^']*)')?\)$")
_TIME_UNITS = {"0": "s", "3": "ms", "6": "us", "9": "ns"}


class UnsupportedColumn(TypeError):
    """A ClickHouse column type the Arrow insert path does not map."""


def arrow_type(clickhouse_type: str) -> tuple[pa.DataType, pa.DataType]:
    """The Arrow type a column is built as, and the type it is sent as
    (they differ for times: built from integers, sent as timestamps)."""
    inner = clickhouse_type
    while match := _WRAPPER.match(inner):
        inner = match.group(1)
    if inner == "String":
        return pa.string(), pa.string()
    if inner in _INTEGERS:
        return _INTEGERS[inner], _INTEGERS[inner]
    if match := _DATETIME64.match(inner):
        unit = _TIME_UNITS.get(match.group(1))
        if unit is not None:
            return pa.int64(), pa.timestamp(unit, match.group(2) or "UTC")
    raise UnsupportedColumn(f"no Arrow mapping for ClickHouse type {clickhouse_type}")


def arrow_table(
    rows: Sequence[Sequence[Any]], columns: Sequence[str], types: Mapping[str, str]
) -> pa.Table:
    """The rows (each in `columns` order) as an Arrow table; `types` maps a
    column to its ClickHouse type."""
    arrays = []
    values_by_column = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    for name, values in zip(columns, values_by_column, strict=True):
        built, sent = arrow_type(types[name])
        array = pa.array(values, built)
        arrays.append(array if built == sent else array.cast(sent))
    return pa.Table.from_arrays(arrays, names=list(columns))


def arrow_ipc(table: pa.Table) -> bytes:
    """The table in the Arrow IPC stream format (ClickHouse's ArrowStream)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue())
