"""Avro binary bodies read by a function made for each writer schema.

fastavro interprets the schema for every record it reads (a dictionary
lookup and a Python-level read per field); a rebuild reads millions of
records, and that was a quarter of its time. `compile_reader` writes one
straight-line Python function per schema instead: each field's bytes are
read in place, with the varint loop inlined, and the record comes back as
the same plain dict (fields in the writer schema's order) fastavro gives.

The reader is a fast path, not a second authority: it covers the types our
schemas use (null, boolean, long, string, bytes, records, arrays, unions)
and raises on anything odd (a truncated body, a negative length, a boolean
that is neither 0 nor 1, bad UTF-8) or ends somewhere else than the body's
end; the caller then asks fastavro, whose answer or error stands
(schemas/codec.py). Schema resolution (a record of an older version) is
left to fastavro too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# body, start -> (record, offset after it); raises on anything unexpected
Reader = Callable[[bytes, int], tuple[dict[str, Any], int]]


class NotCovered(Exception):
    """The schema uses something the generated reader does not read."""


def compile_reader(schema: Mapping[str, Any]) -> Reader | None:
    """A reader for records written with `schema`, or None if not covered."""
    try:
        lines = _Writer().record_function(schema)
    except NotCovered:
        return None
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), f"<avro reader {schema.get('name')}>", "exec"), namespace)
    reader: Reader = namespace["read"]
    return reader


class _Writer:
    def __init__(self) -> None:
        self._names = 0
        self._named: dict[str, Mapping[str, Any]] = {}
        self._open: set[str] = set()  # records being written: recursion is not covered

    def record_function(self, schema: Mapping[str, Any]) -> list[str]:
        body: list[str] = []
        result = self._value(schema, body, 1)
        return [
            "def read(data, i):",
            *body,
            f"    return {result}, i",
        ]

    def _name(self, prefix: str) -> str:
        self._names += 1
        return f"{prefix}{self._names}"

    def _value(self, schema: Any, out: list[str], depth: int) -> str:
        """Lines reading one value of `schema` into a new variable; its name."""
        if isinstance(schema, str):
            if schema in self._named:
                return self._value(self._named[schema], out, depth)
            return self._primitive(schema, out, depth)
        if isinstance(schema, list):
            return self._union(schema, out, depth)
        if not isinstance(schema, Mapping):
            raise NotCovered(repr(schema))
        kind = schema.get("type")
        if kind == "record":
            return self._record(schema, out, depth)
        if kind == "array":
            return self._array(schema, out, depth)
        if isinstance(kind, str) and not schema.keys() - {"type", "doc"}:
            return self._value(kind, out, depth)
        raise NotCovered(repr(kind))

    def _primitive(self, kind: str, out: list[str], depth: int) -> str:
        pad = "    " * depth
        target = self._name("v")
        if kind == "null":
            out.append(f"{pad}{target} = None")
        elif kind == "long" or kind == "int":
            self._long(target, out, depth)
        elif kind == "boolean":
            out += [
                f"{pad}{target} = data[i]",
                f"{pad}i += 1",
                f"{pad}if {target} > 1:",
                f"{pad}    raise ValueError('not a boolean')",
                f"{pad}{target} = {target} == 1",
            ]
        elif kind == "string" or kind == "bytes":
            size, stop = self._name("n"), self._name("j")
            self._long(size, out, depth)
            out += [
                f"{pad}{stop} = i + {size}",
                # A length past the end slices short and leaves i past it:
                # the next read, or the caller's end check, refuses the body.
                f"{pad}if {size} < 0:",
                f"{pad}    raise ValueError('negative length')",
                f"{pad}{target} = data[i:{stop}]" + (".decode()" if kind == "string" else ""),
                f"{pad}i = {stop}",
            ]
        else:
            raise NotCovered(kind)
        return target

    def _long(self, target: str, out: list[str], depth: int) -> None:
        """Zig-zag varint, inlined: most are one byte, times eight."""
        pad = "    " * depth
        byte, shift = self._name("b"), self._name("s")
        out += [
            f"{pad}{byte} = data[i]",
            f"{pad}i += 1",
            f"{pad}{target} = {byte} & 127",
            f"{pad}if {byte} > 127:",
            f"{pad}    {shift} = 7",
            f"{pad}    while True:",
            f"{pad}        {byte} = data[i]",
            f"{pad}        i += 1",
            f"{pad}        {target} |= ({byte} & 127) << {shift}",
            f"{pad}        if {byte} < 128:",
            f"{pad}            break",
            f"{pad}        {shift} += 7",
            f"{pad}{target} = ({target} >> 1) ^ -({target} & 1)",
        ]

    def _record(self, schema: Mapping[str, Any], out: list[str], depth: int) -> str:
        name = str(schema.get("name", ""))
        if name in self._open:
            raise NotCovered(f"recursive record {name}")
        self._named[name] = schema
        self._open.add(name)
        fields = []
        for field in schema["fields"]:
            fields.append((field["name"], self._value(field["type"], out, depth)))
        self._open.discard(name)
        target = self._name("r")
        pad = "    " * depth
        out.append(f"{pad}{target} = {{" + ", ".join(f"{n!r}: {v}" for n, v in fields) + "}")
        return target

    def _array(self, schema: Mapping[str, Any], out: list[str], depth: int) -> str:
        pad = "    " * depth
        target, count, size = self._name("a"), self._name("c"), self._name("z")
        out += [f"{pad}{target} = []", f"{pad}while True:"]
        self._long(count, out, depth + 1)
        out += [
            f"{pad}    if {count} == 0:",
            f"{pad}        break",
            f"{pad}    if {count} < 0:",
            f"{pad}        {count} = -{count}",
        ]
        self._long(size, out, depth + 2)  # a block's byte size: not needed here
        out.append(f"{pad}    for _ in range({count}):")
        item = self._value(schema["items"], out, depth + 2)
        out.append(f"{pad}        {target}.append({item})")
        return target

    def _union(self, branches: list[Any], out: list[str], depth: int) -> str:
        pad = "    " * depth
        target, index = self._name("u"), self._name("x")
        self._long(index, out, depth)
        for n, branch in enumerate(branches):
            out.append(f"{pad}{'if' if n == 0 else 'elif'} {index} == {n}:")
            value = self._value(branch, out, depth + 1)
            out.append(f"{pad}    {target} = {value}")
        out += [f"{pad}else:", f"{pad}    raise ValueError('no such branch')"]
        return target
