"""Compile once: a source is compiled in the sandbox at most once per (language, source hash).

A compile's outcome is kept in `<cache>/<language>/<sha256>/`: the source
files, whatever the compiler wrote next to them, and `compiled.json` (ok, the
compiler's message, how long it took). The next submission of the same source
in the same language finds it there and skips the compiler; the hash covers
the compile argv too, so changing a language's flags misses the old entries.

An entry is built in a scratch folder beside it and renamed into place when
complete, so a reader sees a whole entry or none, and two workers compiling
the same source at once both succeed (the second rename loses, harmlessly).
A compile killed by a limit (wall clock, memory) is not cached: under load it
may pass the next time. Interpreted languages get an entry too (the source and
harness files, no compiler), so every run starts from an entry.

Runs use the entry as their work dir, read-only: `Sandbox.run(language.run,
workdir=compiled.workdir, writable_workdir=False, ...)`.

With a bound (`bound_bytes`, settings.judge_compile_cache_mb), each publish is
followed by least-recently-used eviction (`compile_cache.py`), on a thread of
its own: it lists the whole cache, which the submission waiting for its
verdict should not wait for. The `Compiled`
handed out holds a lease on its entry: no evictor removes it until the lease
is released, explicitly or when the `Compiled` is dropped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from streams.judge import compile_cache
from streams.judge.compile_cache import DEFAULT_GRACE_S, EntryLease
from streams.judge.languages import Language
from streams.judge.limits import DEFAULT_LIMITS, LimitOverrides, Limits
from streams.judge.sandbox import RunResult, Sandbox

# What any compile may use before the language's own compile_limits: compilers
# write binaries far bigger than a run's 1 MB files and take longer than a run.
COMPILE_LIMITS = DEFAULT_LIMITS.set_to(
    LimitOverrides(
        cpu_time_ms=10_000,
        wall_time_ms=20_000,
        memory_kb=512 * 1024,
        processes=64,
        file_size_kb=64 * 1024,
        open_files=256,
        output_kb=64,
    )
)
log = logging.getLogger(__name__)
MESSAGE_BYTES = 8 * 1024  # compiler output kept; a record carries "a few KB"
ENTRY_FILE = "compiled.json"


@dataclass(frozen=True)
class Compiled:
    """The outcome of `Toolchain.compile`."""

    ok: bool
    cached: bool  # found in the cache: no compiler ran now
    time_ms: int  # wall time of the compiler when it ran; the lookup's when cached
    message: str  # the compiler's stdout and stderr, cut to MESSAGE_BYTES
    workdir: Path  # the entry: run here, read-only (absent for a failed compile that hit a limit)
    key: str  # sha256 of the language, compile argv and every file
    # Keeps `workdir` from eviction while this outcome is alive (None: nothing
    # cached to keep, as for a compile that hit a limit).
    lease: EntryLease | None = field(default=None, compare=False, repr=False)

    def release(self) -> None:
        """The runs in `workdir` are over: the entry may be evicted."""
        if self.lease is not None:
            self.lease.release()


def cache_key(
    language_id: str, compile_argv: Sequence[str] | None, files: Mapping[str, str]
) -> str:
    """sha256 over the language, its compile argv and each file's name and content."""
    digest = hashlib.sha256()
    parts = [language_id, *(compile_argv or ("(interpreted)",))]
    for name in sorted(files):
        parts += [name, files[name]]
    for part in parts:
        data = part.encode()
        digest.update(len(data).to_bytes(8, "big"))  # length-prefixed: no ambiguous joins
        digest.update(data)
    return digest.hexdigest()


def compile_limits(language: Language) -> Limits:
    """The limits one compile of `language` runs under."""
    return COMPILE_LIMITS.set_to(language.compile_limits)


class Toolchain:
    """Compiles sources in the sandbox, once each. Thread-safe: entries are published by rename."""

    def __init__(
        self,
        sandbox: Sandbox,
        cache_dir: Path,
        *,
        bound_bytes: int | None = None,
        grace_s: float = DEFAULT_GRACE_S,
    ) -> None:
        self.sandbox = sandbox
        self.cache_dir = cache_dir
        self.bound_bytes = bound_bytes  # None: the cache grows without bound
        self.grace_s = grace_s
        self._eviction_state = threading.Lock()
        self._eviction: threading.Thread | None = None  # ours, while it runs
        self._evict_again = False  # a publish came while it ran: it goes round once more

    def compile(
        self,
        language: Language,
        source: str,
        *,
        files: Mapping[str, str] | None = None,
        compile_argv: Sequence[str] | None = None,
    ) -> Compiled:
        """The entry for `source` in `language`, compiling it in the sandbox if it is new.

        `files` go next to the source (a harness); `compile_argv` replaces the
        language's compile command (a harness that compiles its files too).
        The outcome leases its entry (see `Compiled.lease`).
        """
        argv = tuple(compile_argv) if compile_argv is not None else language.compile
        all_files = {**(files or {}), language.source_file: source}
        key = cache_key(language.id, argv, all_files)
        entry = self.cache_dir / language.id / key
        # An entry evicted between being found (or published) and leased is
        # compiled again; three times in a row means the bound cannot hold one entry.
        for _ in range(3):
            started = time.monotonic()
            found = _read_entry(entry)
            if found is not None:
                held = compile_cache.lease(entry)
                if held is not None:
                    ok, message, _ = found
                    return Compiled(ok, True, _ms_since(started), message, entry, key, held)
                continue
            built = self._build(language, argv, all_files, entry, key)
            if built is not None:
                return built
        raise RuntimeError(f"compile cache entry {key} evicted as soon as it was published")

    def _build(
        self,
        language: Language,
        argv: tuple[str, ...] | None,
        all_files: Mapping[str, str],
        entry: Path,
        key: str,
    ) -> Compiled | None:
        """Compile into a scratch folder and publish it; None if the entry was
        evicted before it could be leased."""
        _make_reachable_folder(entry.parent)
        scratch = Path(tempfile.mkdtemp(prefix=f".{key[:16]}-", dir=entry.parent))
        try:
            for name, content in all_files.items():
                path = scratch / name
                path.write_text(content, encoding="utf-8")
                path.chmod(0o644)  # runs read it as another uid, whatever our umask
            if argv is None:
                ok, message, time_ms, keep = True, "", 0, True
            else:
                result = self.sandbox.run(
                    argv,
                    workdir=scratch,
                    stdin=b"",
                    limits=compile_limits(language),
                    read_only=[Path(p) for p in language.read_only],
                )
                ok = result.exit_code == 0
                message = _message(result)
                time_ms = result.wall_time_ms
                # Deterministic outcomes only: a limit hit may pass on a quieter machine.
                keep = ok or not _limit_hit(result)
            if not keep:
                return Compiled(ok, False, time_ms, message, entry, key)
            (scratch / ENTRY_FILE).write_text(
                json.dumps({"ok": ok, "message": message, "time_ms": time_ms})
            )
            size = compile_cache.tree_size(scratch)
            _publish(scratch, entry)
            held = compile_cache.lease(entry, size)
            if held is None:
                return None
            self._evict()
            return Compiled(ok, False, time_ms, message, entry, key, held)
        finally:
            # Gone after a publish; left over when the compile is not cached or lost a race.
            shutil.rmtree(scratch, ignore_errors=True)

    def settle(self, timeout: float = 30.0) -> None:
        """Wait (at most `timeout` seconds) for our background eviction to end."""
        thread = self._eviction
        if thread is not None:
            thread.join(timeout)

    def _evict(self) -> None:
        """Evict in the background; if ours is running already, it goes round
        once more, so that it sees this publish too."""
        if self.bound_bytes is None:
            return
        with self._eviction_state:
            if self._eviction is not None:
                self._evict_again = True
                return
            self._eviction = threading.Thread(
                target=self._evict_until_settled, name="compile-cache-evict", daemon=True
            )
            self._eviction.start()

    def _evict_until_settled(self) -> None:
        assert self.bound_bytes is not None
        while True:
            try:
                compile_cache.evict(self.cache_dir, self.bound_bytes, grace_s=self.grace_s)
            except OSError as exc:
                # The compile succeeded; a cache over its bound is the next publish's to fix.
                log.warning("compile cache: eviction failed: %s", exc)
            with self._eviction_state:
                if not self._evict_again:
                    self._eviction = None
                    return
                self._evict_again = False


def _make_reachable_folder(folder: Path) -> None:
    """`mkdir -p` whose new folders the runs' uids can walk, whatever this process's umask."""
    missing = [path for path in (folder, *folder.parents) if not path.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    for made in missing:
        made.chmod(0o755)


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _read_entry(entry: Path) -> tuple[bool, str, int] | None:
    try:
        data = json.loads((entry / ENTRY_FILE).read_text())
    except FileNotFoundError:
        return None
    return bool(data["ok"]), str(data["message"]), int(data["time_ms"])


def _message(result: RunResult) -> str:
    text = (result.stdout + result.stderr).decode(errors="replace")
    if result.wall_limit_hit or result.cpu_limit_hit:
        text += "\ncompilation took too long"
    elif result.memory_limit_hit:
        text += "\ncompilation ran out of memory"
    elif result.signal is not None:
        text += f"\ncompiler killed by signal {result.signal}"
    cut = text.encode()[:MESSAGE_BYTES].decode(errors="ignore")
    return cut.strip()


def _limit_hit(result: RunResult) -> bool:
    return (
        result.wall_limit_hit
        or result.cpu_limit_hit
        or result.memory_limit_hit
        or result.file_size_limit_hit
        or result.output_truncated
    )


def _publish(scratch: Path, entry: Path) -> None:
    """Move a complete entry into place; if another worker got there first, keep theirs."""
    os.chmod(scratch, 0o755)  # mkdtemp made it 0700; runs read it as another uid
    try:
        scratch.rename(entry)
    except OSError:
        if not (entry / ENTRY_FILE).exists():
            raise
