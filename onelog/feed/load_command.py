"""`onelog feed load-graph`: a generated social graph, loaded through the
gateway's batch route with the dev key `up` made (or --key)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict

from infra.progress import ProgressBar
from infra.settings import load_settings
from onelog.domain import DomainCommand
from onelog.feed.graph_generator import DEFAULT_MEMBERS, GraphShape, follow_count
from onelog.output import print_result


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--members", type=int, default=DEFAULT_MEMBERS, help="how many members")
    parser.add_argument("--seed", type=int, default=0, help="the same seed, the same graph")
    parser.add_argument("--posts-per-member", type=int, default=1, help="posts after the follows")
    parser.add_argument("--prefix", default="m", help="before the number in member ids and handles")
    parser.add_argument("--key", help="an API key with feed:write acting for every member")
    # 500 post lines fit the gateway's default body limit (64 KiB); a larger
    # batch it refuses (413) is halved until it fits.
    parser.add_argument("--batch-lines", type=int, default=500, help="lines per batch request")
    parser.add_argument("--parallel", type=int, default=2, help="batch requests in flight")


def _dev_key() -> str | None:
    from onelog.cli import DEV_KEY_FILE

    path = load_settings().state_dir / DEV_KEY_FILE
    return path.read_text().strip() if path.exists() else None


def load_graph_command(args: argparse.Namespace) -> int:
    from onelog.feed.graph_loader import load_graph

    settings = load_settings()
    key = args.key or _dev_key()
    if not key:
        print("no key: run `onelog up` (it makes the dev key) or give --key", file=sys.stderr)
        return 2
    try:
        shape = GraphShape(args.members, args.seed, args.posts_per_member, args.prefix)
    except ValueError as bad:
        print(f"onelog feed load-graph: {bad}", file=sys.stderr)
        return 2
    total = shape.members * (1 + shape.posts_per_member) + follow_count(shape)
    bar = ProgressBar("loading the graph", total, enabled=not args.json, unit="lines")
    summary = load_graph(
        settings.gateway_url,
        key,
        shape,
        batch_lines=args.batch_lines,
        parallel=args.parallel,
        progress=lambda phase, lines: bar.advance(lines),
        note=lambda text: print(f"\n{text}", file=sys.stderr),
    )
    bar.close()
    human = (
        f"loaded {summary.members} members, {summary.follows} follows, {summary.posts} posts "
        f"in {summary.seconds:.1f} s ({summary.lines_per_s:,.0f} lines/s), "
        f"{summary.failures} failures"
        + "".join(f"\n  {failure}" for failure in summary.first_failures)
    )
    data = asdict(summary) | {"lines_per_s": summary.lines_per_s, "seed": shape.seed}
    print_result(args, human, data)
    return 0 if summary.failures == 0 else 1


LOAD_GRAPH = DomainCommand(
    "load-graph",
    "load a generated social graph (power-law followers) through the batch route",
    _arguments,
    load_graph_command,
)
