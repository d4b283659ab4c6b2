"""How every `onelog` command answers: for people by default, JSON with --json."""

from __future__ import annotations

import argparse
import json
from typing import Any


def print_result(args: argparse.Namespace, human: str, data: Any) -> None:
    print(json.dumps(data, default=str) if args.json else human)
