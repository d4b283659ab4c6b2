"""The judge's value types as the generated harnesses read them.

A FunctionSignature names each parameter's type and the result's in a small
language of its own: `int | long | double | bool | string` followed by any
number of `[]`. A glue generator (`<language>_glue.py`) needs it split into
the element type and the depth of nesting, and must refuse what its language
cannot marshal with the judge's error, never the learner's. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from streams.judge.harness import HarnessError

SCALARS = ("int", "long", "double", "bool", "string")
_VALUE_TYPE = re.compile(r"(?P<scalar>[a-z]+)(?P<dims>(\[\])*)")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class ValueType:
    scalar: str  # one of SCALARS
    depth: int  # how many [] follow it: 0 a scalar, 1 an array, 2 an array of arrays


def value_type(text: str, language: str, *, max_depth: int | None = None) -> ValueType:
    """`text` split into scalar and depth; HarnessError if `language` cannot marshal it."""
    match = _VALUE_TYPE.fullmatch(text)
    if match is None or match["scalar"] not in SCALARS:
        raise HarnessError(
            f"{language}: {text!r} is not a value type the harness knows "
            f"({', '.join(SCALARS)}, each with any number of [])"
        )
    found = ValueType(match["scalar"], len(match["dims"]) // 2)
    if max_depth is not None and found.depth > max_depth:
        raise HarnessError(
            f"{language}: {text!r} nests {found.depth} deep; the harness marshals "
            f"at most {max_depth} levels of []"
        )
    return found


def identifier(name: str, language: str) -> str:
    """The function's name, if the generated code can call it as written."""
    if not _IDENTIFIER.fullmatch(name):
        raise HarnessError(f"{language}: {name!r} is not a function name the glue can call")
    return name
