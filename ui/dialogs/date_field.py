"""A date field that takes a date exactly as typed (YYYY-MM-DD) or as picked from a calendar.

QDateEdit keeps its date valid while the user types, section by section, so typing
2024-02-29 over 2026-03-10 could land on 2026-02-28 without a word. Here the text is the
truth: a date that is not in the calendar, or outside the dates the ledger keeps, is refused
with a reason, never "corrected", and the line beside the field says in words which day was
understood. The calendar offers only the dates the ledger keeps.
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from ledger.errors import LedgerError
from ledger.validation import EARLIEST_DAY, LATEST_DAY
from ledger.validation import parse_day as checked_day

# The shape of a date, only to word what is wrong; `checked_day` decides what is a date.
_ISO = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")

# Inside DateField `date` is the method (QDateEdit's name), so its annotations say `Day`.
Day = date


def parse_day(text: str) -> date | None:
    """The day a YYYY-MM-DD text names, or None when it names none the ledger keeps."""
    try:
        return checked_day(text)
    except LedgerError:
        return None


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class DateField(QWidget):
    """Type YYYY-MM-DD or pick from the calendar; `date()` is an invalid QDate while the text is no date."""

    dateChanged = Signal(QDate)  # noqa: N815 (QDateEdit's name, so the dialogs treat both alike)

    def __init__(self, day: Day, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.line = QLineEdit(day.isoformat())
        self.line.setAccessibleName(accessible_name)
        self.line.setPlaceholderText("YYYY-MM-DD")
        self.line.setMaxLength(10)
        self.line.setFixedWidth(self.line.fontMetrics().horizontalAdvance("0000-00-00") + 20)
        self.line.textChanged.connect(self._changed)
        self.pick = QToolButton()
        self.pick.setText("▾")
        self.pick.setToolTip("Pick the date from a calendar")
        self.pick.setAccessibleName(f"{accessible_name}: calendar")
        self.pick.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.pick.setStyleSheet("QToolButton::menu-indicator { image: none; }")
        menu = QMenu(self.pick)
        self.calendar = QCalendarWidget()
        self.calendar.setDateRange(_qdate(EARLIEST_DAY), _qdate(LATEST_DAY))
        self.calendar.clicked.connect(self._picked)
        holder = QWidgetAction(menu)
        holder.setDefaultWidget(self.calendar)
        menu.addAction(holder)
        menu.aboutToShow.connect(self._open_calendar)
        self.pick.setMenu(menu)
        self.understood = QLabel()
        self.understood.setObjectName("hint")
        self.understood.setAccessibleName(f"{accessible_name} as understood")
        # A label for the field (its buddy) reaches the typed date; Tab goes to the line itself.
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setFocusProxy(self.line)
        layout.addWidget(self.line)
        layout.addWidget(self.pick)
        layout.addWidget(self.understood, 1)
        self._say_understood()

    def date(self) -> QDate:
        """The date typed, or an invalid QDate when the text names no day."""
        day = parse_day(self.line.text())
        return _qdate(day) if day else QDate()

    def day(self) -> Day | None:
        """The date typed as a `date`, or None."""
        return parse_day(self.line.text())

    def setDate(self, value: QDate) -> None:  # noqa: N802 (QDateEdit's name)
        """Show a date (as YYYY-MM-DD)."""
        self.line.setText(value.toString("yyyy-MM-dd"))

    def problem(self) -> str:
        """Why the text is not a date, or ''."""
        text = self.line.text().strip()
        if parse_day(text) is not None:
            return ""
        if not text:
            return "Enter a date as YYYY-MM-DD."
        if not _ISO.fullmatch(text):
            return f"“{text}” is not a date: write it as YYYY-MM-DD, e.g. 2025-03-10."
        try:
            date.fromisoformat(text)
        except ValueError:
            return f"{text} is not a day in the calendar."
        return f"{text} is outside the dates the ledger keeps ({EARLIEST_DAY} to {LATEST_DAY})."

    def _changed(self, _text: str) -> None:
        self._say_understood()
        self.dateChanged.emit(self.date())

    def _say_understood(self) -> None:
        day = self.day()
        self.understood.setText(f"{day:%A} {day.day} {day:%B %Y}" if day else "")

    def _open_calendar(self) -> None:
        if self.date().isValid():
            self.calendar.setSelectedDate(self.date())

    def _picked(self, value: QDate) -> None:
        self.setDate(value)
        menu = self.pick.menu()
        if menu is not None:
            menu.close()
