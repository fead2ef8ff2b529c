"""Long file work (reading a big import, writing it, exporting) off the GUI thread, reporting progress.

The work is plain `ledger` code; only its progress, result or refusal come back, as Qt signals
delivered on the GUI thread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ledger.db import LedgerFileError
from ledger.errors import LedgerError

Progress = Callable[[int, int], None]


class TaskSignals(QObject):
    """What a background task reports: progress (done, total), its result, or one line saying why it failed."""

    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(str)


class _Task(QRunnable):
    def __init__(self, work: Callable[[Progress], Any], signals: TaskSignals) -> None:
        super().__init__()
        self.work = work
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.work(self.signals.progress.emit)
        except (LedgerError, LedgerFileError) as error:
            self.signals.failed.emit(str(error))
        except (OSError, sqlite3.Error) as error:
            self.signals.failed.emit(f"the file could not be used: {error}")
        else:
            self.signals.done.emit(result)


def run_in_background(work: Callable[[Progress], Any], parent: QObject) -> TaskSignals:
    """Start `work(progress)` on a pool thread; connect to the returned signals (owned by `parent`)."""
    signals = TaskSignals(parent)
    QThreadPool.globalInstance().start(_Task(work, signals))
    return signals
