"""Which format a file is in, and moving a ledger in and out by format (CSV, JSON, ICS).

The command line and the window both come through here, so a file is treated the same way
whichever way it arrives. Exported files are written privately (0600) and atomically, and
never through a link or into a device or pipe (see ledger.private_files).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from ledger.errors import LedgerError

if TYPE_CHECKING:
    from datetime import datetime

    from ledger.files.bulk import ImportReport
    from ledger.files.json_codes import ExportCodes, ImportCodes
    from ledger.storage.store import Ledger

# Each format's module is imported when that format is used: the calendar library, for one, is
# needed by the .ics export alone (and this module by every command that names a format).

EXPORT_FORMATS = ("csv", "json", "ics")
IMPORT_FORMATS = ("csv", "json")


def import_format(path: Path, data: bytes) -> str:
    """ "csv" or "json", from the file's extension, else from its first character."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix in IMPORT_FORMATS:
        return suffix
    if suffix == "ics":
        raise LedgerError(f"{path.name} is a calendar file; calendars are export only: import a .csv or .json file")
    return "json" if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{" else "csv"


def import_data(
    ledger: Ledger,
    data: bytes,
    fmt: str,
    now: datetime,
    *,
    merge: bool = False,
    dry_run: bool = False,
    codes: ImportCodes | None = None,
) -> ImportReport:
    """Import bytes already read, in the given format, all or nothing (claim codes, JSON only, through `codes`)."""
    if fmt == "json":
        from ledger.files.json_io import import_json

        return import_json(ledger, data, now, merge=merge, dry_run=dry_run, codes=codes)
    from ledger.files.csv_io import import_csv

    return import_csv(ledger, data, now, dry_run=dry_run)


def import_file(
    ledger: Ledger,
    path: Path,
    now: datetime,
    *,
    merge: bool = False,
    dry_run: bool = False,
    codes: ImportCodes | None = None,
) -> ImportReport:
    """Import a .csv or .json file all or nothing (a backup is taken first); a dry run writes nothing."""
    from ledger.files.bulk import read_import_file

    data = read_import_file(path)
    return import_data(ledger, data, import_format(path, data), now, merge=merge, dry_run=dry_run, codes=codes)


def export_format(fmt: str | None, output: Path | None) -> str:
    """The format asked for, else the output file's extension, else JSON (the whole ledger)."""
    if fmt is not None:
        if fmt not in EXPORT_FORMATS:
            raise LedgerError(f"unknown export format {fmt!r}: expected one of {', '.join(EXPORT_FORMATS)}")
        return fmt
    if output is None:
        return "json"
    suffix = output.suffix.lower().lstrip(".")
    if suffix not in EXPORT_FORMATS:
        raise LedgerError(f"cannot tell the format from the name {output.name}; pass --format csv, json or ics")
    return suffix


def export_text(
    ledger: Ledger, fmt: str, now: datetime, *, everything: bool = False, codes: ExportCodes | None = None
) -> tuple[str, int]:
    """The exported file's text and how many credits (or calendar events) it holds.

    CSV and calendars never carry claim codes; JSON carries them only with `codes`, sealed under its passphrase.
    """
    if fmt == "ics":
        from ledger.files.ics_export import ledger_calendar

        calendar = ledger_calendar(ledger, now, everything=everything)
        return calendar.to_ical().decode("utf-8"), len(calendar.walk("VEVENT"))
    buffer = io.StringIO(newline="")
    if fmt == "csv":
        from ledger.files.csv_io import export_csv

        count = export_csv(ledger, buffer)
    else:
        from ledger.files.json_io import export_json

        count = export_json(ledger, buffer, codes)
    return buffer.getvalue(), count


def export_file(
    ledger: Ledger, path: Path, fmt: str, now: datetime, *, everything: bool = False, codes: ExportCodes | None = None
) -> int:
    """Export to a file; CSV gets a byte-order mark so spreadsheet programs read it as UTF-8."""
    from ledger.private_files import write_file

    text, count = export_text(ledger, fmt, now, everything=everything, codes=codes)
    write_file(Path(path).expanduser(), text.encode("utf-8-sig" if fmt == "csv" else "utf-8"))
    return count
