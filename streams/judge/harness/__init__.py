"""The function-style harness per language, as data.

Which files go next to the learner's source, and how to build and run them.

A harness reads the test input (a JSON array of arguments) from stdin, calls
the learner's function by name and prints the result as one line of compact
JSON. `{function}` in an argv stands for the problem's FunctionSignature.name;
`{toolchains}` for the toolchains folder, as in the language table (the
harness argv are the language's own, with the harness's files added).
See README.md for the contract. Pure: reads files only.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from streams.judge.languages import TOOLCHAINS_DIR, TOOLCHAINS_PLACEHOLDER

HARNESS_ROOT = Path(__file__).resolve().parent
FUNCTION_PLACEHOLDER = "{function}"


@dataclass(frozen=True)
class Harness:
    language: str
    files: dict[str, str]  # file name -> content, written into /box next to the source
    compile: tuple[str, ...] | None  # argv run in /box; None when nothing is compiled
    run: tuple[str, ...]  # argv run in /box, with `{function}` still in it

    def run_argv(self, function: str) -> tuple[str, ...]:
        """The run argv for one problem's function name."""
        return tuple(function if arg == FUNCTION_PLACEHOLDER else arg for arg in self.run)


def load_harness(path: Path, *, toolchains: Path = TOOLCHAINS_DIR) -> Harness:
    data = tomllib.loads(path.read_text(encoding="utf-8"))

    def argv(key: str) -> tuple[str, ...] | None:
        value = data.get(key)
        if not value:
            return None
        return tuple(arg.replace(TOOLCHAINS_PLACEHOLDER, str(toolchains)) for arg in value)

    run = argv("run")
    if run is None:
        raise ValueError(f"{path}: a harness needs a run argv")
    return Harness(
        language=data["language"],
        files={name: (path.parent / name).read_text(encoding="utf-8") for name in data["files"]},
        compile=argv("compile"),
        run=run,
    )


def harnesses(
    root: Path = HARNESS_ROOT, *, toolchains: Path = TOOLCHAINS_DIR
) -> dict[str, Harness]:
    """Every language that can run function-style problems, by language id."""
    found = (load_harness(path, toolchains=toolchains) for path in sorted(root.glob("*.toml")))
    return {harness.language: harness for harness in found}
