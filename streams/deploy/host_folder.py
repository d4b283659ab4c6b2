"""One host as a folder: its releases, the `current` link, its processes.

    <host_dir>/releases/<version>/        an unpacked release (`run` starts it)
    <host_dir>/releases/.<version>.digest the artifact it was unpacked from
    <host_dir>/current -> releases/<version>
    <host_dir>/downloads/<sha256>         an artifact too big to hold in memory
                                          (streams.deploy.download), until unpacked
    <host_dir>/run/release-<version>.pid  "<pid> <kernel start time>" (infra.processes)
    <host_dir>/run/release-<version>.port the port it was started on
    <host_dir>/logs/release-<version>.log its stdout and stderr

A release runs as a real process in its own session, so it outlives the
agent that started it; a restarted agent adopts it from its pid file (the
start time in the file guards against a reused pid).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import threading
from pathlib import Path
from typing import BinaryIO

from infra import processes
from streams.deploy.artifacts import unpack, unpack_file, unpack_stream
from streams.deploy.host_plan import HostObservation
from streams.deploy.host_ports import PortPicker

# A version names a folder: no separators, no dot files, no `..`.
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,127}")


# Every release start in this process goes through this lock. exec of a file
# fails with ETXTBSY ("Text file busy") while any process holds it open for
# writing, and a child forked by one thread inherits the descriptors every
# other thread has open at that instant until its own exec closes them
# (O_CLOEXEC): a `run` still being unpacked by one host's thread stayed open
# for writing in another host's just-forked child, and starting that `run`
# failed. Popen returns only once its child has exec'd, so with starts taken
# one at a time no child is ever between fork and exec when a release is
# started, and no descriptor from an unpack can be held past its close.
_STARTS = threading.Lock()


def is_valid_version(version: str) -> bool:
    return _VERSION.fullmatch(version) is not None


# Hosts not given a picker (tests, tools) share one over the whole range.
_ANY_PORT = PortPicker()


class HostFolder:
    def __init__(self, root: Path, ports: PortPicker = _ANY_PORT) -> None:
        self.root = Path(root)
        self.ports = ports
        self.releases = self.root / "releases"
        self.downloads = self.root / "downloads"
        self.current_link = self.root / "current"

    # --- what is on disk --------------------------------------------------

    def release_dir(self, version: str) -> Path:
        if not is_valid_version(version):
            raise ValueError(f"not a usable version name: {version!r}")
        return self.releases / version

    def download_path(self, digest: str) -> Path:
        return self.downloads / digest

    def unpacked_digest(self, version: str) -> str | None:
        marker = self.releases / f".{version}.digest"
        try:
            digest = marker.read_text().strip()
        except FileNotFoundError:
            return None
        return digest if self.release_dir(version).is_dir() else None

    def current_version(self) -> str | None:
        try:
            target = os.readlink(self.current_link)
        except OSError:
            return None
        return Path(target).name

    def observe(self, version: str, digest: str) -> HostObservation:
        return HostObservation(
            downloaded=self.download_path(digest).is_file(),
            unpacked_digest=self.unpacked_digest(version),
            running=self.is_running(version),
            is_current=self.current_version() == version,
        )

    # --- changing it ------------------------------------------------------

    def unpack_release(self, version: str, artifact: bytes | Path | BinaryIO, digest: str) -> None:
        """Unpack (the artifact's bytes, file or stream) into a temporary folder
        and rename it into place, then write the digest marker: a crash
        leaves either no release or a whole one."""
        final = self.release_dir(version)
        self.releases.mkdir(parents=True, exist_ok=True)
        staging = self.releases / f".{version}.unpacking"
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(artifact, Path):
            unpack_file(artifact, staging)
        elif isinstance(artifact, bytes):
            unpack(artifact, staging)
        else:
            unpack_stream(artifact, staging)
        if final.exists():
            # Unpacked before from another artifact (or half-marked): replace it.
            if self.is_running(version):
                self.stop(version)
            old = self.releases / f".{version}.old"
            shutil.rmtree(old, ignore_errors=True)
            os.rename(final, old)
            shutil.rmtree(old, ignore_errors=True)
        os.rename(staging, final)
        marker_tmp = self.releases / f".{version}.digest.tmp"
        marker_tmp.write_text(digest)
        os.replace(marker_tmp, self.releases / f".{version}.digest")

    def switch(self, version: str) -> None:
        """Point `current` at the release atomically: a new link beside it,
        renamed over the old one, so `current` always names one release."""
        self.release_dir(version)  # validates the name
        tmp = self.root / "current.tmp"
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        os.symlink(f"releases/{version}", tmp)
        os.replace(tmp, self.current_link)

    def clear_current(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.current_link.unlink()

    # --- processes --------------------------------------------------------

    @staticmethod
    def _name(version: str) -> str:
        return f"release-{version}"

    def start(self, version: str) -> int:
        """Start releases/<version>/run on a fresh port (env PORT); the port."""
        release = self.release_dir(version)
        port = self.ports.pick()
        with _STARTS:
            processes.start(
                self.root,
                self._name(version),
                [str(release / "run")],
                env={"PORT": str(port)},
                cwd=release,
            )
        port_file = self.root / "run" / f"{self._name(version)}.port"
        port_file.write_text(str(port))
        return port

    def port(self, version: str) -> int | None:
        try:
            return int((self.root / "run" / f"{self._name(version)}.port").read_text())
        except (FileNotFoundError, ValueError):
            return None

    def pid(self, version: str) -> int | None:
        return processes.running_pid(self.root, self._name(version))

    def is_running(self, version: str) -> bool:
        return is_valid_version(version) and self.pid(version) is not None

    def log_file(self, version: str) -> Path:
        return processes.log_file(self.root, self._name(version))

    def stop(self, version: str, timeout: float = 10.0) -> None:
        processes.stop(self.root, self._name(version), timeout=timeout)
        (self.root / "run" / f"{self._name(version)}.port").unlink(missing_ok=True)

    def running_versions(self) -> list[str]:
        run = self.root / "run"
        if not run.is_dir():
            return []
        found = [
            p.stem.removeprefix("release-")
            for p in run.glob("release-*.pid")
            if is_valid_version(p.stem.removeprefix("release-"))
        ]
        return sorted(v for v in found if self.is_running(v))

    def stop_all_except(self, keep: str | None) -> list[str]:
        stopped = [v for v in self.running_versions() if v != keep]
        for version in stopped:
            self.stop(version)
        return stopped
