"""The judge's folder on the host: what its sandboxed runs read, outside any checkout.

A run's uid is unprivileged and owns nothing of the checkout, which may sit in
a folder no other user may enter (a clone in /root, or under `mktemp -d`). So
what bubblewrap binds for a run lives in one folder made for it,
`settings.judge_dir` (`ONELOG_JUDGE_DIR`, /var/lib/onelog/judge by default),
which `onelog/toolchains.py` creates root-owned and 0755:

    toolchains/      registry-fetched toolchains, one folder per language id
    compile-cache/   compiled entries (`toolchain.py`): each run's /box; a
                     custom checker's box is made here too
    builds/          the deployment system's release builds, one box each
                     (streams/deploy/builder.py), in the same sandbox

Harness files and problem files reach a run only as files of a compile-cache
entry, written there by the worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from infra.settings import settings

# What the sandbox's uids need of every folder above what they reach: search (x) by others.
SEARCHABLE_BY_OTHERS = 0o001


@dataclass(frozen=True)
class JudgeDir:
    root: Path

    @property
    def toolchains(self) -> Path:
        return self.root / "toolchains"

    @property
    def compile_cache(self) -> Path:
        return self.root / "compile-cache"

    @property
    def builds(self) -> Path:
        return self.root / "builds"


def judge_dir() -> JudgeDir:
    """The process's judge folder, from its settings."""
    return JudgeDir(settings().judge_dir)


def unsearchable_folder(path: Path) -> Path | None:
    """The nearest folder above `path` that other users may not search; None if there is none.

    A sandbox uid reaches `path` only if there is none, above `path` as written
    and above where its links lead: the kernel walks both. Folders that do
    not exist yet are skipped: they are made later, and made searchable.
    """
    for walked in (path.absolute(), path.resolve()):
        for parent in walked.parents:
            try:
                mode = parent.stat().st_mode
            except FileNotFoundError:
                continue
            if mode & SEARCHABLE_BY_OTHERS == 0:
                return parent
    return None
