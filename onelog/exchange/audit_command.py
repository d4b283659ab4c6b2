"""`onelog audit order <order_id>`: the whole life of an order, from the log."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from infra.progress import ProgressBar
from infra.settings import load_settings
from onelog.domain import AuditCommand
from onelog.output import print_result


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("order_id")


def audit_order(args: argparse.Namespace) -> int:
    from infra.kafka_broker import bootstrap_servers
    from onelog.exchange.audit import order_history

    settings = load_settings()
    bar = ProgressBar("reading the log", None, enabled=not args.json)
    entries = order_history(bootstrap_servers(settings), args.order_id, on_record=bar.advance)
    bar.close()
    if not entries:
        print(f"no record on the log names order {args.order_id}", file=sys.stderr)
        return 1
    lines = [
        f"{e.recorded_at} {e.record_type:16} by {e.producer:20} "
        f"{e.topic}[{e.partition}]@{e.offset} {json.dumps(e.fields)}"
        for e in entries
    ]
    print_result(args, "\n".join(lines), [asdict(e) for e in entries])
    return 0


AUDIT_ORDER = AuditCommand("order", _arguments, audit_order)
