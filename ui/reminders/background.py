"""Long file work (reading a big import, writing it, exporting) off the GUI thread, reporting progress.

The work is plain `ledger` code run on a worker thread. The GUI thread polls it with a timer and
emits the task's signals itself: signals emitted from a worker thread were now and then lost in
tests (PySide6), a poll every 50 ms never is.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ledger.errors import LedgerError
from ledger.storage.inspection import LedgerFileError

Progress = Callable[[int, int], None]
POLL_MS = 50
_WORKERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="credit-ledger-files")


class BackgroundTask(QObject):
    """Work running on a worker thread: progress (done, total), its result, or one line saying why it failed."""

    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(str)

    def __init__(self, work: Callable[[Progress], Any], parent: QObject) -> None:
        super().__init__(parent)
        self._latest: tuple[int, int] | None = None
        self._future: Future[Any] = _WORKERS.submit(work, self._report)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def _report(self, done: int, total: int) -> None:
        self._latest = (done, total)  # read by the GUI thread's next poll; only the newest matters

    def _poll(self) -> None:
        latest, self._latest = self._latest, None
        if latest is not None:
            self.progress.emit(*latest)
        if not self._future.done():
            return
        self._timer.stop()
        try:
            result = self._future.result()
        except (LedgerError, LedgerFileError) as error:
            self.failed.emit(str(error))
        except (OSError, sqlite3.Error) as error:
            self.failed.emit(f"the file could not be used: {error}")
        else:
            self.done.emit(result)


def run_in_background(work: Callable[[Progress], Any], parent: QObject) -> BackgroundTask:
    """Start `work(progress)` on a worker thread; connect to the returned task's signals (owned by `parent`)."""
    return BackgroundTask(work, parent)
