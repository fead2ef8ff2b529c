"""SQLite files seen from outside the engine: read-only connections, and raw reads that never break SQLite's locks.

POSIX record locks belong to the process, not to a file descriptor: closing *any* descriptor of a
file drops every lock this process holds on it, SQLite's included. Another process then finds the
ledger unlocked, takes it as unused and deletes its write-ahead log, and this process's connections
go on writing into a deleted file: the writes are lost and the next read fails with "disk I/O error".
So a file this process has open through SQLite (the ledger, its `-wal` and `-shm`) is never opened
raw: the engine registers each connection here (`hold`/`release`) and `read_header` consults it.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

Identity = tuple[int, int]

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
SIDECARS = ("-wal", "-shm", "-journal")

_held: Counter[Identity] = Counter()
_held_paths: dict[Identity, Path] = {}


def identity(path: Path) -> Identity | None:
    """The file's (device, inode), following symlinks; None when there is no file."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def hold(path: Path) -> Identity | None:
    """Note that a SQLite connection of this process has the file open; returns its identity."""
    found = identity(path)
    if found is not None:
        _held[found] += 1
        _held_paths[found] = Path(path)
    return found


def release(found: Identity | None) -> None:
    """Note that a connection registered with `hold` was closed."""
    if found is None or found not in _held:
        return
    _held[found] -= 1
    if _held[found] <= 0:
        del _held[found]
        _held_paths.pop(found, None)


def held_here(path: Path) -> bool:
    """Whether SQLite in this process has this file open, as a ledger or as one of its sidecar files."""
    found = identity(path)
    if found is None or not _held:
        return False
    if found in _held:
        return True
    return any(
        identity(ledger.with_name(ledger.name + suffix)) == found
        for ledger in _held_paths.values()
        for suffix in SIDECARS
    )


def read_header(path: Path) -> bytes | None:
    """The first 100 bytes of a file (SQLite's header), or None when SQLite has it open in this process.

    None is safe to treat as "an SQLite file": only SQLite opened it here. Raises OSError when unreadable.
    """
    if held_here(path):
        return None
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        return os.read(descriptor, HEADER_SIZE)
    finally:
        os.close(descriptor)


def readonly_uri(path: Path) -> str:
    """An SQLite URI that opens the file read-only; `as_uri` quotes %, ? and # so a path is only ever a path."""
    return f"{Path(path).resolve().as_uri()}?mode=ro"


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection: it can never write to the file, even by accident."""
    import sqlite3  # here, not at the top: the window imports this module before its first frame

    return sqlite3.connect(readonly_uri(path), uri=True)
