"""When to look for due reminders: APScheduler's QtScheduler with one job at the next reminder and a periodic reconcile.

The database is the truth: every wake-up replans from the ledger (`deliver_due`), so a
missed job, a machine waking from sleep or a changed clock only delays a reminder until the
next reconcile, and the claims in the database keep it from being shown twice. The jobs
themselves only emit a signal: the work runs on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.qt import QtScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from PySide6.QtCore import QObject, Qt, Signal

from ledger import clock
from ledger.errors import LedgerReplacedError, StorageError
from ledger.reminders.delivery import ReminderRun, deliver_due
from ledger.reminders.notifiers import NotifierChain
from ledger.reminders.store import count_expiring
from ledger.storage.settings import Settings, load_settings
from ledger.storage.store import Ledger

RECONCILE_MINUTES = 5
RETRY_SECONDS = 60  # after every channel failed, try again this soon (the periodic reconcile would too)
NEXT_JOB = "next-reminder"
RECONCILE_JOB = "reconcile"


class ReminderScheduler(QObject):
    """Delivers reminders when they come due and keeps the count of credits expiring soon."""

    # Emitted by APScheduler's worker thread; Qt delivers it on the GUI thread.
    job_fired = Signal()
    # Every reconcile's outcome (a ReminderRun), and the runs that showed or failed to show something.
    checked = Signal(object)
    reminders_delivered = Signal(object)
    expiring_count_changed = Signal(int)

    def __init__(
        self,
        ledger: Callable[[], Ledger | None],
        chain: Callable[[Settings], NotifierChain],
        now: Callable[[], datetime] = clock.now,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._ledger = ledger
        self._chain = chain
        self.now = now
        self.expiring_count = 0
        self.last_run: ReminderRun | None = None
        self._scheduler = QtScheduler(
            jobstores={"default": MemoryJobStore()},
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
            timezone=UTC,
        )
        self.job_fired.connect(self.reconcile, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> bool:
        """True between `start` and `stop`."""
        return bool(self._scheduler.running)

    def start(self) -> None:
        """Start the periodic reconcile and deliver what was missed while the app was closed."""
        if not self.running:
            self._scheduler.add_job(
                self._fire, IntervalTrigger(minutes=RECONCILE_MINUTES), id=RECONCILE_JOB, replace_existing=True
            )
            self._scheduler.start()
        self.reconcile()

    def stop(self) -> None:
        """Drop every job and stop; a timer still pending in Qt then finds nothing to run."""
        if self.running:
            self._scheduler.remove_all_jobs()
            self._scheduler.shutdown(wait=False)

    def next_wakeup(self) -> datetime | None:
        """When the job for the next reminder runs (UTC), if one is set."""
        job = self._scheduler.get_job(NEXT_JOB)
        return None if job is None else job.next_run_time

    def _fire(self) -> None:
        # Runs on APScheduler's executor thread: never touch the ledger or widgets here.
        self.job_fired.emit()

    def reconcile(self) -> ReminderRun | None:
        """Deliver what is due now, refresh the expiring count, and set the job for the next reminder."""
        ledger = self._ledger()
        if ledger is None:
            return None
        now = self.now()
        try:
            settings = load_settings(ledger)
            run = deliver_due(ledger, self._chain(settings), now, settings)
        except LedgerReplacedError:
            # Restored elsewhere since the last look: plan again from the ledger as it is now.
            settings = load_settings(ledger)
            run = deliver_due(ledger, self._chain(settings), now, settings)
        except StorageError:
            # Busy or unreadable just now: nothing was claimed, so nothing is lost; look again soon.
            self._schedule_retry()
            return None
        self.last_run = run
        count = count_expiring(ledger, now.date(), settings.expiring_within)
        if count != self.expiring_count:
            self.expiring_count = count
            self.expiring_count_changed.emit(count)
        if self.running:
            self._schedule_next(run, now)
        if run.delivered or run.failed:
            self.reminders_delivered.emit(run)
        self.checked.emit(run)
        return run

    def _schedule_retry(self) -> None:
        if self.running:
            self._wake_in(float(RETRY_SECONDS))

    def _schedule_next(self, run: ReminderRun, now: datetime) -> None:
        if run.failed:
            wait = float(RETRY_SECONDS)
        elif run.next_due_at is not None:
            wait = max(0.0, (run.next_due_at - now).total_seconds())
        else:
            if self._scheduler.get_job(NEXT_JOB) is not None:
                self._scheduler.remove_job(NEXT_JOB)
            return
        self._wake_in(wait)

    def _wake_in(self, wait: float) -> None:
        # The wait is measured on the app's clock, the job is set on the real one: a pinned or
        # simulated clock still gets its reminder on time, and a jump is caught by the reconcile.
        run_date = datetime.now(UTC) + timedelta(seconds=wait)
        self._scheduler.add_job(self._fire, DateTrigger(run_date), id=NEXT_JOB, replace_existing=True)
