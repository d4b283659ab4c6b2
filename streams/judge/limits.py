"""What one sandboxed run may use, and how the layers of limits combine.

Defaults follow Judge0 (5 s CPU, 10 s wall, 256 MB, 64 processes, 1 MB per
written file, 64 KB of output kept). The layers, as in Piston:

- trusted layers (the language table, then the problem) *set* limits, so a
  language may give Java more memory than the default; each is clamped to
  `CEILING`, which no table can lift;
- a request may only *lower* what the trusted layers allow (`lowered_to`).

Pure: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class LimitOverrides:
    """Some limits to change; `None` leaves a limit as the layer below set it."""

    cpu_time_ms: int | None = None
    wall_time_ms: int | None = None
    memory_kb: int | None = None
    processes: int | None = None
    file_size_kb: int | None = None
    open_files: int | None = None
    output_kb: int | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            # bool is an int; True as "1 process" would be a silent typo.
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value <= 0
            ):
                raise ValueError(f"{f.name} must be a positive integer, not {value!r}")


NO_OVERRIDES = LimitOverrides()


@dataclass(frozen=True)
class Limits:
    """Everything a run may use. Times in ms, sizes in KB (1 KB = 1024 bytes)."""

    cpu_time_ms: int = 5_000
    wall_time_ms: int = 10_000
    memory_kb: int = 256 * 1024
    processes: int = 64
    file_size_kb: int = 1024  # bytes any one written file may hold
    open_files: int = 64
    output_kb: int = 64  # stdout and stderr kept, each; more is Output Limit Exceeded

    def __post_init__(self) -> None:
        LimitOverrides(**{f.name: getattr(self, f.name) for f in fields(self)})

    def lowered_to(self, other: LimitOverrides) -> Limits:
        """These limits, each lowered to `other`'s where that is lower; never raises a limit."""
        return replace(
            self,
            **{
                f.name: min(getattr(self, f.name), value)
                for f in fields(other)
                if (value := getattr(other, f.name)) is not None
            },
        )

    def set_to(self, other: LimitOverrides) -> Limits:
        """These limits with `other`'s in their place (a trusted layer), clamped to `CEILING`."""
        return replace(
            self,
            **{
                f.name: min(value, getattr(CEILING, f.name))
                for f in fields(other)
                if (value := getattr(other, f.name)) is not None
            },
        )


# What no language or problem may exceed: a run this big already hurts a 2-core worker.
CEILING = Limits(
    cpu_time_ms=60_000,
    wall_time_ms=120_000,
    memory_kb=4 * 1024 * 1024,
    processes=512,
    file_size_kb=256 * 1024,
    open_files=1024,
    output_kb=16 * 1024,
)

DEFAULT_LIMITS = Limits()


def effective_limits(
    *,
    language: LimitOverrides = NO_OVERRIDES,
    problem: LimitOverrides = NO_OVERRIDES,
    request: LimitOverrides = NO_OVERRIDES,
    default: Limits = DEFAULT_LIMITS,
) -> Limits:
    """The limits of one run: default, then language, then problem; the request only lowers."""
    return default.set_to(language).set_to(problem).lowered_to(request)
