"""What the domains install before the platform starts: `python -m onelog.toolchains [args]`.

`infra/onelog up` and `test` run it; quick when everything is there already.
The arguments go to each domain's installer (`CliDomain.install`); the judge's
is the only one yet (language ids, --no-apt: onelog/judge/toolchains.py).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from onelog.domain import cli_domains


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    for domain in cli_domains():
        if domain.install is not None:
            code = domain.install(arguments)
            if code:
                return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
