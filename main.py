"""Credit Ledger: `python main.py` opens the window; `python main.py SUBCOMMAND` runs the command line."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ledger import cli


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to the command line, or open the desktop app when no subcommand is given."""
    try:
        args = cli.parse(argv)
    except cli.UsageError as error:
        return cli.fail(sys.stderr, str(error))
    if args.command is not None:
        return cli.run(args)
    from ui.app import run_app  # Qt is loaded only when the window is wanted.

    return run_app(args)


if __name__ == "__main__":
    sys.exit(main())
