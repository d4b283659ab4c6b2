"""Carrying out one instruction on one host, step by step, reporting each.

`install` follows host_plan.plan_install: fetch from the region cache,
verify digest and signature, unpack, start, check health, switch `current`
and stop what ran before. The first failing step is reported ok=false with
why, and the host stops there (a release started but not switched to is
stopped again: a host never keeps a stray process). `restore` puts a host
back on the version it ran before, or on nothing for version ''.
Every wait is bounded.
"""

from __future__ import annotations

import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from infra.processes import log_tail
from schemas.deploy.records import Artifact, InstallRelease, RestoreRelease
from streams.deploy.artifacts import UnsafeArtifact
from streams.deploy.download import Download
from streams.deploy.host_folder import HostFolder, is_valid_version
from streams.deploy.host_plan import plan_install
from streams.deploy.signing import verify_digest

# (step, ok, duration_ms, detail): one HostStepReported.
Report = Callable[[str, bool, int, str], None]

_DETAIL_MAX = 500
# Health is asked soon after the start and then less often: a release that
# answers in 60 ms is seen then, not at the next fixed 200 ms tick, and one
# that takes seconds costs ten asks a second, not a hundred.
_HEALTH_FIRST_WAIT_S = 0.01
_HEALTH_MAX_WAIT_S = 0.1


def byte_slots() -> threading.Semaphore:
    """How many hosts of a region move an artifact's bytes (fetch, hash,
    unpack) at once: one per core. More only share the same CPUs and disk,
    and keep more downloads alive (and dirty) at once; each host's byte steps
    end sooner, its download is dropped sooner, and health checks (waits,
    not work) are never held back by it."""
    return threading.Semaphore(max(1, os.cpu_count() or 1))


class StepFailed(Exception):
    """A step could not be done; the message says why, for a person."""


@dataclass(frozen=True)
class HostTools:
    """What a host needs from its region: the cache and the public key."""

    # (digest, declared size, folder): the artifact from the region cache,
    # hashed as it came (download.receive).
    fetch: Callable[[str, int, HostFolder], Download]
    public_key: Callable[[], Ed25519PublicKey | None]
    discard: Callable[[str], None]  # a cached blob found corrupt
    health_timeout_s: float = 10.0
    bytes_at_once: threading.Semaphore = field(default_factory=byte_slots)


def install(folder: HostFolder, tools: HostTools, order: InstallRelease, report: Report) -> bool:
    """True when the host ended on the release, switched."""
    version, artifact = order.version, order.artifact
    if not is_valid_version(version):
        report("fetched", False, 0, f"not a usable version name: {version!r}")
        return False
    folder.root.mkdir(parents=True, exist_ok=True)
    observed = folder.observe(version, artifact.digest)
    was_running = observed.running
    timeout_s = _health_timeout(tools.health_timeout_s, order.deadline_ms)
    plan = plan_install(observed, artifact.digest)
    held = _Held()  # the download, from `fetched` to `unpacked`
    moves_bytes = any(p.redo for p in plan if p.step in ("fetched", "unpacked"))
    holding = False
    try:
        for planned in plan:
            if moves_bytes and not holding and planned.step == "fetched":
                waited = time.monotonic()
                tools.bytes_at_once.acquire()  # released after `unpacked`, or below
                holding, waited_ms = True, _ms_since(waited)
            started = time.monotonic()
            try:
                if planned.redo:
                    detail = _do(planned.step, folder, tools, version, artifact, timeout_s, held)
                else:
                    detail = "already done"
                if planned.step == "fetched" and holding and waited_ms:
                    detail += f" (after {waited_ms} ms for a byte slot)"
            except Exception as exc:
                why = str(exc) if isinstance(exc, StepFailed) else f"{type(exc).__name__}: {exc}"
                report(planned.step, False, _ms_since(started), _cut(why))
                if not was_running and folder.current_version() != version:
                    folder.stop(version)  # started for this install, never switched to
                return False
            finally:
                if holding and planned.step == "unpacked":
                    tools.bytes_at_once.release()
                    holding = False
            report(planned.step, True, _ms_since(started), detail)
    finally:
        if holding:
            tools.bytes_at_once.release()
    return True


def _do(
    step: str,
    folder: HostFolder,
    tools: HostTools,
    version: str,
    artifact: Artifact,
    timeout_s: float,
    held: _Held,
) -> str:
    if step == "fetched":
        held.download = _fetch(folder, tools, artifact)
        where = "in memory" if held.download.in_memory else "on disk"
        return f"{held.download.size} bytes, {where}"
    if step == "verified":
        return _verify(
            folder,
            tools,
            artifact,
            held,
            content=folder.unpacked_digest(version) != artifact.digest,
        )
    if step == "unpacked":
        _unpack(folder, version, artifact.digest, held)
        return str(folder.release_dir(version))
    if step == "started":
        return f"port {folder.start(version)}"
    if step == "healthy":
        return _wait_healthy(folder, version, timeout_s)
    if step == "switched":
        folder.switch(version)
        stopped = folder.stop_all_except(version)
        return f"stopped {', '.join(stopped)}" if stopped else "nothing to stop"
    raise AssertionError(step)


def restore(folder: HostFolder, tools: HostTools, order: RestoreRelease, report: Report) -> bool:
    """Switch back to order.version (starting it if needed), stop the rest;
    one `rolled_back` report either way."""
    started = time.monotonic()
    try:
        detail = _restore(folder, tools, order)
    except Exception as exc:
        why = str(exc) if isinstance(exc, StepFailed) else f"{type(exc).__name__}: {exc}"
        report("rolled_back", False, _ms_since(started), _cut(why))
        return False
    report("rolled_back", True, _ms_since(started), detail)
    return True


def _restore(folder: HostFolder, tools: HostTools, order: RestoreRelease) -> str:
    version = order.version
    folder.root.mkdir(parents=True, exist_ok=True)
    if version == "":
        stopped = folder.stop_all_except(None)
        folder.clear_current()
        return f"runs nothing; stopped {', '.join(stopped) or 'nothing'}"
    if not is_valid_version(version):
        raise StepFailed(f"not a usable version name: {version!r}")
    if folder.unpacked_digest(version) is None:
        if order.artifact is None:
            raise StepFailed(f"release {version} is not on this host and came without artifact")
        with tools.bytes_at_once:
            held = _Held(_fetch(folder, tools, order.artifact))
            _verify(folder, tools, order.artifact, held, content=True)
            _unpack(folder, version, order.artifact.digest, held)
    if not folder.is_running(version):
        folder.start(version)
    _wait_healthy(folder, version, tools.health_timeout_s)
    folder.switch(version)
    stopped = folder.stop_all_except(version)
    return f"runs {version}; stopped {', '.join(stopped) or 'nothing'}"


# --- the steps ---------------------------------------------------------------


@dataclass
class _Held:
    download: Download | None = None

    def take(self, folder: HostFolder, digest: str) -> Download:
        """The download fetched now, else one a restarted agent finds on disk."""
        if self.download is None:
            if not folder.download_path(digest).is_file():
                raise StepFailed("no download to verify or unpack")
            self.download = Download.on_disk(folder.download_path(digest))
        return self.download


def _fetch(folder: HostFolder, tools: HostTools, artifact: Artifact) -> Download:
    if folder.download_path(artifact.digest).is_file():  # spilled before a restart
        return Download.on_disk(folder.download_path(artifact.digest))
    try:
        return tools.fetch(artifact.digest, artifact.size_bytes, folder)
    except (OSError, urllib.error.URLError) as exc:
        raise StepFailed(f"fetch from the region cache failed: {exc}") from exc


def _verify(
    folder: HostFolder, tools: HostTools, artifact: Artifact, held: _Held, content: bool
) -> str:
    public_key = tools.public_key()
    if public_key is None:
        raise StepFailed("no public key to verify with")
    if not verify_digest(public_key, artifact.digest, artifact.signature):
        raise StepFailed("signature does not match the digest: refused")
    if not content:
        return "signature ok; release already unpacked from this digest"
    download = held.take(folder, artifact.digest)
    actual = download.sha256()  # hashed as it was received: no byte read again
    if actual != artifact.digest:
        # Neither this download nor the cache's copy may be used again.
        download.drop()
        held.download = None
        tools.discard(artifact.digest)
        raise StepFailed(f"content sha256 {actual} is not the digest {artifact.digest}: refused")
    size = download.size
    if size != artifact.size_bytes:
        raise StepFailed(f"size {size} is not the declared {artifact.size_bytes}")
    return "digest and signature ok"


def _unpack(folder: HostFolder, version: str, digest: str, held: _Held) -> None:
    download = held.take(folder, digest)
    try:
        with download.open() as verified:
            folder.unpack_release(version, verified, digest)
    except (UnsafeArtifact, OSError, EOFError, ValueError) as exc:
        raise StepFailed(f"unpack failed: {exc}") from exc
    except Exception as exc:  # tarfile errors and the like: a bad artifact, not a bad agent
        raise StepFailed(f"unpack failed: {type(exc).__name__}: {exc}") from exc
    if not (folder.release_dir(version) / "run").is_file():
        raise StepFailed("the release has no `run` to start")
    download.drop()  # unpacked and marked: a re-run needs it no more
    held.download = None


def _wait_healthy(folder: HostFolder, version: str, timeout_s: float) -> str:
    port = folder.port(version)
    if port is None:
        raise StepFailed("the release has no port on record")
    deadline = time.monotonic() + timeout_s
    last = "no answer"
    wait_s = _HEALTH_FIRST_WAIT_S
    while True:
        if not folder.is_running(version):
            tail = log_tail(folder.log_file(version), lines=5)
            raise StepFailed(f"the release exited; its log ends: {tail}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1.0) as resp:
                if resp.status == 200:
                    return f"GET /health 200 on port {port}"
                last = f"GET /health {resp.status}"
        except urllib.error.HTTPError as exc:
            last = f"GET /health {exc.code}"
        except (OSError, urllib.error.URLError) as exc:
            last = f"GET /health: {exc}"
        if time.monotonic() >= deadline:
            raise StepFailed(f"not healthy after {timeout_s:.0f}s: {last}")
        time.sleep(min(wait_s, max(0.0, deadline - time.monotonic())))
        wait_s = min(wait_s * 2, _HEALTH_MAX_WAIT_S)


def _health_timeout(default_s: float, deadline_ms: int) -> float:
    """At most the default, less if the orchestrator's deadline is nearer
    (its clock is the wall clock's ticks, so the wall clock is a fair guess),
    but never under two seconds: a check needs some time to mean anything."""
    left_s = deadline_ms / 1000 - time.time()
    return max(2.0, min(default_s, left_s))


def _ms_since(started: float) -> int:
    return max(0, int((time.monotonic() - started) * 1000))


def _cut(text: str) -> str:
    return text if len(text) <= _DETAIL_MAX else text[: _DETAIL_MAX - 3] + "..."
