"""Writing files outside SQLite safely: private (0600), whole or not at all, never through a link.

The files the app writes itself outside SQLite (exports, the autostart entry) go through here,
so the same promises hold everywhere:

- the target is refused when it exists and is not a regular file: a symbolic link (dangling or
  not), a named pipe, a device, a socket or a folder is left exactly as it was;
- the bytes go to a new staging file in the target's folder, created with O_CREAT|O_EXCL|O_NOFOLLOW
  under a random name (so a link planted under a guessable name is never written through);
- the staging file is flushed to disk, then renamed into place, then the folder is synced: a
  reader sees the old file or the whole new one, and a crash leaves no half-written target;
- on any failure the staging file is removed and the target is untouched.

Plain Python only: no Qt, no storage imports.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ledger.errors import LedgerError

STAGING_SUFFIX = ".partial"
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


def _sync_folder(folder: Path) -> None:
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


def _publish(staging: Path, target: Path, replace: bool) -> None:
    """Put the finished staging file in place: replacing a regular file, or only where nothing is yet."""
    if replace:
        # A special file may have appeared since the check; rename replaces the entry, never writes through it.
        check_target(target)
        os.replace(staging, target)
        return
    try:
        os.link(staging, target)  # fails if anything, even a dangling link, holds the name
    except FileExistsError:
        raise FileTargetError(f"{target} already exists and was left alone; choose another name") from None
    except OSError as error:
        if error.errno not in _NO_HARD_LINKS:
            raise
        check_target(target, replace=False)
        os.rename(staging, target)
        return
    staging.unlink()


def _failed(path: Path, error: OSError) -> FileTargetError:
    reason = error.strerror or str(error)
    return FileTargetError(f"could not write {path}: {reason}; nothing was written")


@contextmanager
def staged_file(target: Path, *, replace: bool = True) -> Iterator[StagedFile]:
    """A new private file beside `target`, moved into its place when the block ends without an error.

    Write through `.file` (bytes), or have another library write to `.path` (keep it a regular
    file). `replace=False` publishes only if nothing holds the target's name yet (for new files
    such as backups). Any error removes the staging file and leaves the target untouched.
    """
    target = check_target(Path(target), replace=replace)
    try:
        # mkstemp opens with O_CREAT|O_EXCL|O_NOFOLLOW and mode 0600 under a random name.
        descriptor, name = tempfile.mkstemp(prefix=f".{target.name[:64]}-", suffix=STAGING_SUFFIX, dir=target.parent)
    except OSError as error:
        raise _failed(target, error) from None
    staging = Path(name)
    try:
        with os.fdopen(descriptor, "w+b") as handle:
            yield StagedFile(path=staging, file=handle)
            try:
                handle.flush()
                os.fsync(handle.fileno())
            except OSError as error:
                raise _failed(target, error) from None
        try:
            _publish(staging, target, replace)
        except FileTargetError:
            raise
        except OSError as error:
            raise _failed(target, error) from None
        _sync_folder(target.parent)
    finally:
        with suppress(FileNotFoundError):
            staging.unlink()


def write_file(target: Path, data: bytes, *, replace: bool = True) -> Path:
    """Write `data` to `target` privately and atomically (see `staged_file`); returns the target."""
    with staged_file(target, replace=replace) as staged:
        try:
            staged.file.write(data)
        except OSError as error:
            raise _failed(Path(target), error) from None
    return Path(target)


def create_exclusive(path: Path) -> BinaryIO:
    """Open a brand-new private file (0600) for writing, with no staging and no rename.

    Refuses (FileTargetError) anything already at `path`, a link included, so nothing is ever
    written through a planted name. For files whose name alone claims them, like a lock.
    """
    path = check_target(Path(path), replace=False)
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | _NOFOLLOW | _CLOEXEC | _BINARY
    try:
        descriptor = os.open(path, flags, 0o600)
    except FileExistsError:
        raise FileTargetError(f"{path} already exists and was left alone; choose another name") from None
    except OSError as error:
        raise _failed(path, error) from None
    return os.fdopen(descriptor, "wb")
