"""The builder's pure part: which sources it takes, what a run means, the log it keeps."""

from __future__ import annotations

import signal

import pytest

from schemas.deploy.records import Artifact, BuildRelease, ReleaseBuildFailed, ReleaseBuilt
from streams.deploy import build_plan
from streams.deploy.build_plan import RefusedSource, RunOutcome
from streams.records import fact_record
from tests.support.log import command


@pytest.mark.parametrize(
    "repo", ["/srv/repos/hello", "/srv/repos/hello.git", "file:///srv/repos/hello"]
)
def test_local_paths_and_file_urls_are_taken(repo: str) -> None:
    assert build_plan.check_repo(repo) == repo


@pytest.mark.parametrize(
    "repo",
    [
        "",
        "-uhelper",
        "--upload-pack=touch /tmp/pwned",
        "https://example.com/x.git",
        "http://127.0.0.1/x",
        "ssh://host/x",
        "git@host:x.git",
        "host:repo",
        "ext::sh -c touch% /tmp/pwned",
        "fd::17",
        "file://host/srv/x",
        "relative/path",
        "./here",
        "/srv/../etc",
        "/srv/repo/..",
        "/srv/repo\nx",
        "/srv/a::b",
    ],
)
def test_anything_else_is_refused(repo: str) -> None:
    with pytest.raises(RefusedSource):
        build_plan.check_repo(repo)


@pytest.mark.parametrize("commit", ["abcdef1", "0" * 40, "ABCDEF12"])
def test_commits_are_7_to_40_hex_digits(commit: str) -> None:
    assert build_plan.check_commit(commit) == commit.lower()


@pytest.mark.parametrize(
    "commit", ["", "abcdef", "0" * 41, "HEAD", "main", "-p", "abcdefg", "abc def1", "a1b2c3d\n"]
)
def test_other_commits_are_refused(commit: str) -> None:
    with pytest.raises(RefusedSource):
        build_plan.check_commit(commit)


def test_the_build_runs_build_sh_on_a_copy_with_out_version_and_commit_set() -> None:
    argv = build_plan.build_command("1.0.0; rm -rf /", "ab" * 20)
    assert argv[:4] == [
        "/usr/bin/env",
        "OUT=/box/out",
        "VERSION=1.0.0; rm -rf /",
        "COMMIT=" + "ab" * 20,
    ]
    assert argv[4:6] == ["/bin/sh", "-c"]
    script = argv[6]
    assert "cp -R /box/checkout /box/src" in script
    assert script.endswith("./build.sh")
    assert "1.0.0" not in script  # values never in the shell's text


def _run(**changes: object) -> RunOutcome:
    fields: dict[str, object] = {
        "exit_code": 0,
        "signal": None,
        "output_truncated": False,
        "wall_limit_hit": False,
        "cpu_limit_hit": False,
        "memory_limit_hit": False,
        "file_size_limit_hit": False,
    }
    fields.update(changes)
    return RunOutcome(**fields)  # type: ignore[arg-type]


def test_a_clean_exit_is_no_failure() -> None:
    assert build_plan.run_failure(_run()) is None


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"exit_code": 3}, "exited with status 3"),
        ({"exit_code": None, "signal": int(signal.SIGSEGV)}, "killed by SIGSEGV"),
        ({"exit_code": None, "signal": 9, "wall_limit_hit": True}, "time limit of 120 s"),
        ({"exit_code": None, "signal": 9, "cpu_limit_hit": True}, "60 s of CPU"),
        ({"exit_code": 1, "memory_limit_hit": True}, "out of memory"),
        ({"exit_code": None, "signal": 9, "output_truncated": True}, "more than 1024 KB"),
        ({"exit_code": 1, "file_size_limit_hit": True}, "a file over 256 MB"),
    ],
)
def test_a_failed_run_says_why(changes: dict[str, object], says: str) -> None:
    why = build_plan.run_failure(_run(**changes))
    assert why is not None and says in why


def test_short_logs_are_kept_whole() -> None:
    assert build_plan.cut_log("built\n") == "built\n"
    assert build_plan.log_excerpt(b"out", b"err\n") == "out\nerr\n"


def test_long_logs_keep_head_and_tail_and_say_what_was_cut() -> None:
    text = "H" * 2000 + "M" * 10_000 + "T" * 5000
    cut = build_plan.cut_log(text, head=100, tail=200)
    assert cut.startswith("H" * 100) and cut.endswith("T" * 200)
    assert f"[... {len(text) - 300} characters cut ...]" in cut
    assert len(cut) < 400


def test_undecodable_output_is_still_text() -> None:
    assert "\ufffd" in build_plan.log_excerpt(b"\xff\xfe", b"")


def _command() -> BuildRelease:
    return command(  # type: ignore[return-value]
        BuildRelease,
        release_id="01JREL",
        service="hello",
        version="1.0.0",
        repo="/srv/hello",
        commit="abcdef1",
        actor="alice",
    )


def test_the_facts_are_valid_records_of_their_command() -> None:
    cause = _command()
    artifact = Artifact(digest="a" * 64, signature="b" * 128, size_bytes=10)
    ok = build_plan.built(
        cause,
        commit="abcdef1" + "0" * 33,
        committed_at_ms=1_700_000_000_000,
        artifact=artifact,
        build_ms=1200,
        log="done",
    )
    record = fact_record(ok, cause, 0, "test")
    assert isinstance(record, ReleaseBuilt)
    assert record.artifact == artifact and record.release_id == "01JREL"
    bad = fact_record(build_plan.failed(cause, reason="no", log="x"), cause, 0, "test")
    assert isinstance(bad, ReleaseBuildFailed)
    assert (bad.commit, bad.reason, bad.log_excerpt) == ("abcdef1", "no", "x")
