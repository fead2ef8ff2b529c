"""The settings dialog: reminder lead times, time of day, pausing reminders, notifications, close to tray,
start at login, backups, and when revealed claim codes lock again."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ledger.storage.settings import MAX_BACKUPS, MAX_LEAD_DAYS, MAX_LOCK_MINUTES, Settings


def lead_label(days: int) -> str:
    """How a lead time reads in the list."""
    if days == 0:
        return "On the expiry day"
    return f"{days} day{'s' if days != 1 else ''} before expiry"


class SettingsDialog(QDialog):
    """Edits a copy of the settings; `chosen()` is what the user set. It writes nothing itself."""

    test_requested = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("settingsDialog")
        self.original = settings
        form = QFormLayout()

        self.leads = QListWidget()
        self.leads.setAccessibleName("Reminder lead times")
        self.leads.setSortingEnabled(False)
        for days in settings.lead_days:
            self._add_lead_item(days)
        self.new_lead = QSpinBox()
        self.new_lead.setRange(0, MAX_LEAD_DAYS)
        self.new_lead.setValue(14)
        self.new_lead.setSuffix(" days before")
        self.new_lead.setAccessibleName("New lead time in days")
        self.add_lead = QPushButton("Add")
        self.add_lead.setAccessibleName("Add this lead time")
        self.add_lead.clicked.connect(lambda: self.add_lead_time(self.new_lead.value()))
        self.remove_lead = QPushButton("Remove")
        self.remove_lead.setAccessibleName("Remove the chosen lead time")
        self.remove_lead.clicked.connect(self.remove_selected_lead)
        lead_row = QHBoxLayout()
        lead_row.addWidget(self.new_lead)
        lead_row.addWidget(self.add_lead)
        lead_row.addWidget(self.remove_lead)
        lead_box = QVBoxLayout()
        lead_box.addWidget(self.leads)
        lead_box.addLayout(lead_row)
        form.addRow("Remind me", lead_box)

        self.remind_at = QTimeEdit(QTime.fromString(settings.remind_at, "HH:mm"))
        self.remind_at.setDisplayFormat("HH:mm")
        self.remind_at.setAccessibleName("Time of day for reminders")
        form.addRow("At", self.remind_at)

        self.paused = QCheckBox("Pause reminders (none are shown until you resume them)")
        self.paused.setChecked(settings.reminders_paused)
        self.paused.setToolTip("The tray icon's menu pauses and resumes them too")
        form.addRow("", self.paused)

        self.notifications = QCheckBox("Show desktop notifications")
        self.notifications.setChecked(settings.notifications_enabled)
        self.test_button = QPushButton("Send a test notification")
        self.test_button.clicked.connect(self.test_requested)
        notify_row = QHBoxLayout()
        notify_row.addWidget(self.notifications)
        notify_row.addWidget(self.test_button)
        form.addRow("Notifications", notify_row)

        self.close_to_tray = QCheckBox("Keep running in the tray when the window is closed")
        self.close_to_tray.setChecked(settings.close_to_tray)
        form.addRow("", self.close_to_tray)
        self.start_at_login = QCheckBox("Start Credit Ledger in the tray when I log in")
        self.start_at_login.setChecked(settings.start_at_login)
        self.start_at_login.setToolTip("Opens this ledger, hidden in the tray, when you log in (one ledger at a time)")
        form.addRow("", self.start_at_login)

        self.backups_to_keep = QSpinBox()
        self.backups_to_keep.setRange(1, MAX_BACKUPS)
        self.backups_to_keep.setValue(settings.backups_to_keep)
        self.backups_to_keep.setSuffix(" most recent")
        self.backups_to_keep.setAccessibleName("Number of automatic backups to keep")
        form.addRow("Keep backups", self.backups_to_keep)

        self.lock_codes_after = QSpinBox()
        self.lock_codes_after.setRange(0, MAX_LOCK_MINUTES)
        self.lock_codes_after.setValue(settings.lock_codes_after_minutes)
        self.lock_codes_after.setSpecialValueText("Never (until Credit Ledger quits)")
        self.lock_codes_after.setSuffix(" idle minutes")
        self.lock_codes_after.setAccessibleName("Lock claim codes again after this many idle minutes")
        self.lock_codes_after.setToolTip("Revealed claim codes are hidden and locked again when you leave the app idle")
        form.addRow("Lock claim codes after", self.lock_codes_after)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addLayout(form)
        outer.addWidget(buttons)

    def _add_lead_item(self, days: int) -> None:
        item = QListWidgetItem(lead_label(days))
        item.setData(Qt.ItemDataRole.UserRole, days)
        self.leads.addItem(item)

    def lead_days(self) -> tuple[int, ...]:
        """The lead times in the list, largest first."""
        values = {int(self.leads.item(row).data(Qt.ItemDataRole.UserRole)) for row in range(self.leads.count())}
        return tuple(sorted(values, reverse=True))

    def add_lead_time(self, days: int) -> None:
        """Add a lead time (once), keeping the list ordered from the earliest reminder to the last."""
        leads = set(self.lead_days()) | {days}
        self.leads.clear()
        for value in sorted(leads, reverse=True):
            self._add_lead_item(value)

    def remove_selected_lead(self) -> None:
        """Remove the selected lead time."""
        for item in self.leads.selectedItems():
            self.leads.takeItem(self.leads.row(item))

    def chosen(self) -> Settings:
        """The settings as the dialog shows them."""
        return replace(
            self.original,
            lead_days=self.lead_days(),
            remind_at=self.remind_at.time().toString("HH:mm"),
            reminders_paused=self.paused.isChecked(),
            notifications_enabled=self.notifications.isChecked(),
            close_to_tray=self.close_to_tray.isChecked(),
            start_at_login=self.start_at_login.isChecked(),
            backups_to_keep=self.backups_to_keep.value(),
            lock_codes_after_minutes=self.lock_codes_after.value(),
        )
