"""Reading a file the user names (an import, a rule file): a regular file only, never more than a limit.

Opening never waits for a pipe's writer (O_NONBLOCK), and the opened descriptor is checked, not
the name, so nothing can be swapped in between: a folder, a pipe or a device (/dev/zero) is
refused without reading from it, and no more than the limit plus one byte is ever read, whatever
size the file claims (it may be growing).
"""

from __future__ import annotations

import os
import stat
from enum import StrEnum
from pathlib import Path

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_CHUNK = 1 << 20


class Refusal(StrEnum):
    """Why a file was not read."""

    FOLDER = "folder"
    SPECIAL = "special"  # a pipe, a device or a socket
    TOO_LARGE = "too large"
    UNREADABLE = "unreadable"


class UnreadableFile(Exception):
    """The file was not read; `refusal` says why, `size` is its claimed size (for TOO_LARGE), the message the OS's."""

    def __init__(self, refusal: Refusal, detail: str = "", size: int | None = None) -> None:
        super().__init__(detail or refusal.value)
        self.refusal = refusal
        self.size = size


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (symbolic links followed); else UnreadableFile."""
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except IsADirectoryError:
        raise UnreadableFile(Refusal.FOLDER) from None
    except OSError as error:
        raise UnreadableFile(Refusal.UNREADABLE, error.strerror or str(error)) from None
    try:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise UnreadableFile(Refusal.FOLDER)
        if not stat.S_ISREG(status.st_mode):
            raise UnreadableFile(Refusal.SPECIAL)
        if status.st_size > limit:
            raise UnreadableFile(Refusal.TOO_LARGE, size=status.st_size)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(descriptor, min(limit + 1 - size, _CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise UnreadableFile(Refusal.UNREADABLE, error.strerror or str(error)) from None
    finally:
        os.close(descriptor)
    if size > limit:
        raise UnreadableFile(Refusal.TOO_LARGE)  # it grew while being read
    return b"".join(chunks)
