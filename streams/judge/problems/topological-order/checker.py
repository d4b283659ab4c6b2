"""Custom checker for topological-order: any order that respects every prerequisite is right.

Usage: checker.py <input> <expected> <actual>; exit 0 to accept, 1 to reject
(the reason on stdout). The expected output only tells whether an order exists.
"""

from __future__ import annotations

import sys
from pathlib import Path


def verdict(graph: list[str], expected: list[str], actual: list[str]) -> str | None:
    """None when `actual` is right, else why it is wrong."""
    n, m = int(graph[0]), int(graph[1])
    if expected == ["IMPOSSIBLE"]:
        return None if actual == ["IMPOSSIBLE"] else "an order was printed, but none exists"
    if actual == ["IMPOSSIBLE"]:
        return "IMPOSSIBLE was printed, but an order exists"
    if len(actual) != n:
        return f"expected {n} courses, got {len(actual)} tokens"
    position: dict[int, int] = {}
    for index, token in enumerate(actual):
        if not token.lstrip("-").isdigit() or not 1 <= int(token) <= n:
            return f"not a course number: {token[:20]!r}"
        if int(token) in position:
            return f"course {token} appears twice"
        position[int(token)] = index
    for i in range(m):
        u, v = int(graph[2 + 2 * i]), int(graph[3 + 2 * i])
        if position[u] > position[v]:
            return f"course {v} comes before its prerequisite {u}"
    return None


def main() -> int:
    _, input_path, expected_path, actual_path = sys.argv
    graph = Path(input_path).read_text(encoding="utf-8").split()
    expected = Path(expected_path).read_text(encoding="utf-8").split()
    actual = Path(actual_path).read_text(encoding="utf-8", errors="replace").split()
    reason = verdict(graph, expected, actual)
    if reason is not None:
        print(reason)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
