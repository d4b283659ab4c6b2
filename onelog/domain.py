"""What one domain brings to the `onelog` command and to `up`, declared once.

Each domain's package (`onelog/<domain>/__init__.py`) exports `CLI: CliDomain`;
the command (onelog/cli.py), the platform's start (onelog/platform.py) and the
installer (onelog/toolchains.py) walk `cli_domains()` and name no domain.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from gateway.principal import Principal
from infra.domains import domain_modules
from infra.processes import ServiceProcess
from infra.settings import Settings


@dataclass(frozen=True)
class AuditCommand:
    """`onelog audit <name> ...`: the life of one of the domain's objects, read from the log."""

    name: str
    arguments: Callable[[argparse.ArgumentParser], None]
    # Given the parsed arguments (with --json), prints and returns the exit status.
    run: Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class DomainCommand:
    """`onelog <domain> <name> ...`: a command of the domain's own (the feed's
    `load-graph`)."""

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    # Given the parsed arguments (with --json), prints and returns the exit status.
    run: Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class KeyOption:
    """An option of `onelog keys`: the principals of one kind a key acts for
    (`--<kind>`, repeated when a key may act for several)."""

    principal: Principal
    help: str

    @property
    def flag(self) -> str:
        return f"--{self.principal.kind}"

    @property
    def dest(self) -> str:
        return self.principal.kind


def _no_samples(gateway_url: str, key: str) -> Mapping[str, str]:
    return {}


@dataclass(frozen=True)
class DomainService:
    """A long-running process of one domain that `up` starts after the
    workers and `down` stops (the deployment system's origin, region agents
    and clock). Its environment is the platform's settings (settings_env)
    plus `env`; `ready` answers quickly whether it serves yet."""

    name: str
    argv: Sequence[str]
    ready: Callable[[ServiceProcess], bool]
    env: Mapping[str, str] = field(default_factory=dict)
    ports: Sequence[int] = ()
    ready_timeout_s: float = 60.0
    # What `down` ends after the process, running or not: what it started
    # that outlives it by design (a region agent's hosts' release processes).
    after_stop: Callable[[], None] | None = None


def _no_services(settings: Settings) -> Sequence[DomainService]:
    return ()


@dataclass(frozen=True)
class CliDomain:
    name: str
    # The sample requests `up` prints, given the gateway's URL and the dev key:
    # curl lines by their label in `up --json`.
    samples: Callable[[str, str], Mapping[str, str]] = field(default=_no_samples)
    # The principals `onelog keys` can name, and the scopes it gives when
    # --scopes is not said.
    key_options: tuple[KeyOption, ...] = ()
    default_key_scopes: tuple[str, ...] = ()
    audits: tuple[AuditCommand, ...] = ()
    # Its own commands, under `onelog <name>`.
    commands: tuple[DomainCommand, ...] = ()
    # What `infra/onelog up` and `test` install first (`python -m onelog.toolchains`):
    # a main taking that command's arguments and returning its exit status.
    install: Callable[[Sequence[str]], int] | None = None
    # What `up` publishes once topics exist, before the processes start.
    publish: Callable[[Settings], None] | None = None
    # What `up` waits for once the projector runs: the read model shows what
    # was published (a sample request would otherwise meet an unknown object).
    wait_published: Callable[[Settings, ServiceProcess], None] | None = None
    # The read side's writers the worker hands the domain's agents, by the
    # port name they ask for (streams.domain.Plugs): streams may not import
    # projections, so onelog/worker.py plugs them in.
    plugs: Callable[[Settings], Mapping[str, object]] = field(default=lambda settings: {})
    # Its own processes, in start order (same list whatever runs: `down`
    # and `status` ask it too).
    services: Callable[[Settings], Sequence[DomainService]] = field(default=_no_services)


def cli_domains() -> tuple[CliDomain, ...]:
    """Every domain's descriptor, in the order of infra.domains.DOMAINS."""
    return tuple(module.CLI for module in domain_modules("onelog"))
