"""New files that appear whole or not at all: written under a private temporary name, then moved into place.

A staging file is created with O_EXCL|O_NOFOLLOW (so a planted symlink is never written through),
readable by its owner alone, and marked in use with an advisory lock while it is being written. A
process killed half-way leaves only a staging file behind, never a truncated file under the real
name; `remove_leftovers` deletes the staging files nobody is using any more.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; leftovers are recognised by their age instead
    fcntl = None  # type: ignore[assignment]

STAGING_SUFFIX = ".partial"
# Without advisory locks, a staging file this old is taken as abandoned (a restore takes seconds).
ABANDONED_AFTER_SECONDS = 24 * 3600
_SQLITE_SIDECARS = ("-journal", "-wal", "-shm")


@contextmanager
def staging_file(folder: Path, prefix: str) -> Iterator[Path]:
    """A new, empty, private file in `folder` whose name starts with `prefix`, in use for the block.

    Whatever is still at the staging name when the block ends (it was not moved into place) is removed.
    """
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor, name = tempfile.mkstemp(prefix=prefix, suffix=STAGING_SUFFIX, dir=folder)
    path = Path(name)
    try:
        if fcntl is not None:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield path
    finally:
        _remove_with_sidecars(path)
        # Closed last: closing a descriptor drops this process's POSIX locks on the file, SQLite's too,
        # and by now no SQLite connection has it open.
        os.close(descriptor)


def fsync_file(path: Path) -> None:
    """Push a file's bytes to the disk before it is moved into place."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op where folders cannot be opened, as on Windows)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def install_new(staging: Path, target: Path) -> None:
    """Move a finished staging file to `target`, which must not exist (FileExistsError otherwise).

    A hard link never replaces anything, not even a dangling symlink at `target`; where the file
    system has no hard links, the rename is guarded by a check just before it.
    """
    fsync_file(staging)
    try:
        os.link(staging, target, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError:
        if os.path.lexists(target):
            raise FileExistsError(target) from None
        os.rename(staging, target)
    else:
        staging.unlink()
    fsync_folder(target.parent)


def replace_with(staging: Path, target: Path) -> None:
    """Move a finished staging file over `target` (replacing what is there) durably."""
    fsync_file(staging)
    os.replace(staging, target)
    fsync_folder(target.parent)


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
        if not (name.startswith(prefix) and name.endswith(STAGING_SUFFIX)):
            continue
        path = folder / name
        if _abandoned(path):
            _remove_with_sidecars(path)
            removed.append(path)
    return removed


def _abandoned(path: Path) -> bool:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return os.path.islink(path)  # a symlink under a staging name is never ours: remove it
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
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()
