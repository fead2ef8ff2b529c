"""Subcommands that move data in and out: import, export, backup, backups, restore (issue 6).

Handlers import what they use when they run (see `ledger.cli`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledger.cli import PROG, Context, add_command, json_option, ledger_exists, require_ledger
from ledger.errors import LedgerError
from ledger.files.formats import EXPORT_FORMATS

if TYPE_CHECKING:
    from ledger.files.bulk import ImportReport
    from ledger.files.json_codes import ExportCodes, ImportCodes

STDOUT = "-"  # `export -o -`: standard output, as with no -o (`-o ./-` is a file named "-")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _trial_import(args: argparse.Namespace, context: Context) -> ImportReport:
    """Check the whole file against a new, empty ledger in a private temporary folder, so that a
    refused import into a ledger that does not exist yet creates nothing."""
    import tempfile

    from ledger.files.formats import import_file
    from ledger.storage.store import Ledger

    with tempfile.TemporaryDirectory(prefix="credit-ledger-check-") as folder:
        trial = Ledger.open(Path(folder) / "trial.sqlite3")
        try:
            return import_file(trial, args.file, context.now, merge=args.merge, dry_run=True)
        finally:
            trial.close()


def _import_codes(context: Context) -> ImportCodes:
    """How an import reaches claim codes: the file's passphrase and this ledger's key, each asked only if needed."""
    from ledger.cli.passphrases import cli_asker
    from ledger.files.json_codes import ImportCodes
    from ledger.vault.ledger_key import Ask, key_for_sealing

    asker = cli_asker(context)
    return ImportCodes(
        file_passphrase=lambda: asker(Ask("The passphrase the file's claim codes were exported with")),
        ledger_key=lambda: key_for_sealing(context.ledger, asker),
    )


def cmd_import(args: argparse.Namespace, context: Context) -> int:
    from ledger.files.formats import import_file

    if not ledger_exists(context.db_path):
        report = _trial_import(args, context)
        if not args.dry_run:
            report = import_file(context.ledger, args.file, context.now, merge=args.merge, codes=_import_codes(context))
    else:
        report = import_file(
            context.ledger,
            args.file,
            context.now,
            merge=args.merge,
            dry_run=args.dry_run,
            codes=_import_codes(context),
        )
    if args.json:
        context.print_json(
            {
                "file": str(args.file),
                "format": report.format,
                "imported": report.added,
                "skipped": report.skipped,
                "spends": report.spends,
                "dry_run": report.dry_run,
                "backup": None if report.backup is None else str(report.backup),
            },
        )
        return 0
    if report.dry_run:
        line = f"Checked {args.file}: {_plural(report.added, 'credit')} would be imported; nothing was written."
    else:
        line = f"Imported {_plural(report.added, 'credit')} from {args.file}."
    if report.spends:
        line += f" {_plural(report.spends, 'balance')} below the amount recorded as a spend."
    if report.skipped:
        line += f" {_plural(report.skipped, 'credit')} already in the ledger skipped."
    print(line, file=context.out)
    if report.backup is not None:
        print(f"Backup taken first: {report.backup}", file=context.out)
    return 0


def _export_codes(args: argparse.Namespace, context: Context, fmt: str) -> ExportCodes | None:
    """With --with-codes, the passphrase chosen for the file's codes (asked now) and how to unlock the ledger's."""
    from ledger.vault.codes import code_count

    if not args.with_codes:
        left_out = code_count(context.ledger) if fmt == "json" else 0
        if left_out:
            print(
                f"{PROG}: note: {_plural(left_out, 'claim code')} left out; add --with-codes to include them, "
                "encrypted with a passphrase you choose",
                file=context.err,
            )
        return None
    if fmt != "json":
        raise LedgerError("claim codes go only into JSON exports (encrypted); CSV and calendar files never carry them")
    from ledger.cli.passphrases import cli_asker
    from ledger.files.json_codes import ExportCodes
    from ledger.vault.ledger_key import Ask, unlock
    from ledger.vault.sealing import check_new_passphrase

    asker = cli_asker(context)
    passphrase = asker(Ask("Choose a passphrase for the claim codes in this export", new=True))
    if not passphrase:
        raise LedgerError("no passphrase given for the claim codes; nothing was exported")
    return ExportCodes(check_new_passphrase(passphrase), lambda: unlock(context.ledger, asker))


def cmd_export(args: argparse.Namespace, context: Context) -> int:
    from ledger.files.formats import export_file, export_format, export_text
    from ledger.private_files import check_target

    output = None if args.output in (None, STDOUT) else Path(args.output)
    fmt = export_format(args.format, output)
    if output is None:
        codes = _export_codes(args, context, fmt)
        text, _ = export_text(context.ledger, fmt, context.now, everything=args.all, codes=codes)
        context.out.write(text)
        return 0
    # Refuse a link, a device, a pipe or a missing folder before the ledger is even opened.
    check_target(output.expanduser())
    codes = _export_codes(args, context, fmt)
    count = export_file(context.ledger, output, fmt, context.now, everything=args.all, codes=codes)
    if args.json:
        context.print_json({"file": str(args.output), "format": fmt, "count": count})
    else:
        what = _plural(count, "event") if fmt == "ics" else _plural(count, "credit")
        print(f"Exported {what} to {args.output} ({fmt})", file=context.out)
    return 0


def cmd_backup(args: argparse.Namespace, context: Context) -> int:
    from ledger.storage.backup import backup_now
    from ledger.storage.settings import load_settings

    ledger = context.ledger
    target = backup_now(context.db_path, "manual", context.now, load_settings(ledger).backups_to_keep)
    if args.json:
        context.print_json({"backup": str(target)})
    else:
        print(f"Backed up to {target}", file=context.out)
    return 0


def cmd_backups(args: argparse.Namespace, context: Context) -> int:
    from ledger.storage.backup import list_backups

    backups = list_backups(context.db_path)
    if not ledger_exists(context.db_path):
        if not backups:
            require_ledger(context.db_path)
        # The ledger is gone but its backups are here: listing them is how it comes back.
        print(
            f"{PROG}: note: there is no ledger at {context.db_path}; restore one of these with: "
            f"{PROG} restore FILE",
            file=context.err,
        )
    if args.json:
        context.print_json(
            [
                {"file": str(b.path), "taken_at": b.taken_at.isoformat(), "reason": b.reason, "size": b.size}
                for b in backups
            ],
        )
        return 0
    if not backups:
        print(f"No backups of {context.db_path} yet. Take one with: credit-ledger backup", file=context.out)
        return 0
    print(f"{'Taken (local time)':<20} {'Reason':<22} {'Size':>10}  File", file=context.out)
    for info in backups:
        taken = info.taken_at.astimezone(context.now.tzinfo).strftime("%Y-%m-%d %H:%M:%S")
        print(f"{taken:<20} {info.reason:<22} {info.size:>10,}  {info.path.name}", file=context.out)
    return 0


def _backups_to_keep(path: Path) -> int:
    """The setting from the current ledger, or its default when that ledger is damaged or missing."""
    from ledger.storage.inspection import LedgerFileError
    from ledger.storage.settings import Settings, load_settings
    from ledger.storage.store import Ledger

    if not path.exists():
        return Settings().backups_to_keep
    try:
        ledger = Ledger.open(path)
    except LedgerFileError:
        return Settings().backups_to_keep
    try:
        return load_settings(ledger).backups_to_keep
    finally:
        ledger.close()


def cmd_restore(args: argparse.Namespace, context: Context) -> int:
    from ledger.storage.backup import check_restorable, find_backup
    from ledger.storage.restore import restore_backup

    # The ledger is never opened through the context here: it may be the damaged file being replaced.
    source = find_backup(context.db_path, args.file)
    check_restorable(source, context.db_path)
    if not args.yes:
        print(
            f"Replace the ledger {context.db_path} with {source}? The current ledger is backed up first "
            "(or set aside if damaged). [y/N] ",
            end="",
            file=context.err,
            flush=True,
        )
        if context.stdin.readline().strip().lower() not in ("y", "yes"):
            raise LedgerError("not restored: confirm with 'y', or pass --yes")
    keep = _backups_to_keep(context.db_path)
    report = restore_backup(context.db_path, source, context.now, keep)
    if args.json:
        context.print_json(
            {
                "restored_from": str(report.restored_from),
                "previous_backup": None if report.previous_backup is None else str(report.previous_backup),
                "damaged_copy": None if report.damaged_copy is None else str(report.damaged_copy),
            },
        )
        return 0
    print(f"Restored {context.db_path} from {report.restored_from}", file=context.out)
    if report.previous_backup is not None:
        print(f"The ledger as it was is kept in {report.previous_backup}", file=context.out)
    if report.damaged_copy is not None:
        print(f"The damaged file was set aside as {report.damaged_copy}", file=context.out)
    return 0


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    """Add the data-transfer subcommands to the command line."""
    importer = add_command(
        subparsers,
        parent,
        "import",
        cmd_import,
        "import credits from a .csv file or a whole ledger from .json",
        creates_ledger=True,
    )
    importer.add_argument("file", type=Path, metavar="FILE")
    importer.add_argument("--dry-run", action="store_true", help="check the whole file but write nothing")
    importer.add_argument(
        "--merge", action="store_true", help="JSON into a ledger that has credits: add only the ones it lacks"
    )
    json_option(importer)

    exporter = add_command(subparsers, parent, "export", cmd_export, "export the ledger as csv, json or ics")
    exporter.add_argument("--format", choices=EXPORT_FORMATS, default=None, help="default: from -o, else json")
    exporter.add_argument("-o", "--output", default=None, metavar="FILE", help="default (or -): standard output")
    exporter.add_argument("--all", action="store_true", help="ics: every credit with an expiry, even used ones")
    exporter.add_argument(
        "--with-codes",
        action="store_true",
        help="json: include the claim codes, encrypted with a passphrase you choose (asked for); left out otherwise",
    )
    json_option(exporter)

    backup = add_command(subparsers, parent, "backup", cmd_backup, "take a backup of the ledger now")
    json_option(backup)

    backups = add_command(subparsers, parent, "backups", cmd_backups, "list the ledger's backups, newest first")
    json_option(backups)

    restore = add_command(subparsers, parent, "restore", cmd_restore, "replace the ledger with a backup")
    restore.add_argument("file", metavar="FILE", help="a backup file, or its name as `backups` lists it")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    json_option(restore)
