"""The builder in a real worker on the real broker: BuildRelease in, one outcome
out, built in the sandbox from a real git repository."""

from __future__ import annotations

import hashlib
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from infra.settings import Settings
from onelog.deploy.sample_repo import ensure_sample_repo
from schemas.deploy.records import BuildRelease, ReleaseBuildFailed, ReleaseBuilt
from schemas.deploy.topics import DEPLOY_BUILDS
from streams.deploy.blob_store import BlobStore
from streams.deploy.config import DeploySettings, deploy_settings
from streams.deploy.signing import load_public_key, verify_digest
from streams.judge.judge_dir import JudgeDir
from tests.support.log import LogReader, LogWriter, Seen, command, records

pytestmark = pytest.mark.integration

# The worker's first start and the first sandboxed build can take a while.
TIMEOUT = 180


def _build(service: str, repo: str, commit: str, version: str = "1.0.0") -> BuildRelease:
    return command(  # type: ignore[return-value]
        BuildRelease,
        release_id=f"rel-{uuid.uuid4().hex[:12]}",
        service=service,
        version=version,
        repo=repo,
        commit=commit,
        actor="alice",
    )


def _outcomes_of(*builds: BuildRelease) -> Callable[[Seen], bool]:
    ids = {b.release_id for b in builds}

    def keep(seen: Seen) -> bool:
        return isinstance(seen.record, ReleaseBuilt | ReleaseBuildFailed) and (
            seen.record.release_id in ids
        )

    return keep


def _wait(bootstrap: str, *builds: BuildRelease) -> dict[str, ReleaseBuilt | ReleaseBuildFailed]:
    reader = LogReader(bootstrap, [DEPLOY_BUILDS.name])
    try:
        seen = reader.wait_for(
            _outcomes_of(*builds), lambda s: len(s) >= len(builds), timeout=TIMEOUT
        )
    finally:
        reader.close()
    outcomes: list[ReleaseBuilt | ReleaseBuildFailed] = [
        *records(seen, ReleaseBuilt),
        *records(seen, ReleaseBuildFailed),
    ]
    assert len(outcomes) == len(builds)  # one answer each
    return {o.release_id: o for o in outcomes}


def _repo_with_build_script(deploy: DeploySettings, script: str) -> tuple[str, str]:
    """A one-commit repository whose build.sh is `script`: (path, commit)."""
    repo = deploy.deploy_dir / "repos" / f"test-{uuid.uuid4().hex[:8]}"
    repo.mkdir(parents=True)
    (repo / "build.sh").write_text(script)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid"]
    for args in (["init", "-q"], ["add", "build.sh"], ["commit", "-q", "-m", "build"]):
        subprocess.run([*git, *args], cwd=repo, check=True, capture_output=True)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True, text=True
    )
    return str(repo), head.stdout.strip()


def test_the_sample_builds_into_a_signed_artifact_in_the_blob_store(
    worker: Settings, writer: LogWriter
) -> None:
    deploy = deploy_settings(worker)
    sample = ensure_sample_repo(deploy)
    good = _build("hello", str(sample.path), sample.good_commit[:12])
    bad = _build("hello", f"file://{sample.path}", sample.bad_commit, version="1.1.0")
    writer.send(good, bad)
    outcomes = _wait(worker.kafka_bootstrap, good, bad)
    public_key = load_public_key(deploy.public_key_path)
    blobs = BlobStore(deploy.blob_dir)
    for build, commit in ((good, sample.good_commit), (bad, sample.bad_commit)):
        built = outcomes[build.release_id]
        assert isinstance(built, ReleaseBuilt), built
        assert built.commit == commit  # the full hash, though asked by a prefix
        assert built.committed_at_ms is not None and built.committed_at_ms > 0
        assert (built.service, built.version, built.actor) == ("hello", build.version, "alice")
        digest = built.artifact.digest
        assert blobs.has(digest)
        data = blobs.path(digest).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest
        assert built.artifact.size_bytes == len(data)
        assert verify_digest(public_key, digest, built.artifact.signature)
        assert built.build_ms >= 0
    # The two commits differ by the UNHEALTHY file, so their artifacts do too.
    assert outcomes[good.release_id].artifact.digest != outcomes[bad.release_id].artifact.digest  # type: ignore[union-attr]


def test_a_build_that_reaches_for_the_network_or_fails_is_reported(
    worker: Settings, writer: LogWriter
) -> None:
    deploy = deploy_settings(worker)
    port = worker.kafka_bootstrap.rsplit(":", 1)[1]  # something that listens on the host
    network_repo, network_commit = _repo_with_build_script(
        deploy,
        "#!/bin/sh\nset -e\necho fetching\n"
        f"python3 -c \"import socket; socket.create_connection(('127.0.0.1', {port}), 2)\"\n"
        'echo reached > "$OUT/x"\n',
    )
    failing_repo, failing_commit = _repo_with_build_script(
        deploy, "#!/bin/sh\necho compiling; echo 'error: it broke' >&2; exit 3\n"
    )
    empty_repo, empty_commit = _repo_with_build_script(deploy, "#!/bin/sh\necho nothing\n")
    network = _build("svc-net", network_repo, network_commit)
    failing = _build("svc-fail", failing_repo, failing_commit)
    empty = _build("svc-empty", empty_repo, empty_commit)
    missing = _build("svc-fail", failing_repo, "0123456789abcdef")
    writer.send(network, failing, empty, missing)
    outcomes = _wait(worker.kafka_bootstrap, network, failing, empty, missing)

    reached = outcomes[network.release_id]
    assert isinstance(reached, ReleaseBuildFailed), reached
    assert "exited with status 1" in reached.reason
    assert "fetching" in reached.log_excerpt
    # Kafka listens on the host's port, yet the sandbox's own network has nothing there.
    assert "Connection refused" in reached.log_excerpt or "unreachable" in reached.log_excerpt
    broke = outcomes[failing.release_id]
    assert isinstance(broke, ReleaseBuildFailed)
    assert broke.reason == "build.sh exited with status 3"
    assert "compiling" in broke.log_excerpt and "error: it broke" in broke.log_excerpt
    nothing = outcomes[empty.release_id]
    assert isinstance(nothing, ReleaseBuildFailed) and "left $OUT empty" in nothing.reason
    unknown = outcomes[missing.release_id]
    assert isinstance(unknown, ReleaseBuildFailed)
    assert "0123456789abcdef is not in" in unknown.reason
    # No build left its folder behind (in the judge's folder, shared with
    # whatever else builds on this machine: these builds' own).
    builds = JudgeDir(worker.judge_dir).builds
    for build in (network, failing, empty, missing):
        assert not list(builds.glob(f"build-{build.release_id}-*")), build.release_id


@pytest.mark.parametrize(
    "repo",
    ["--upload-pack=touch /tmp/onelog-pwned", "https://example.com/x.git", "ext::sh -c id"],
)
def test_a_hostile_repository_is_refused_without_running_git(
    worker: Settings, writer: LogWriter, repo: str
) -> None:
    hostile = _build("svc-hostile", repo, "abcdef1")
    writer.send(hostile)
    refused = _wait(worker.kafka_bootstrap, hostile)[hostile.release_id]
    assert isinstance(refused, ReleaseBuildFailed)
    assert refused.reason.startswith("refused: ")
    assert not Path("/tmp/onelog-pwned").exists()
