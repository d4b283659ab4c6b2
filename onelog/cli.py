"""`onelog`: start, stop and inspect the platform; query, replay, verify, audit.

Commands print for people by default and JSON with --json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from dataclasses import asdict, replace
from typing import Any

from infra import processes
from infra.progress import ProgressBar
from infra.settings import REPO_ROOT, Settings, load_settings
from onelog import platform
from onelog.domain import cli_domains
from onelog.output import print_result as _print

DEV_KEY_FILE = "dev-api-key"


def _dev_api_key(settings: Settings) -> str:
    """An all-scopes key for the person who ran `onelog up`, made once
    (and again when a new domain brings scopes the old key lacks). The
    operator scopes among them let it act for every principal."""
    from gateway.auth import SCOPES, ApiKeyStore, create_api_key

    path = settings.state_dir / DEV_KEY_FILE
    if path.exists():
        secret = path.read_text().strip()
        known = ApiKeyStore(settings.api_keys_file).verify(secret)
        if known is not None and known.scopes >= set(SCOPES):
            return secret
    secret = create_api_key(settings.api_keys_file, "dev", list(SCOPES))
    path.write_text(secret)
    path.chmod(0o600)
    return secret


def cmd_up(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.brokers:
        (settings.state_dir / "kafka").mkdir(parents=True, exist_ok=True)
        (settings.state_dir / "kafka" / "brokers").write_text(str(args.brokers))
        settings = replace(settings, kafka_brokers=args.brokers)
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    key = _dev_api_key(settings)
    try:
        platform.up(settings, workers=args.workers, gateway_workers=args.gateway_workers)
    except processes.ServiceNotReady as failure:
        print(f"onelog is not up: {failure}\n(`onelog down` stops what did start)", file=sys.stderr)
        return 1
    url = settings.gateway_url
    samples = {label: curl for d in cli_domains() for label, curl in d.samples(url, key).items()}
    _print(
        args,
        f"onelog is up: gateway {url} (OpenAPI at {url}/openapi.json)\n"
        f"API key (all scopes): {key}  (kept in {settings.state_dir / DEV_KEY_FILE})\n"
        "try:" + "".join(f"\n  {curl}" for curl in samples.values()),
        {"gateway": url, "api_key": key, **samples},
    )
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    stopped = platform.down(load_settings())
    _print(args, "stopped: " + (", ".join(stopped) or "nothing was running"), stopped)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    statuses = platform.status(load_settings())
    shown = [s for s in statuses if s.running or not s.name.startswith("worker-")]
    lines = [
        f"{s.name:12} {'running pid ' + str(s.pid) if s.running else 'stopped'}" for s in shown
    ]
    _print(args, "\n".join(lines), [asdict(s) | {"running": s.running} for s in shown])
    core = [s for s in statuses if not s.name.startswith("worker-")]
    return 0 if all(s.running for s in core) else 1


def cmd_sql(args: argparse.Namespace) -> int:
    # Straight to the projector with the platform's token, not through the
    # gateway: the operator on this host holds the state folder, and `sql`
    # keeps working while the gateway is down. The projector checks and
    # bounds the query just as it does an analyst's.
    import httpx

    from projections.analytics_token import analytics_token

    settings = load_settings()
    token = analytics_token(settings.state_dir)
    response = httpx.post(
        f"{settings.analytics_url}/sql",
        json={"query": args.query},
        headers={"Authorization": f"Bearer {token}"},
        timeout=90,
    )
    if response.status_code != 200:
        print(response.text, file=sys.stderr)
        return 1
    rows = response.json()["rows"]
    if args.json:
        print(json.dumps(rows))
    else:
        for row in rows:
            print("\t".join(str(v) for v in row.values()))
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from projections.replay import replay

    bar = ProgressBar("replay", None, enabled=not args.json, unit="events")
    result = replay(args.namespace, args.until, progress=bar.advance, total=bar.update_total)
    bar.close()
    _print(args, str(result), asdict(result))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from projections.replay import replay, verify

    settings = load_settings()
    bar = ProgressBar("replay", None, enabled=not args.json, unit="events")
    replay(args.namespace, None, progress=bar.advance, total=bar.update_total)
    bar.close()
    differences = verify(settings.namespace, args.namespace)
    human = "live and rebuilt read models are equal" if not differences else "\n".join(differences)
    _print(args, human, {"equal": not differences, "differences": differences})
    return 0 if not differences else 1


def cmd_bench(args: argparse.Namespace) -> int:
    module = f"bench.{args.name}"
    return subprocess.call([sys.executable, "-m", module, *args.rest], cwd=REPO_ROOT)


def cmd_keys(args: argparse.Namespace) -> int:
    from gateway.auth import create_api_key

    settings = load_settings()
    scopes = args.scopes.split(",")
    options = [option for d in cli_domains() for option in d.key_options]
    # The principals given, by kind: each option's dest is its kind.
    principals = {option.principal.kind: getattr(args, option.dest) for option in options}
    try:
        secret = create_api_key(settings.api_keys_file, args.key_id, scopes, principals=principals)
    except ValueError as refused:
        print(f"onelog keys: {refused}", file=sys.stderr)
        return 2
    operator = {option.principal.operator_scope for option in options} & set(scopes)
    if not (any(principals.values()) or operator):
        kinds = " and no ".join(option.principal.kind for option in options)
        flags = " or ".join(option.flag for option in options)
        print(
            f"note: key {args.key_id!r} acts for no {kinds}: give {flags}, "
            "or an operator scope, for the routes that name one",
            file=sys.stderr,
        )
    _print(args, secret, {"key": secret})
    return 0


# The suite's own state folder and ports, apart from `up`'s defaults, so a
# running platform and the suite never collide; ONELOG_* set by the caller win.
SUITE_ENVIRONMENT = {
    "ONELOG_STATE_DIR": str(REPO_ROOT / ".onelog" / "test"),
    "ONELOG_KAFKA_BOOTSTRAP": "127.0.0.1:29092",
    "ONELOG_REDIS_URL": "redis://127.0.0.1:26379/0",
    "ONELOG_ANALYTICS_URL": "http://127.0.0.1:28124",
    "ONELOG_GATEWAY_PORT": "28080",
    "ONELOG_WORKER_WEB_PORT": "26066",
    "ONELOG_DEPLOY_ORIGIN_PORT": "28090",
    "ONELOG_DEPLOY_REGION_PORT": "28100",
}


def cmd_test(args: argparse.Namespace) -> int:
    """The suite on its own ports and state folder; tests start and stop services."""
    env = {**SUITE_ENVIRONMENT, **os.environ}
    return subprocess.call([sys.executable, "-m", "pytest", *args.rest], cwd=REPO_ROOT, env=env)


def _keys_description() -> str:
    """Whom a key acts for, from the principals the domains declare."""
    options = [(d.name, o) for d in cli_domains() for o in d.key_options]
    granted = ", ".join(
        f"the {name} {o.principal.kind}{'s' if o.principal.several_per_key else ''} "
        f"given with {o.flag}"
        for name, o in options
    )
    operators = " and ".join(o.principal.operator_scope for _, o in options)
    kinds = " or ".join(o.principal.kind for _, o in options)
    return f"A key acts for its principal: {granted}. {operators} keys act for every {kinds}."


def build_parser() -> argparse.ArgumentParser:
    # --json is taken before or after the command: `onelog --json status`, `onelog status --json`.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON for machines")
    parser = argparse.ArgumentParser(prog="onelog", description=__doc__)
    parser.add_argument("--json", dest="json_first", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True)
    sub_add = sub.add_parser

    def add_parser(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        return sub_add(name, parents=[common], **kwargs)

    sub.add_parser = add_parser  # type: ignore[method-assign]

    up = sub.add_parser("up", help="start Kafka, Redis, workers, projector and gateway")
    up.add_argument("--brokers", type=int, choices=(1, 3), help="Kafka brokers (default 1)")
    up.add_argument("--workers", type=int, default=1, help="Faust worker processes")
    up.add_argument(
        "--gateway-workers", type=int, default=1, help="gateway processes on the gateway's port"
    )
    up.set_defaults(run=cmd_up)
    sub.add_parser("down", help="stop everything").set_defaults(run=cmd_down)
    sub.add_parser("status", help="what runs").set_defaults(run=cmd_status)

    sql = sub.add_parser("sql", help="a read-only query against ClickHouse")
    sql.add_argument("query")
    sql.set_defaults(run=cmd_sql)

    rep = sub.add_parser("replay", help="rebuild every read model from offset 0")
    rep.add_argument("--namespace", default="replay")
    rep.add_argument("--until", help="a timestamp (ISO 8601) or an offset")
    rep.set_defaults(run=cmd_replay)

    ver = sub.add_parser("verify", help="replay, then compare with the live read models")
    ver.add_argument("--namespace", default="verify")
    ver.set_defaults(run=cmd_verify)

    audit = sub.add_parser("audit", help="the life of a record from the log")
    audit_sub = audit.add_subparsers(dest="what", required=True)
    for command in (c for d in cli_domains() for c in d.audits):
        audited = audit_sub.add_parser(command.name, parents=[common])
        command.arguments(audited)
        audited.set_defaults(run=command.run)

    for domain in (d for d in cli_domains() if d.commands):
        own = sub.add_parser(domain.name, help=f"the {domain.name}'s own commands")
        own_sub = own.add_subparsers(dest="what", required=True)
        for own_command in domain.commands:
            parsed = own_sub.add_parser(own_command.name, parents=[common], help=own_command.help)
            own_command.arguments(parsed)
            parsed.set_defaults(run=own_command.run)

    bench = sub.add_parser("bench", help="run a benchmark from bench/")
    bench.add_argument("name")
    bench.set_defaults(run=cmd_bench)

    keys = sub.add_parser("keys", help="create an API key", description=_keys_description())
    keys.add_argument("key_id")
    default_scopes = [scope for d in cli_domains() for scope in d.default_key_scopes]
    keys.add_argument("--scopes", default=",".join(default_scopes))
    for option in (o for d in cli_domains() for o in d.key_options):
        if option.principal.several_per_key:
            keys.add_argument(
                option.flag, dest=option.dest, action="append", default=[], help=option.help
            )
        else:
            keys.add_argument(option.flag, dest=option.dest, help=option.help)
    keys.set_defaults(run=cmd_keys)

    test = sub.add_parser("test", help="run the test suite (starts what it needs)")
    test.set_defaults(run=cmd_test)
    return parser


def main(argv: list[str] | None = None) -> int:
    # `onelog status | head` should end quietly, as other Unix tools do.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    argv = list(sys.argv[1:] if argv is None else argv)
    # Everything after `test` (or `bench <name>`) belongs to pytest or the
    # benchmark, untouched by this parser.
    passthrough: list[str] = []
    for index, word in enumerate(argv):
        if word in ("test", "bench"):
            keep = index + (2 if word == "bench" else 1)
            argv, passthrough = argv[:keep], argv[keep:]
            break
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in ("test", "bench"):
        args.rest = passthrough
    args.json = args.json or args.json_first
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
