"""The function-style harnesses build and run with their language's own argv, plus their files."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from streams.judge.harness import HARNESS_ROOT, HarnessError, harnesses, load_harness
from streams.judge.languages import load_languages

TABLE = load_languages(toolchains=Path("/opt/tc"))
HARNESSES = harnesses()


@pytest.mark.parametrize("language_id", sorted(HARNESSES))
def test_a_harness_compiles_with_its_languages_exact_argv_plus_its_files(
    language_id: str,
) -> None:
    language, harness = TABLE[language_id], HARNESSES[language_id]
    argv = harness.compile_argv(language)
    if language.compile is None:
        assert argv is None
        return
    assert argv is not None
    # A compiler of one root file (rustc) gets the harness's root in place of its input.
    kept = language.compile if harness.compile_replace is None else language.compile[:-1]
    assert argv[: len(kept)] == kept
    added = argv[len(kept) :]
    assert added and set(added) <= {*harness.files, harness.glue_file}


@pytest.mark.parametrize("language_id", sorted(HARNESSES))
def test_a_harness_runs_with_its_languages_argv_and_its_own_program(language_id: str) -> None:
    language, harness = TABLE[language_id], HARNESSES[language_id]
    argv = harness.run_argv(language, "twoSum")
    assert argv[: len(language.run) - 1] == language.run[:-1]
    assert argv[-1] == "twoSum"
    assert not any("{" in arg for arg in argv)


def test_the_typescript_harness_compiles_with_the_toolchains_tsc() -> None:
    # A bare `tsc` is on no PATH the sandbox has: only the language table's is.
    typescript = HARNESSES["typescript"]
    argv = typescript.compile_argv(TABLE["typescript"])
    assert argv is not None
    assert argv[0] == "/opt/tc/typescript/node_modules/@typescript/typescript-linux-x64/lib/tsc"
    assert argv[-2:] == ("main.ts", "harness.ts")
    assert typescript.run_argv(TABLE["typescript"], "f") == ("/usr/bin/node", "harness.js", "f")


def test_the_java_harness_runs_on_the_languages_lean_jvm() -> None:
    java, language = HARNESSES["java"], TABLE["java"]
    compile_argv = java.compile_argv(language)
    assert compile_argv is not None
    assert "-J-XX:SharedArchiveFile=/opt/tc/java/javac.jsa" in compile_argv
    run = java.run_argv(language, "twoSum")
    assert "-XX:MaxRAM=1g" in run and "-XX:+UseSerialGC" in run
    assert run[-2:] == ("Harness", "twoSum")


def test_a_harness_follows_the_language_table_it_is_given() -> None:
    # A change to the language's flags reaches the harness with no edit of its own.
    java = TABLE["java"]
    changed = dataclasses.replace(
        java, run=("/usr/bin/java", "-XX:MaxRAM=512m", "-cp", ".", "Main")
    )
    assert HARNESSES["java"].run_argv(changed, "f") == (
        "/usr/bin/java", "-XX:MaxRAM=512m", "-cp", ".", "Harness", "f",
    )  # fmt: skip


def test_a_harness_that_does_not_fit_its_language_is_refused() -> None:
    python = TABLE["python"]
    with pytest.raises(HarnessError, match="not the program"):
        HARNESSES["python"].run_argv(dataclasses.replace(python, run=("/usr/bin/x",)), "f")
    with pytest.raises(HarnessError, match="applied to"):
        HARNESSES["python"].run_argv(TABLE["ruby"], "f")
    with pytest.raises(HarnessError, match="compiles nothing"):
        HARNESSES["java"].compile_argv(dataclasses.replace(TABLE["java"], compile=None))


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        # The old form: a command of its own, free to drift from the language's.
        (
            'language = "python"\nfiles = []\nrun = ["/usr/bin/python3", "harness.py"]\n',
            "[run] needs",
        ),
        (
            'language = "python"\nfiles = []\n[run]\nreplace = "main.py"\n'
            'with = ["{toolchains}/x"]\n',
            "no placeholder",
        ),
        (
            'language = "java"\nfiles = []\ncompile = ["tsc"]\n'
            '[run]\nreplace = "M"\nwith = ["H"]\n',
            "[compile] has only",
        ),
        ('language = "python"\nfiles = []\ncolour = 1\n', "unknown keys"),
    ],
)
def test_a_broken_harness_file_is_refused(tmp_path: Path, text: str, complaint: str) -> None:
    path = tmp_path / "demo.toml"
    path.write_text(text)
    with pytest.raises(HarnessError, match=re.escape(complaint)):
        load_harness(path)


def test_the_harness_folder_holds_one_toml_per_harness() -> None:
    assert {path.stem for path in HARNESS_ROOT.glob("*.toml")} == set(HARNESSES)
