"""Function-style harness for Python: JSON arguments on stdin, the JSON result on stdout.

Run as `python3 harness.py <function>` next to the learner's main.py. The
learner's own prints go to stderr, so stdout carries nothing but the result:
one line of compact JSON (the form the expected outputs are written in).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import re
import sys
from collections.abc import Callable
from typing import Any


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _find(module: Any, name: str) -> Callable[..., Any] | None:
    # A top-level function first, then LeetCode's `class Solution` method;
    # each under the signature's name or its snake_case spelling.
    for candidate in (name, _snake(name)):
        fn = getattr(module, candidate, None)
        if callable(fn):
            return fn  # type: ignore[no-any-return]
    solution = getattr(module, "Solution", None)
    if isinstance(solution, type):
        for candidate in (name, _snake(name)):
            if callable(getattr(solution, candidate, None)):
                return getattr(solution(), candidate)  # type: ignore[no-any-return]
    return None


def main() -> int:
    name = sys.argv[1]
    args = json.loads(sys.stdin.read())
    sys.setrecursionlimit(100_000)
    with contextlib.redirect_stdout(sys.stderr):
        spec = importlib.util.spec_from_file_location("main", "main.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["main"] = module
        spec.loader.exec_module(module)
        fn = _find(module, name)
        if fn is None:
            print(f"harness: no function named {name!r} in main.py", file=sys.stderr)
            return 1
        result = fn(*args)
    sys.stdout.write(json.dumps(result, separators=(",", ":"), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
