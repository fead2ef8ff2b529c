"""Backups of a ledger file: consistent copies (SQLite's backup API), the daily one, listing and pruning.

Backups live in a private `backups` folder beside the ledger, named
`<ledger stem>-<UTC YYYYmmdd-HHMMSS>-<reason>.sqlite3`, so their dates survive being copied around.
A backup is written under a staging name, checked, and only then given its name: a backup under
its real name is always complete, and a killed backup leaves only a staging file, removed at the
next open. Putting a backup back is `ledger.storage.restore`.
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ledger.errors import LedgerError
from ledger.private_files import publish, remove_leftovers, staging_file
from ledger.storage.inspection import DamagedLedgerError, LedgerFileError, inspect_revision, quick_check
from ledger.storage.paths import backup_staging_prefix, backups_dir, restore_staging_prefix
from ledger.storage.sqlite_files import HEADER_SIZE, SQLITE_MAGIC, connect_readonly, read_header

STAMP_FORMAT = "%Y%m%d-%H%M%S"
BACKUP_SUFFIX = ".sqlite3"


class BackupError(LedgerError):
    """A backup or restore that cannot be done; the message says why. Nothing was changed."""


@dataclass(frozen=True)
class BackupInfo:
    """One backup file of a ledger: where it is, when it was taken (aware UTC) and why."""

    path: Path
    taken_at: datetime
    reason: str
    size: int


def copy_database(source: Path, target: Path) -> None:
    """Copy the database at `source` into the empty file `target` consistently, even while others write to it."""
    src = connect_readonly(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            # The copy inherits WAL mode; a backup is a single still file, so keep its journal inside it.
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def _name_pattern(ledger_path: Path) -> re.Pattern[str]:
    # ASCII digits only: a name with other scripts' digits is not one of ours.
    stamp = "[0-9]{8}-[0-9]{6}"
    return re.compile(rf"^{re.escape(ledger_path.stem)}-({stamp})(?:-([A-Za-z0-9._-]+))?{re.escape(BACKUP_SUFFIX)}$")


def list_backups(ledger_path: Path) -> list[BackupInfo]:
    """The complete backups of this ledger, newest first (a truncated or empty file is not a backup)."""
    folder = backups_dir(ledger_path)
    if not folder.is_dir():
        return []
    pattern = _name_pattern(ledger_path)
    found: list[tuple[datetime, int, BackupInfo]] = []
    for path in folder.iterdir():
        match = pattern.match(path.name)
        if match is None:
            continue
        try:
            taken_at = datetime.strptime(match.group(1), STAMP_FORMAT).replace(tzinfo=UTC)
            info = path.lstat()
        except (ValueError, OSError):
            continue
        if not stat.S_ISREG(info.st_mode) or not is_complete_copy(path, info.st_size):
            continue
        backup = BackupInfo(path=path, taken_at=taken_at, reason=match.group(2) or "", size=info.st_size)
        found.append((taken_at, info.st_mtime_ns, backup))
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [backup for _, _, backup in found]


def is_complete_copy(path: Path, size: int) -> bool:
    """Whether a still SQLite file holds every page its header counts (cheap: reads 100 bytes)."""
    try:
        header = read_header(path)
    except OSError:
        return False
    if header is None:
        return True  # SQLite has it open in this process, so it is one
    if len(header) < HEADER_SIZE or not header.startswith(SQLITE_MAGIC):
        return False
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if header[24:28] != header[92:96] or pages == 0:  # an old header: its page count cannot be trusted
        return size >= page_size and size % page_size == 0
    return size >= pages * page_size


def make_backup(ledger_path: Path, reason: str, now: datetime) -> Path:
    """Take a consistent, checked copy of the ledger now; `reason` (e.g. "daily", "before-import") goes in its name."""
    if not ledger_path.is_file():
        raise BackupError(f"there is no ledger at {ledger_path} to back up")
    stamp = now.astimezone(UTC).strftime(STAMP_FORMAT)
    folder = backups_dir(ledger_path)
    try:
        with staging_file(folder, backup_staging_prefix(ledger_path)) as staged:
            staging = staged.path
            copy_database(ledger_path, staging)
            problem = quick_check(staging)
            if problem is not None:
                raise BackupError(f"could not back up {ledger_path}: the copy failed its check ({problem})")
            for counter in range(1, 1000):
                # Two backups in the same second, or anything already there (even a dangling symlink),
                # are never overwritten: the backup takes the next free name.
                suffix = "" if counter == 1 else f"-{counter}"
                target = folder / f"{ledger_path.stem}-{stamp}-{reason}{suffix}{BACKUP_SUFFIX}"
                try:
                    publish(staging, target, replace=False)
                except FileExistsError:
                    continue
                return target
            raise BackupError(f"could not back up {ledger_path}: {folder} has no free name left for {stamp}")
    except (OSError, sqlite3.Error) as error:
        why = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise BackupError(f"could not back up {ledger_path} to {folder}: {why}") from None


def prune_backups(ledger_path: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups; returns the files removed."""
    removed: list[Path] = []
    for info in list_backups(ledger_path)[max(keep, 1) :]:
        info.path.unlink(missing_ok=True)
        removed.append(info.path)
    return removed


def backup_now(ledger_path: Path, reason: str, now: datetime, keep: int) -> Path:
    """Take a backup, then keep only the newest `keep`."""
    target = make_backup(ledger_path, reason, now)
    prune_backups(ledger_path, keep)
    return target


def daily_backup(ledger_path: Path, now: datetime, keep: int) -> Path | None:
    """The start-up backup: taken unless one exists from `now`'s date (aware, local); returns it or None."""
    if not ledger_path.is_file() or ledger_path.stat().st_size == 0:
        return None
    today = now.date()
    if any(info.taken_at.astimezone(now.tzinfo).date() == today for info in list_backups(ledger_path)):
        return None
    return backup_now(ledger_path, "daily", now, keep)


def startup_backup(ledger_path: Path, now: datetime, keep: int) -> Path | None:
    """The daily backup for an app or command starting up; a ledger with no credits yet needs none."""
    if not ledger_path.is_file():
        return None
    con = connect_readonly(ledger_path)
    try:
        if con.execute("SELECT 1 FROM credit LIMIT 1").fetchone() is None:
            return None
    finally:
        con.close()
    return daily_backup(ledger_path, now, keep)


def check_restorable(path: Path, ledger_path: Path | None = None) -> None:
    """Refuse (BackupError) a file that is not a healthy ledger this app can open.

    Given the ledger it would replace, a refusal of a damaged backup names that ledger's newest good backup.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise BackupError(f"{path} does not exist") from None
    except OSError as error:
        raise BackupError(f"cannot read {path}: {error.strerror or error}") from None
    if stat.S_ISDIR(mode):
        raise BackupError(f"{path} is a folder; give the path of a backup file")
    if not stat.S_ISREG(mode):
        raise BackupError(f"{path} is not a regular file (a device or a pipe?); give the path of a backup file")
    try:
        revision = inspect_revision(path)
    except DamagedLedgerError as damage:
        raise BackupError(_damaged_backup(path, damage.problem, ledger_path)) from None
    except LedgerFileError as error:
        raise BackupError(f"cannot restore from {path}: {error}") from None
    if revision is None:
        raise BackupError(f"cannot restore from {path}: it is not a Credit Ledger file")


def _damaged_backup(path: Path, problem: str, ledger_path: Path | None) -> str:
    message = f"cannot restore from {path}: this backup is damaged ({problem}); it was left untouched."
    if ledger_path is None:
        return message
    good = newest_good_backup(ledger_path)
    if good is None:
        return f"{message} No good backup of {ledger_path.name} was found in {backups_dir(ledger_path)}."
    return f"{message} The newest good backup is {good}: credit-ledger restore {good}"


def newest_good_backup(ledger_path: Path) -> Path | None:
    """The newest backup of this ledger that passes `check_restorable`, or None."""
    for info in list_backups(ledger_path):
        try:
            check_restorable(info.path)
        except BackupError:
            continue
        return info.path
    return None


def find_backup(ledger_path: Path, name: str) -> Path:
    """A backup given as a path, or as a file name inside the ledger's backups folder."""
    given = Path(name).expanduser()
    if given.exists() or given.is_absolute() or len(given.parts) > 1:
        return given
    inside = backups_dir(ledger_path) / name
    return inside if inside.exists() else given


def is_healthy_ledger(path: Path) -> bool:
    """Whether the file is a ledger a restore would back up first (else it would be set aside as damaged)."""
    try:
        check_restorable(path)
    except BackupError:
        return False
    return True


def remove_leftovers_of(ledger_path: Path) -> list[Path]:
    """Delete what killed backups and restores left beside this ledger (files still being written are left alone)."""
    removed = remove_leftovers(ledger_path.parent, restore_staging_prefix(ledger_path))
    removed += remove_leftovers(backups_dir(ledger_path), backup_staging_prefix(ledger_path))
    # Before staging files had names of their own, a killed restore left this one behind.
    old_staging = ledger_path.with_name(f"{ledger_path.name}.restoring")
    if old_staging.is_file() and not old_staging.is_symlink():
        old_staging.unlink()
        removed.append(old_staging)
    return removed
