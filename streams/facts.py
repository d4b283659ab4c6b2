"""What a pure stage takes and gives, in every domain."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from schemas.envelope import Record

Fact = tuple[type[Record], dict[str, Any]]
"""A decided fact: its record class and every payload field but the envelope."""

Message = Record | tuple[type[Record], Mapping[str, Any]]
"""An input: a decoded record, or a (record class, payload) pair such as a Fact."""
