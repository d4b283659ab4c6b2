"""Install the judge's toolchains from the language table: `python -m onelog.toolchains`.

Each language's `[install]` says where its toolchain comes from: Debian
packages (installed with apt-get when missing), npm packages (into
`<judge dir>/toolchains/<id>/`), Maven coordinates (jars into
`<judge dir>/toolchains/<id>/lib/`, versions stripped from the names so the
table's argv need not change on an upgrade), and `prepare` commands run once on
the host afterwards (class-data archives, a precompiled header). A language's
folder is stamped with a digest of its `[install]`; a run where every stamp
matches and every package is there checks and returns in well under a second.
It prints what it installs.

First it makes the judge's folder (`ONELOG_JUDGE_DIR`, see
`streams/judge/judge_dir.py`): root-owned, 0755, refused where the sandbox's
uids could not reach it (under a home only its owner may enter). Everything is
written world-readable whatever the caller's umask: the runs read it as other uids.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from onelog.judge.version_record import record_versions
from streams.judge.judge_dir import JudgeDir, judge_dir, unsearchable_folder
from streams.judge.languages import Language, load_languages

STAMP = ".installed"
FOLDER_MODE = 0o755
# What the installer writes must be readable by the sandbox's uids.
UMASK = 0o022


class JudgeDirError(RuntimeError):
    """The judge's folder cannot be made, or the sandbox's uids could not reach it."""


def _say(message: str) -> None:
    print(f"toolchains: {message}", file=sys.stderr, flush=True)


def missing_apt_packages(packages: Iterable[str]) -> list[str]:
    """The Debian packages of `packages` that are not installed, in order."""
    wanted = sorted(set(packages))
    if not wanted:
        return []
    found = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${db:Status-Status}\n", *wanted],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    installed = {
        name.split(":")[0]
        for name, _, status in (line.partition(" ") for line in found.splitlines())
        if status == "installed"
    }
    return [p for p in wanted if p not in installed]


def install_apt(packages: Sequence[str]) -> None:
    if not packages:
        return
    _say(f"apt-get install {' '.join(packages)}")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def _run(argv: Sequence[str], cwd: str | None = None) -> None:
    """Run quietly; on failure show what the tool said and stop."""
    done = subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise subprocess.CalledProcessError(done.returncode, list(argv))


def _stamp(language: Language) -> str:
    install = language.install
    return hashlib.sha256(
        json.dumps(
            {
                "npm": install.npm,
                "maven": install.maven,
                "prepare": [[step.argv, step.creates] for step in install.prepare],
            }
        ).encode()
    ).hexdigest()


def _install_npm(folder: Path, packages: Sequence[str]) -> None:
    _say(f"npm install {' '.join(packages)} into {folder}")
    (folder / "package.json").write_text('{"private": true}\n')
    _run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(folder), *packages])


def _pom(coordinates: Sequence[str]) -> str:
    dependencies = "".join(
        f"<dependency><groupId>{escape(g)}</groupId><artifactId>{escape(a)}</artifactId>"
        f"<version>{escape(v)}</version></dependency>"
        for g, a, v in (c.split(":") for c in coordinates)
    )
    return (
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        "<groupId>dev.onelog</groupId><artifactId>judge-toolchain</artifactId><version>1</version>"
        f"<packaging>pom</packaging><dependencies>{dependencies}</dependencies></project>\n"
    )


def _install_maven(folder: Path, coordinates: Sequence[str]) -> None:
    """The jars and their dependencies into `folder/lib`, through a pom written for them."""
    _say(f"maven {' '.join(coordinates)} into {folder / 'lib'}")
    lib = folder / "lib"
    shutil.rmtree(lib, ignore_errors=True)
    pom = folder / "pom.xml"
    pom.write_text(_pom(coordinates))
    _run(
        [
            "mvn", "-q", "-B", "-Dstyle.color=never", "-f", str(pom),
            "dependency:copy-dependencies", "-Dmdep.stripVersion=true",
            "-DincludeScope=runtime", f"-DoutputDirectory={lib}",
        ],
    )  # fmt: skip


def _prepare(language: Language) -> None:
    for step in language.install.prepare:
        if Path(step.creates).exists():
            continue
        _say(f"{language.id}: preparing {step.creates}")
        with tempfile.TemporaryDirectory(prefix=f"onelog-{language.id}-") as scratch:
            (Path(scratch) / language.source_file).write_text(language.smoke.source)
            _run(step.argv, cwd=scratch)
        if not Path(step.creates).exists():
            raise RuntimeError(f"{language.id}: {step.argv[0]} did not create {step.creates}")


def install_language(language: Language, toolchains: Path) -> bool:
    """Fetch and prepare one language's registry toolchain; False when it was already there."""
    install = language.install
    if not (install.npm or install.maven or install.prepare):
        return False
    folder = toolchains / language.id
    stamp = folder / STAMP
    digest = _stamp(language)
    if (
        stamp.exists()
        and stamp.read_text() == digest
        and all(Path(step.creates).exists() for step in install.prepare)
    ):
        return False
    folder.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    if install.npm:
        _install_npm(folder, install.npm)
    if install.maven:
        _install_maven(folder, install.maven)
    # A new compiler invalidates what was prepared from the old one.
    for step in install.prepare:
        Path(step.creates).unlink(missing_ok=True)
    _prepare(language)
    stamp.write_text(digest)
    return True


def make_judge_dir(paths: JudgeDir) -> None:
    """The judge's folder, its toolchains and compile cache: 0755, root's when run as root.

    Folders made here get 0755 whatever the umask; the three named ones are put
    right if they exist otherwise. Refuses a folder under one that other users
    cannot search (the runs' uids would fail on every toolchain there) and one
    that others may write (/tmp): root runs what the toolchains hold.
    """
    if (blocked := unsearchable_folder(paths.root)) is not None:
        raise JudgeDirError(
            f"the judge's folder {paths.root} is under {blocked}, which other users "
            "cannot enter, so the sandbox's uids could not reach it: choose another "
            "with ONELOG_JUDGE_DIR"
        )
    if paths.root.exists() and paths.root.stat().st_mode & 0o022:
        raise JudgeDirError(
            f"the judge's folder {paths.root} may be written by other users: choose "
            "another with ONELOG_JUDGE_DIR"
        )
    as_root = os.geteuid() == 0
    for folder in (paths.root, paths.toolchains, paths.compile_cache):
        missing = [p for p in (*reversed(folder.parents), folder) if not p.exists()]
        for made in missing:
            try:
                made.mkdir(mode=FOLDER_MODE, exist_ok=True)
            except PermissionError:
                raise JudgeDirError(
                    f"cannot make {made}: run as root (or sudo), or choose a folder "
                    "you may write with ONELOG_JUDGE_DIR"
                ) from None
            made.chmod(FOLDER_MODE)
        info = folder.stat()
        if as_root and (info.st_uid, info.st_gid) != (0, 0):
            os.chown(folder, 0, 0)
        if info.st_mode & 0o7777 != FOLDER_MODE:
            folder.chmod(FOLDER_MODE)


def install(
    languages: Iterable[Language], paths: JudgeDir | None = None, *, apt: bool = True
) -> list[str]:
    """Everything the languages need; returns the ids of languages that were (re)installed.

    `languages` must have been loaded with `paths.toolchains` as their `{toolchains}`.
    """
    paths = paths if paths is not None else judge_dir()
    chosen = list(languages)
    started = time.monotonic()
    umask = os.umask(UMASK)
    try:
        if apt:
            install_apt(missing_apt_packages(p for lang in chosen for p in lang.install.apt))
        make_judge_dir(paths)
        done = [lang.id for lang in chosen if install_language(lang, paths.toolchains)]
        if read := record_versions(chosen, paths.toolchains):
            _say(f"versions read: {', '.join(read)}")
    finally:
        os.umask(umask)
    if done:
        _say(f"ready in {time.monotonic() - started:.1f} s: {', '.join(done)}")
    return done


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("languages", nargs="*", help="language ids (default: all)")
    parser.add_argument("--no-apt", action="store_true", help="skip Debian packages")
    args = parser.parse_args(argv)
    paths = judge_dir()
    table = load_languages(toolchains=paths.toolchains)
    unknown = set(args.languages) - set(table)
    if unknown:
        parser.error(f"unknown languages: {', '.join(sorted(unknown))}")
    chosen = [table[i] for i in args.languages] if args.languages else list(table.values())
    try:
        install(chosen, paths, apt=not args.no_apt)
    except JudgeDirError as error:
        _say(str(error))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
