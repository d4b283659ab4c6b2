"""`onelog music verify-search`: the search index rebuilt from offset 0 into
a fresh folder and compared with the live one (projections/music/search_verify.py)."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from infra.settings import load_settings
from onelog.domain import DomainCommand
from onelog.output import print_result


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait", type=float, default=30.0, help="seconds to wait for the live index to catch up"
    )


def verify_search_command(args: argparse.Namespace) -> int:
    from projections.music.search_verify import verify_search

    verdict = verify_search(load_settings(), wait_s=args.wait)
    if verdict.equal:
        human = f"search: the live index equals the rebuild ({verdict.documents} documents)"
    elif not verdict.compared_at_same_position:
        human = (
            "search: the live index is not at the rebuild's position (the log moved on,"
            " or the indexer is behind or down); try again"
        )
    else:
        human = "search: the live index differs from the rebuild: " + ", ".join(verdict.differences)
    print_result(args, human, asdict(verdict))
    return 0 if verdict.equal else 1


VERIFY_SEARCH = DomainCommand(
    "verify-search",
    "rebuild the search index from offset 0 and compare it with the live one",
    _arguments,
    verify_search_command,
)
