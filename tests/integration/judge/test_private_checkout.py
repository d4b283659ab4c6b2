"""A checkout no other user may enter (a clone in /root, or under `mktemp -d`) judges.

The sandbox's uids are not the checkout's owner: what they read (toolchains,
harness files, the compile cache that is each run's /box, a custom checker's
box) must live outside the checkout. Here the working tree is copied into a
fresh 0700 folder and, from that copy alone (its own cwd and PYTHONPATH, its
state dir inside it as `onelog up` would leave it), its installer readies C++
and Python and real submissions are judged Accepted: a compiled stdio
solution, and a Python function-style one through its harness and a custom
checker. Real bubblewrap and cgroups; no Kafka or Redis.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.settings import REPO_ROOT
from streams.judge.limits import DEFAULT_LIMITS
from streams.judge.sandbox import Sandbox, SandboxError

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not Path("/usr/bin/bwrap").exists(),
    reason="the sandbox needs root and bubblewrap",
)

UIDS = (62_330, 2)  # this module's own uid range, in the copy's script too

# What a clone does not have (or a copy need not carry): state, the virtualenv, caches.
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", ".onelog", ".toolchains", "__pycache__", "*.pyc",
    ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", "*.egg-info",
)  # fmt: skip
INSTALL_TIMEOUT_S = 600  # the first install builds C++'s precompiled header
JUDGE_TIMEOUT_S = 300

# Run in the copy: judge each (problem, language) with the catalog's reference
# solution, made new by a comment so that the compiler really runs, with the
# sandbox, toolchain and language table built as the worker builds them.
JUDGE_SCRIPT = """
import json, os, sys
from pathlib import Path

import streams
from schemas.envelope import Envelope
from schemas.judge import ProblemPublished, SubmitSolution
from streams.judge.catalog import load_catalog, reference_solutions, to_record_fields
from streams.judge.evaluation import evaluate
from streams.judge.judge_dir import judge_dir
from streams.judge.sandbox import Sandbox
from streams.judge.toolchain import Toolchain
from streams.judge.uids import UidPool

cases, marker = json.loads(sys.argv[1]), sys.argv[2]
envelope = Envelope(
    event_id="01JDQ3Z8M4X7K2N5P9R1T3V6W8", type="onelog.judge.ProblemPublished",
    schema_version=1, occurred_at=1, recorded_at=2, producer="test", key="k",
    correlation_id="c",
)
problems = {d.problem_id: d for d in load_catalog()}
sandbox = Sandbox(uids=UidPool(62_330, 2), cgroup_parent=f"onelog-judge-private-{os.getpid()}")
toolchain = Toolchain(sandbox, judge_dir().compile_cache)
found = {"streams": streams.__file__, "verdicts": {}}
for problem_id, language, comment in cases:
    problem = ProblemPublished(envelope=envelope, **to_record_fields(problems[problem_id]))
    source = reference_solutions(problem_id)[language] + f"\\n{comment} {marker}\\n"
    command = SubmitSolution(
        envelope=envelope, submission_id=f"{problem_id}-{language}", user_id="u",
        problem_id=problem_id, problem_revision=problem.revision, language=language,
        source=source,
    )
    evaluation = evaluate(problem, command, sandbox=sandbox, toolchain=toolchain)
    found["verdicts"][f"{problem_id}/{language}"] = {
        "verdict": evaluation.verdict.verdict,
        "message": evaluation.verdict.message,
        "compiled": evaluation.compiled.ok,
        "cached": evaluation.compiled.cached,
        "passed": evaluation.verdict.passed,
        "total": evaluation.verdict.total,
    }
for parent in sandbox.cgroup_parents:
    parent.rmdir()
print(json.dumps(found))
"""
CASES = [
    ("a-plus-b", "cpp", "//"),  # compiled, stdio
    ("group-anagrams", "python", "#"),  # interpreted, harness, custom checker (Python)
]


@pytest.fixture
def private_folder() -> Iterator[Path]:
    """A fresh `mktemp -d` folder: 0700, root's alone, like /root."""
    folder = Path(tempfile.mkdtemp(prefix="onelog-private-"))
    assert folder.stat().st_mode & 0o777 == 0o700
    yield folder
    shutil.rmtree(folder)


def test_a_toolchain_no_run_can_reach_is_the_judges_error_naming_the_folder(
    sandbox: Sandbox, box: Path, private_folder: Path
) -> None:
    toolchain = private_folder / "toolchains" / "demo"
    toolchain.mkdir(parents=True, mode=0o755)
    box.chmod(0o755)
    with pytest.raises(SandboxError, match=f"{private_folder} is not searchable by others"):
        sandbox.run(
            ["/usr/bin/true"],
            workdir=box,
            stdin=b"",
            limits=DEFAULT_LIMITS,
            read_only=[toolchain],
        )


@pytest.fixture(scope="module")
def private_checkout() -> Iterator[Path]:
    """The working tree copied into a fresh `mktemp -d` folder: 0700, root's alone."""
    home = Path(tempfile.mkdtemp(prefix="onelog-private-"))
    assert home.stat().st_mode & 0o777 == 0o700
    checkout = home / "onelog"
    shutil.copytree(REPO_ROOT, checkout, ignore=NOT_COPIED, symlinks=True)
    yield checkout
    shutil.rmtree(home)


def _in_checkout_env(checkout: Path) -> dict[str, str]:
    """This test's ONELOG_* settings but the state dir: the copy's own `.onelog/`."""
    env = {k: v for k, v in os.environ.items() if k != "ONELOG_STATE_DIR"}
    return {**env, "PYTHONPATH": str(checkout)}


def test_a_checkout_in_a_private_folder_judges_compiled_and_interpreted_code(
    private_checkout: Path,
) -> None:
    env = _in_checkout_env(private_checkout)
    languages = sorted({language for _, language, _ in CASES})
    installed = subprocess.run(
        [sys.executable, "-m", "onelog.toolchains", "--no-apt", *languages],
        cwd=private_checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT_S,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr

    judged = subprocess.run(
        [sys.executable, "-c", JUDGE_SCRIPT, json.dumps(CASES), uuid.uuid4().hex],
        cwd=private_checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=JUDGE_TIMEOUT_S,
        check=False,
    )
    assert judged.returncode == 0, judged.stderr
    found = json.loads(judged.stdout)
    assert Path(found["streams"]).is_relative_to(private_checkout)
    why = judged.stderr[-2000:]  # the judge's log: why a run could not start
    for case, outcome in found["verdicts"].items():
        assert outcome["compiled"] and not outcome["cached"], (case, outcome, why)
        assert outcome["verdict"] == "accepted", (case, outcome, why)
        assert outcome["passed"] == outcome["total"] > 0, (case, outcome)
    assert len(found["verdicts"]) == len(CASES)
