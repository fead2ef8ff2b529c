"""Credit Ledger: `python main.py` opens the window; `python main.py SUBCOMMAND` runs the command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ledger.argv import bad_argument, not_text_message

WINDOW_FLAGS = ("--demo", "--background")


def wants_window(argv: Sequence[str]) -> bool:
    """True when the arguments are only window options (--db, --demo, --background): no subcommand, no help."""
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg == "--db" and rest:
            rest.pop(0)
        elif not (arg.startswith("--db=") or arg in WINDOW_FLAGS):
            return False
    return True


def window_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """The window's options; parsed here so the window opens without loading the command line's libraries."""
    parser = argparse.ArgumentParser(prog="credit-ledger")
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--background", action="store_true")
    return parser.parse_args(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    """Open the desktop app when no subcommand is given, else run the command line."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if wants_window(arguments):
        bad = bad_argument(arguments)
        if bad is not None:
            print(f"credit-ledger: error: {not_text_message(bad)}", file=sys.stderr)
            return 2
        from ui.app import run_app  # Qt is loaded only when the window is wanted.

        return int(run_app(window_arguments(arguments)))
    from ledger import cli

    try:
        args = cli.parse(arguments)
    except cli.UsageError as error:
        return cli.fail(sys.stderr, str(error))
    if args.command is None:
        return cli.fail(sys.stderr, "no command given; try --help")
    return cli.run(args)


if __name__ == "__main__":
    sys.exit(main())
