"""``python -m reanalysis check FILE...``: list every problem of your files (see
:mod:`reanalysis.check`). Reports and data have their own entry points: ``make reports``,
``make data``."""

import sys

from reanalysis import check

COMMANDS = {"check": check.main}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        print("usage: python -m reanalysis check FILE... [--format F] [--limit N]",
              file=sys.stderr)  # fmt: skip
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main())
