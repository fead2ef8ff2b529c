"""The `credit-ledger` command line: parsing, the shared context, and turning errors into exit codes.

Bad input exits with 2 and one line on stderr; nothing is written. Each command group
lives in its own module and registers its subcommands here.

A command loads only what it uses: this module and the registering parts of the command
modules import nothing beyond the standard library at the top (`--help` needs nothing else),
and each handler imports its own libraries when it runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from ledger.argv import bad_argument, not_text_message

if TYPE_CHECKING:
    from datetime import date, datetime

    from ledger.rules.eligibility import Evaluation
    from ledger.rules.rulebook import RuleBook
    from ledger.storage.store import CreditDetail, Ledger

PROG = "credit-ledger"
EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """The command line itself is wrong (unknown option, bad value, missing argument)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One clear line instead of argparse's usage block; `run` turns it into exit 2.
        raise UsageError(message)


class Context:
    """What every command needs: where the ledger is, what day it is, where to print.

    A plain class rather than a dataclass: `dataclasses` alone would add a tenth to `--help`.
    """

    def __init__(
        self,
        db_path: Path,
        today: date,
        now: datetime,
        *,
        out: TextIO | None = None,
        err: TextIO | None = None,
        stdin: TextIO | None = None,
        creates_ledger: bool = False,
        pretty: bool = False,
    ) -> None:
        self.db_path = db_path
        self.today = today
        self.now = now
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.stdin = stdin or sys.stdin
        self.creates_ledger = creates_ledger
        self.pretty = pretty
        self._ledger: Ledger | None = None
        self._rulebook: RuleBook | None = None

    @property
    def ledger(self) -> Ledger:
        """The ledger, opened (and migrated) on first use; only a command that creates ledgers may create it."""
        if self._ledger is None:
            from ledger.storage.store import Ledger

            if not self.creates_ledger:
                require_ledger(self.db_path)
            self._ledger = Ledger.open(self.db_path)
        return self._ledger

    def print_json(self, payload: Any) -> None:
        """Print a command's JSON: on one line, or indented for reading with --pretty."""
        import json

        if self.pretty:
            self.out.write(json.dumps(payload, indent=2, ensure_ascii=False))
        else:
            # No spaces after separators, and no check for cycles (the payload is plain data built here):
            # `list --json` prints tens of thousands of objects.
            self.out.write(json.dumps(payload, separators=(",", ":"), ensure_ascii=False, check_circular=False))
        self.out.write("\n")

    def daily_backup(self) -> None:
        """The same daily backup the app makes, so people who only use cron or the CLI get one too.

        Taken once the command has succeeded: a refused command leaves no file behind, not even this one.
        """
        if self._ledger is None:
            return
        from ledger.errors import LedgerError, StorageError
        from ledger.storage.backup import startup_backup
        from ledger.storage.settings import load_settings

        try:
            startup_backup(self.db_path, self.now, load_settings(self._ledger).backups_to_keep)
        except (LedgerError, StorageError) as error:
            print(f"{PROG}: warning: the daily backup failed: {error}", file=self.err)

    @property
    def rulebook(self) -> RuleBook:
        """The built-in rules plus the user's rule files; a broken file is reported and skipped."""
        if self._rulebook is None:
            from ledger.rules.rulebook import builtin_rules_dir, load_rulebook, skipped_files
            from ledger.storage.paths import user_rules_dir

            self._rulebook, problems = load_rulebook(builtin_rules_dir(), user_rules_dir(self.db_path))
            for line in skipped_files(problems):
                print(f"{PROG}: warning: skipped {line}", file=self.err)
        return self._rulebook

    def evaluate(self, detail: CreditDetail) -> Evaluation:
        """What the credit can be used for today, with the user's rule sets."""
        from ledger.rules.eligibility import evaluate

        return evaluate(detail.credit, self.today, balance=detail.balance, checks=detail.checks, rulebook=self.rulebook)

    def close(self) -> None:
        """Release the ledger if it was opened."""
        if self._ledger is not None:
            self._ledger.close()


Handler = Callable[[argparse.Namespace, Context], int]


def ledger_exists(path: Path) -> bool:
    """Whether there is a ledger (not a missing or empty file) at the path; anything else than a file counts too,
    so that opening it says what it is."""
    return path.exists() and (not path.is_file() or path.stat().st_size > 0)


def require_ledger(path: Path) -> None:
    """Refuse (exit 2) to work on a ledger that is not there: a mistyped --db must not become a new, empty ledger."""
    from ledger.storage.paths import DB_ENV, default_db_path

    if ledger_exists(path):
        return
    if path == default_db_path() and DB_ENV not in os.environ:
        raise UsageError(f"there is no ledger yet at {path}; add a credit first (credit-ledger add ...)")
    raise UsageError(f"there is no ledger at {path}; check the path given with --db or {DB_ENV}. Nothing was created")


def iso_date(text: str) -> date:
    """An argparse type: a date written YYYY-MM-DD (no other ISO 8601 form), within the dates the ledger keeps."""
    from ledger.errors import LedgerError
    from ledger.validation import parse_day

    try:
        return parse_day(text)
    except LedgerError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def credit_id(text: str) -> int:
    """An argparse type: a credit's id, a positive whole number in ASCII digits."""
    from ledger.errors import LedgerError
    from ledger.validation import MAX_ROWID, whole_number

    try:
        value = whole_number(text, "a credit id", MAX_ROWID)
    except LedgerError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if value == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a credit id: ids start at 1")
    return value


def day_count(text: str) -> int:
    """An argparse type: a number of days, 0 or more, in ASCII digits."""
    from ledger.errors import LedgerError
    from ledger.validation import MAX_ROWID, whole_number

    try:
        return whole_number(text, "a number of days (0 or more)", MAX_ROWID)
    except LedgerError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _check_arguments(argv: Sequence[str]) -> None:
    """Refuse an argument that is not valid text, naming it; raises UsageError. One check covers every
    argument, file paths included."""
    bad = bad_argument(argv)
    if bad is not None:
        raise UsageError(not_text_message(bad))


def common_options() -> argparse.ArgumentParser:
    """Options every subcommand takes: --db (default: $CREDIT_LEDGER_DB or the user data folder)."""
    parent = _Parser(add_help=False)
    parent.add_argument("--db", type=Path, default=argparse.SUPPRESS, metavar="PATH", help="the ledger file to use")
    return parent


def json_option(parser: argparse.ArgumentParser) -> None:
    """Add --json (and --pretty, the same indented) to a subcommand that prints."""
    parser.add_argument("--json", action="store_true", help="print JSON instead of text, on one line")
    parser.add_argument("--pretty", action="store_true", help="print JSON indented for reading (implies --json)")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: GUI options at the top, one subparser per command."""
    from ledger.cli import credits, plan, remind, transfer  # the subcommand modules import this one

    parent = common_options()
    parser = _Parser(prog=PROG, description="Keep track of store credit and what it can buy.", parents=[parent])
    parser.add_argument("--demo", action="store_true", help="open a separate demo ledger full of sample credits")
    parser.add_argument("--background", action="store_true", help="start hidden in the tray (reminders only)")
    # Handled before parsing (ui/entry.py); listed here so --help shows them.
    parser.add_argument(
        "--install-desktop", action="store_true", help="put Credit Ledger in the desktop's menu, with its icon"
    )
    parser.add_argument("--uninstall-desktop", action="store_true", help="take it out of the desktop's menu again")
    parser.add_argument(
        "--self-test", action="store_true", help="open the window, say whether everything shipped was found, and quit"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in (credits, plan, transfer, remind):
        module.register(subparsers, parent)
    return parser


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line; raises UsageError on bad input."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    _check_arguments(arguments)
    return build_parser().parse_args(arguments)


def fail(err: TextIO, message: str, code: int = EXIT_BAD_INPUT) -> int:
    """Print one error line and return the exit code."""
    print(f"{PROG}: error: {message}", file=err)
    return code


def run(args: argparse.Namespace, context: Context | None = None) -> int:
    """Run a parsed subcommand; every error becomes one line on stderr and an exit code."""
    from ledger import clock
    from ledger.errors import LedgerError, StorageError
    from ledger.storage.db import describe_failure, storage_failure
    from ledger.storage.inspection import LedgerFileError
    from ledger.storage.paths import default_db_path

    if getattr(args, "pretty", False):
        args.json = True
    if context is None:
        try:
            context = Context(
                db_path=getattr(args, "db", None) or default_db_path(),
                today=clock.today(),
                now=clock.now(),
                creates_ledger=getattr(args, "creates_ledger", False),
            )
        except ValueError as error:
            return fail(sys.stderr, f"bad {clock.NOW_ENV}: {error}")
    context.pretty = bool(getattr(args, "pretty", False))
    handler: Handler = args.handler
    try:
        if not str(context.db_path).strip() or context.db_path == Path():
            raise UsageError("--db needs the path of a ledger file")
        bad = bad_argument([str(context.db_path)])
        if bad is not None:
            raise UsageError(not_text_message(bad, "the ledger path"))
        code = handler(args, context)
        if code == EXIT_OK:
            context.daily_backup()
        return code
    except BrokenPipeError:
        # The reader went away (`credit-ledger list | head`): nothing left to say to it.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed pipe until exit
        return EXIT_OK
    except (LedgerError, LedgerFileError, UsageError) as error:
        return fail(context.err, str(error))
    except StorageError as error:
        return fail(context.err, str(error), EXIT_FAILURE)
    except OSError as error:
        return fail(context.err, f"{error.strerror or error}: {error.filename or ''}".rstrip(": "), EXIT_FAILURE)
    except Exception as error:
        failure = storage_failure(error)  # a read outside the ledger's own guards (those raise StorageError)
        if failure is not None:
            return fail(context.err, describe_failure(failure), EXIT_FAILURE)
        # A bug, not bad input: still one line for the user; set CREDIT_LEDGER_DEBUG=1 for the traceback.
        if os.environ.get("CREDIT_LEDGER_DEBUG"):
            raise
        return fail(context.err, f"unexpected {type(error).__name__}: {error} (please report this)", EXIT_FAILURE)
    finally:
        context.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for the command line alone (the GUI entry is `main.py`)."""
    try:
        args = parse(argv)
    except UsageError as error:
        return fail(sys.stderr, str(error))
    if args.command is None:
        return fail(sys.stderr, "no command given; try --help")
    return run(args)


def add_command(
    subparsers: Any,
    parent: argparse.ArgumentParser,
    name: str,
    handler: Handler,
    help_text: str,
    *,
    creates_ledger: bool = False,
) -> argparse.ArgumentParser:
    """Register one subcommand with the shared options and its handler; only some commands may create a ledger."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, parents=[parent], help=help_text, description=help_text
    )
    parser.set_defaults(handler=handler, creates_ledger=creates_ledger)
    return parser
