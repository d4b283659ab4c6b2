"""Where the time goes in a profiled ingest run (bench.music_ingest
--profile DIR): each py-spy file of collapsed stacks (one line a stack,
frames joined by ';', then the sample count) summed by function, the
functions with the most samples on their stack (inclusive) and at its top
(self), as shares of the process's busy samples: a sample whose top frame
is a wait (a selector, a condition, a queue, Kafka's poll or consume, a
Redis reply) is left out, as py-spy samples waiting threads too.

    python -m bench.music_ingest_profile DIR [--top 25]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path


def frame_name(frame: str) -> str:
    """`function (path:line)` without the line, so one function sums once."""
    name, _, where = frame.partition(" (")
    path = where.rsplit(":", 1)[0]
    for marker in ("site-packages/", "/work/main/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{name} ({path})"


# Top frames that wait rather than work (py-spy's idle detection misses
# them: they block in C while holding no lock it recognises).
WAITS = (
    "Condition.wait ",
    "Runner.run ",
    "EpollSelector.select ",
    "_worker (concurrent",
    "_Session._take_batch ",
    "CommandProducer._poll ",
    "Queue.get ",
    "_HiredisParser.read_from_socket ",
    "Event.wait ",
)


def summed(lines: list[str]) -> tuple[int, Counter[str], Counter[str]]:
    """(busy samples, inclusive, self) by function."""
    total, inclusive, own = 0, Counter[str](), Counter[str]()
    for line in lines:
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [frame_name(f) for f in stack.split(";")]
        if frames[-1].startswith(WAITS):
            continue
        total += count
        for name in set(frames):
            inclusive[name] += count
        own[frames[-1]] += count
    return total, inclusive, own


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("folder")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    for path in sorted(Path(args.folder).glob("*.txt")):
        total, inclusive, own = summed(path.read_text().splitlines())
        print(f"== {path.stem}: {total:,} busy samples")
        for title, counts in (("inclusive", inclusive), ("self", own)):
            print(f"  -- {title}")
            for name, count in counts.most_common(args.top):
                print(f"  {count / total * 100:5.1f}%  {name}")


if __name__ == "__main__":
    main()
