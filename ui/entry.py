"""The `credit-ledger` command: the window when no subcommand is given, else the command line.

No Qt and no database library is imported here: the window's options are parsed by hand so it
opens without loading the command line, and a subcommand never loads Qt.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

from ledger.argv import bad_argument, not_text_message

WINDOW_FLAGS = ("--demo", "--background", "--self-test")
DESKTOP_FLAGS = ("--install-desktop", "--uninstall-desktop")


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


def window_arguments(argv: Sequence[str]) -> SimpleNamespace:
    """The window's options (db, demo, background, self_test) from arguments `wants_window` accepted.

    Parsed by hand, as `wants_window` reads them: even argparse is not needed to open the window.
    """
    options = SimpleNamespace(db=None, demo=False, background=False, self_test=False)
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg == "--db" and rest:
            options.db = Path(rest.pop(0))
        elif arg.startswith("--db="):
            options.db = Path(arg.removeprefix("--db="))
        elif arg in WINDOW_FLAGS:
            setattr(options, arg.removeprefix("--").replace("-", "_"), True)
        else:
            raise ValueError(f"not a window option: {arg!r}")
    return options


def desktop_integration(flag: str) -> int:
    """Put the app in (or take it out of) the desktop's menus: the entry, the icon and the metainfo."""
    from ledger.errors import LedgerError
    from ui.files.desktop_install import install_desktop, uninstall_desktop

    try:
        if flag == "--install-desktop":
            for path in install_desktop().all():
                print(f"Wrote {path}")
            print("Credit Ledger is in your desktop's menu now (log out and in if it does not show yet).")
        else:
            removed = uninstall_desktop()
            for path in removed:
                print(f"Removed {path}")
            if not removed:
                print("Credit Ledger was not in your desktop's menu; nothing to remove.")
    except (LedgerError, OSError) as error:
        print(f"credit-ledger: error: {error}", file=sys.stderr)
        return 2
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Open the desktop app when no subcommand is given, else run the command line."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    bad = bad_argument(arguments)
    if len(arguments) == 1 and arguments[0] in DESKTOP_FLAGS:
        return desktop_integration(arguments[0])
    if wants_window(arguments):
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
