"""Writing files safely: private (0600), whole or not at all, never through a link.

Every file the app writes besides the open ledger (exports, the autostart entry, backups, the
copy a restore works on) goes through here, so the same promises hold everywhere:

- the target is refused when it exists and is not a regular file: a symbolic link (dangling or
  not), a named pipe, a device, a socket or a folder is left exactly as it was;
- the bytes go to a new staging file in the target's folder, created with O_CREAT|O_EXCL|O_NOFOLLOW
  under a random name (so a link planted under a guessable name is never written through);
- the staging file is flushed to disk, then renamed into place, then the folder is synced: a
  reader sees the old file or the whole new one, and a crash leaves no half-written target;
- on any failure the staging file is removed and the target is untouched;
- while it is being written a staging file is locked (an advisory lock), so what a killed process
  left behind can be told from a file still being written, and `remove_leftovers` removes it.

Plain Python only: no Qt, no storage imports.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ledger.errors import LedgerError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; leftovers are recognised by their age instead
    fcntl = None  # type: ignore[assignment]

STAGING_SUFFIX = ".partial"
# Without advisory locks, a staging file this old is taken as abandoned (writing one takes seconds).
ABANDONED_AFTER_SECONDS = 24 * 3600
# SQLite's files beside a database written under a staging name go with it.
_SQLITE_SIDECARS = ("-journal", "-wal", "-shm")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)
# Hard links are how a file is published without replacing anything; these errors mean the
# file system has none (FAT, some network and FUSE mounts), so publishing falls back to a rename.
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS}


class FileTargetError(LedgerError):
    """A file that cannot be written where asked; the message says why and what to do. Nothing was written."""


@dataclass(frozen=True)
class StagedFile:
    """The new file being written: its staging `path` (for writers that need a name, like SQLite) and an open `file`."""

    path: Path
    file: BinaryIO


def _what_it_is(mode: int) -> str | None:
    """How to name a special file to the user, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_target(path: Path, *, replace: bool = True) -> Path:
    """Refuse (FileTargetError) a target that is not a regular file, or whose folder is missing; returns it.

    With `replace=False` any existing entry, even a regular file or a dangling link, is refused.
    """
    path = Path(path)
    folder = path.parent
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    except NotADirectoryError:
        raise FileTargetError(f"{folder} is not a folder; choose a file in an existing folder") from None
    except OSError as error:
        raise FileTargetError(f"cannot write {path}: {error.strerror or error}") from None
    if mode is not None:
        kind = _what_it_is(mode)
        if kind == "a folder":
            raise FileTargetError(f"{path} is a folder; give a file name inside it to write to")
        if kind == "a symbolic link":
            raise FileTargetError(
                f"{path} is a symbolic link; nothing is written through links: give the real file's path, "
                "or remove the link"
            )
        if kind is not None:
            raise FileTargetError(
                f"{path} is {kind}, not a regular file, and was left alone; choose a regular file name to write to"
            )
        if not replace:
            raise FileTargetError(f"{path} already exists and was left alone; choose another name")
    if not folder.is_dir():
        raise FileTargetError(f"the folder {folder} does not exist; create it first or choose another folder")
    return path


def sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable; where folders cannot be opened or synced (Windows), the rename stands."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _fsync_file(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY | _BINARY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextmanager
def staging_file(folder: Path, prefix: str) -> Iterator[StagedFile]:
    """A new, empty, private file in `folder` whose name starts with `prefix`, locked as in use for the block.

    Write through `.file`, or have another library (SQLite) write to `.path`. Whatever is still at
    the staging name when the block ends (it was not published) is removed, with SQLite's journals.
    """
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    # mkstemp opens with O_CREAT|O_EXCL|O_NOFOLLOW and mode 0600 under a random name.
    import tempfile  # only a write needs it; every command loads this module

    descriptor, name = tempfile.mkstemp(prefix=prefix, suffix=STAGING_SUFFIX, dir=folder)
    staging = Path(name)
    try:
        # The handle closes after the block: closing a descriptor drops this process's POSIX locks
        # on the file, SQLite's too, and by then no SQLite connection has the file open.
        with os.fdopen(descriptor, "w+b") as handle:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            yield StagedFile(path=staging, file=handle)
    finally:
        _remove_with_sidecars(staging)


def publish(staging: Path, target: Path, *, replace: bool) -> None:
    """Move a finished staging file to `target`, durably: over a regular file, or (`replace=False`) only where
    nothing holds the name yet, not even a dangling link (FileExistsError then)."""
    _fsync_file(staging)
    if replace:
        # A special file may have appeared since the check; rename replaces the entry, never writes through it.
        check_target(target)
        os.replace(staging, target)
    else:
        try:
            os.link(staging, target, follow_symlinks=False)  # fails if anything, even a dangling link, holds the name
        except FileExistsError:
            raise
        except OSError as error:
            if error.errno not in _NO_HARD_LINKS:
                raise
            if os.path.lexists(target):
                raise FileExistsError(target) from None
            os.rename(staging, target)
        else:
            staging.unlink()
    sync_folder(target.parent)


def _failed(path: Path, error: OSError) -> FileTargetError:
    reason = error.strerror or str(error)
    return FileTargetError(f"could not write {path}: {reason}; nothing was written")


@contextmanager
def staged_file(target: Path, *, replace: bool = True) -> Iterator[StagedFile]:
    """A new private file beside `target`, moved into its place when the block ends without an error.

    `replace=False` publishes only if nothing holds the target's name yet. Any error removes the
    staging file and leaves the target untouched.
    """
    target = check_target(Path(target), replace=replace)
    try:
        with staging_file(target.parent, f".{target.name[:64]}-") as staged:
            yield staged
            staged.file.flush()
            publish(staged.path, target, replace=replace)
    except FileExistsError:
        raise FileTargetError(f"{target} already exists and was left alone; choose another name") from None
    except FileTargetError:
        raise
    except OSError as error:
        raise _failed(target, error) from None


def write_file(target: Path, data: bytes, *, replace: bool = True) -> Path:
    """Write `data` to `target` privately and atomically (see `staged_file`); returns the target."""
    with staged_file(target, replace=replace) as staged:
        staged.file.write(data)
    return Path(target)


def remove_leftovers(folder: Path, prefix: str) -> list[Path]:
    """Delete staging files (and their SQLite journals) that a killed process left in `folder`.

    A staging file still being written by a live process is locked and left alone.
    """
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        if name.startswith(prefix) and name.endswith(STAGING_SUFFIX) and _abandoned(folder / name):
            _remove_with_sidecars(folder / name)
            removed.append(folder / name)
    return removed


def _abandoned(path: Path) -> bool:
    try:
        descriptor = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | _CLOEXEC)
    except OSError:
        return os.path.islink(path)  # a link under a staging name is never ours: it goes
    try:
        if fcntl is None:
            return time.time() - os.fstat(descriptor).st_mtime > ABANDONED_AFTER_SECONDS
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a live process is writing it
        return True
    finally:
        os.close(descriptor)


def _remove_with_sidecars(path: Path) -> None:
    for candidate in (path, *(path.with_name(path.name + suffix) for suffix in _SQLITE_SIDECARS)):
        with suppress(FileNotFoundError):
            candidate.unlink()
