"""Custom checker for group-anagrams: the groups, and the words in a group, may come in any order.

Usage: checker.py <input> <expected> <actual>; exit 0 to accept, 1 to reject
(the reason on stdout).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def canonical(groups: object) -> list[list[str]] | None:
    if not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
        return None
    if not all(isinstance(word, str) for g in groups for word in g):
        return None
    return sorted(sorted(g) for g in groups)


def main() -> int:
    _, _input, expected_path, actual_path = sys.argv
    expected = canonical(json.loads(Path(expected_path).read_text(encoding="utf-8")))
    try:
        actual = canonical(json.loads(Path(actual_path).read_text(encoding="utf-8")))
    except ValueError:
        print("the output is not JSON")
        return 1
    if actual is None:
        print("the output is not an array of arrays of strings")
        return 1
    if actual != expected:
        print("the groups differ from the expected ones")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
