"""Backups of a ledger file: consistent copies (SQLite's backup API), the daily one, pruning, restore.

Backups live in a private `backups` folder beside the ledger, named
`<ledger stem>-<UTC YYYYmmdd-HHMMSS>-<reason>.sqlite3`, so their dates survive being copied around.
A damaged or foreign file is never overwritten: restore sets it aside first.
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
from ledger.storage.inspection import DamagedLedgerError, LedgerFileError, inspect_revision, quick_check
from ledger.storage.paths import backups_dir

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


@dataclass(frozen=True)
class RestoreReport:
    """What a restore did: the file restored, the copy made of the previous ledger, a damaged file set aside."""

    restored_from: Path
    previous_backup: Path | None
    damaged_copy: Path | None


def backup_copy(source: Path, target: Path) -> Path:
    """Copy the ledger at `source` to `target` consistently, even while others write to it."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
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
    return target


def _name_pattern(ledger_path: Path) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(ledger_path.stem)}-(\d{{8}}-\d{{6}})(?:-([A-Za-z0-9._-]+))?{BACKUP_SUFFIX}$")


def list_backups(ledger_path: Path) -> list[BackupInfo]:
    """The backups of this ledger, newest first."""
    folder = backups_dir(ledger_path)
    if not folder.is_dir():
        return []
    pattern = _name_pattern(ledger_path)
    found: list[tuple[datetime, int, BackupInfo]] = []
    for path in folder.iterdir():
        match = pattern.match(path.name)
        if match is None or not path.is_file():
            continue
        try:
            taken_at = datetime.strptime(match.group(1), STAMP_FORMAT).replace(tzinfo=UTC)
            stat = path.stat()
        except (ValueError, OSError):
            continue
        info = BackupInfo(path=path, taken_at=taken_at, reason=match.group(2) or "", size=stat.st_size)
        found.append((taken_at, stat.st_mtime_ns, info))
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [info for _, _, info in found]


def make_backup(ledger_path: Path, reason: str, now: datetime) -> Path:
    """Take a consistent copy of the ledger now; `reason` (e.g. "daily", "before-import") goes in its name."""
    if not ledger_path.is_file():
        raise BackupError(f"there is no ledger at {ledger_path} to back up")
    stamp = now.astimezone(UTC).strftime(STAMP_FORMAT)
    folder = backups_dir(ledger_path)
    target = folder / f"{ledger_path.stem}-{stamp}-{reason}{BACKUP_SUFFIX}"
    counter = 2
    while target.exists():  # two backups in the same second must not overwrite each other
        target = folder / f"{ledger_path.stem}-{stamp}-{reason}-{counter}{BACKUP_SUFFIX}"
        counter += 1
    try:
        return backup_copy(ledger_path, target)
    except (OSError, sqlite3.Error) as error:
        target.unlink(missing_ok=True)
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise BackupError(f"could not back up {ledger_path} to {folder}: {reason}") from None


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
    con = sqlite3.connect(f"{ledger_path.resolve().as_uri()}?mode=ro", uri=True)
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


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _set_aside(ledger_path: Path, now: datetime) -> Path:
    """Move a damaged ledger and its journal files beside it under a `.damaged-<stamp>` name."""
    aside = ledger_path.with_name(f"{ledger_path.name}.damaged-{now.astimezone(UTC).strftime(STAMP_FORMAT)}")
    for original in [ledger_path, *_sidecars(ledger_path)]:
        if original.exists():
            os.replace(original, aside.with_name(aside.name + original.name[len(ledger_path.name) :]))
    return aside


def _settle_journal(ledger_path: Path) -> None:
    """Fold the write-ahead log into the healthy ledger so no stale log can be replayed over the restored file."""
    con = sqlite3.connect(ledger_path, timeout=10)
    try:
        busy, _, _ = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        con.close()
    if busy:
        raise BackupError(f"{ledger_path} is in use by another program; close Credit Ledger and try again")
    for sidecar in _sidecars(ledger_path):
        sidecar.unlink(missing_ok=True)


def restore_backup(ledger_path: Path, source: Path, now: datetime, keep: int) -> RestoreReport:
    """Replace the ledger with a checked backup; a healthy ledger is backed up first, a damaged one set aside."""
    check_restorable(source, ledger_path)
    if ledger_path.exists() and source.resolve() == ledger_path.resolve():
        raise BackupError(f"{source} is the ledger itself, not a backup of it")
    staging = ledger_path.with_name(f"{ledger_path.name}.restoring")
    staging.unlink(missing_ok=True)
    backup_copy(source, staging)
    previous: Path | None = None
    damaged: Path | None = None
    try:
        problem = quick_check(staging)
        if problem is not None:
            raise BackupError(f"the copy of {source} failed its check ({problem}); nothing was changed")
        if ledger_path.exists() and ledger_path.stat().st_size > 0:
            if is_healthy_ledger(ledger_path):
                previous = make_backup(ledger_path, "before-restore", now)
                _settle_journal(ledger_path)
            else:
                damaged = _set_aside(ledger_path, now)
        _fsync(staging)
        os.replace(staging, ledger_path)
    finally:
        staging.unlink(missing_ok=True)
    prune_backups(ledger_path, keep)
    return RestoreReport(restored_from=source, previous_backup=previous, damaged_copy=damaged)


def is_healthy_ledger(path: Path) -> bool:
    """Whether the file is a ledger a restore would back up first (else it would be set aside as damaged)."""
    try:
        check_restorable(path)
    except BackupError:
        return False
    return True


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
