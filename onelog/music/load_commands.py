"""`onelog music load-catalog` and `onelog music load-plays`: a generated
catalog, and plays of it, loaded through the gateway with the dev key `up`
made (or --key). The play generator regenerates the catalog from the same
--tracks and --catalog-seed, so its plays name tracks the catalog has."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import asdict

from infra.progress import ProgressBar
from infra.settings import load_settings
from onelog.domain import DomainCommand
from onelog.music.catalog_generator import (
    DEFAULT_TRACKS,
    CatalogShape,
    catalog_lines,
    generate_catalog,
    line_count,
)
from onelog.music.catalog_loader import CATALOG_ROUTE, PLAYS_PER_REQUEST, PLAYS_ROUTE, LoadTally
from onelog.music.play_generator import DEFAULT_LISTENERS, DEFAULT_PLAYS, PlayShape, play_lines
from onelog.output import print_result


def _dev_key() -> str | None:
    from onelog.cli import DEV_KEY_FILE

    path = load_settings().state_dir / DEV_KEY_FILE
    return path.read_text().strip() if path.exists() else None


def _common(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--tracks", type=int, default=DEFAULT_TRACKS, help="tracks in the catalog")
    parser.add_argument("--prefix", default="", help="before every catalog id")
    parser.add_argument("--key", help=f"an API key with {what}")
    parser.add_argument("--parallel", type=int, default=2, help="requests in flight")


def _catalog_arguments(parser: argparse.ArgumentParser) -> None:
    _common(parser, "music:catalog (the dev key has it)")
    parser.add_argument("--seed", type=int, default=0, help="the same seed, the same catalog")
    # About 250 bytes a track line: 200 fit the gateway's default body
    # limit (64 KiB); a larger batch it refuses (413) is halved until it fits.
    parser.add_argument("--batch-lines", type=int, default=200, help="lines per request")


def _plays_arguments(parser: argparse.ArgumentParser) -> None:
    _common(parser, "music:write acting for every listener (music:operator)")
    parser.add_argument("--catalog-seed", type=int, default=0, help="the loaded catalog's seed")
    parser.add_argument("--listeners", type=int, default=DEFAULT_LISTENERS, help="listeners")
    parser.add_argument("--plays", type=int, default=DEFAULT_PLAYS, help="plays in all")
    parser.add_argument("--seed", type=int, default=0, help="the same seed, the same plays")
    parser.add_argument("--listener-prefix", default="listener", help="before listener numbers")


def _summary(what: str, tally: LoadTally) -> str:
    return (
        f"loaded {tally.accepted:,} {what} in {tally.seconds:.1f} s "
        f"({tally.lines_per_s:,.0f}/s), {tally.failures} failures"
        + "".join(f"\n  {failure}" for failure in tally.first_failures)
    )


def load_catalog_command(args: argparse.Namespace) -> int:
    from onelog.music.catalog_loader import load

    key = args.key or _dev_key()
    if not key:
        print("no key: run `onelog up` (it makes the dev key) or give --key", file=sys.stderr)
        return 2
    try:
        catalog = generate_catalog(CatalogShape(args.tracks, args.seed, args.prefix))
    except ValueError as bad:
        print(f"onelog music load-catalog: {bad}", file=sys.stderr)
        return 2
    bar = ProgressBar("loading the catalog", line_count(catalog), enabled=not args.json)
    tally = load(
        load_settings().gateway_url,
        key,
        CATALOG_ROUTE,
        catalog_lines(catalog),
        batch_lines=args.batch_lines,
        parallel=args.parallel,
        progress=bar.advance,
    )
    bar.close()
    counts = {
        "artists": len(catalog.artists),
        "albums": len(catalog.albums),
        "tracks": len(catalog.tracks),
    }
    human = _summary("catalog entries", tally) + "".join(
        f"\n  {n:,} {kind}" for kind, n in counts.items()
    )
    data = asdict(tally) | counts | {"lines_per_s": tally.lines_per_s, "seed": args.seed}
    print_result(args, human, data)
    return 0 if tally.failures == 0 else 1


def load_plays_command(args: argparse.Namespace) -> int:
    from onelog.music.catalog_loader import load

    key = args.key or _dev_key()
    if not key:
        print("no key: run `onelog up` (it makes the dev key) or give --key", file=sys.stderr)
        return 2
    try:
        catalog = generate_catalog(CatalogShape(args.tracks, args.catalog_seed, args.prefix))
        shape = PlayShape(args.listeners, args.plays, args.seed, args.listener_prefix)
    except ValueError as bad:
        print(f"onelog music load-plays: {bad}", file=sys.stderr)
        return 2
    # Plays end before now: the play stage's clock is the gateway's, which
    # records them a moment later.
    now_ms = time.time_ns() // 1_000_000
    bar = ProgressBar("loading plays", shape.plays, enabled=not args.json, unit="plays")
    tally = load(
        load_settings().gateway_url,
        key,
        PLAYS_ROUTE,
        play_lines(catalog, shape, now_ms),
        batch_lines=PLAYS_PER_REQUEST,
        parallel=args.parallel,
        progress=bar.advance,
    )
    bar.close()
    data = asdict(tally) | {"lines_per_s": tally.lines_per_s, "seed": args.seed}
    print_result(args, _summary("plays", tally), data)
    return 0 if tally.failures == 0 else 1


LOAD_CATALOG = DomainCommand(
    "load-catalog",
    "load a generated catalog (artists, albums, tracks; Zipf-like popularity) through the gateway",
    _catalog_arguments,
    load_catalog_command,
)
LOAD_PLAYS = DomainCommand(
    "load-plays",
    "load plays of the generated catalog by generated listeners, 1,000 per request",
    _plays_arguments,
    load_plays_command,
)
