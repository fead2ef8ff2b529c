"""Spend from a credit or refund onto it: never more than the balance, never more refunded than was spent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ledger.errors import LedgerError
from ledger.money import format_money, parse_amount
from ui.dialogs.validation import FieldError, Validator, with_error


class MovementDialog(QDialog):
    """Ask how much, when and what for; `limit` is the most the movement may be (balance or spent)."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        kind: str,
        currency: str,
        limit: Decimal,
        received_on: date,
        today: date,
        title: str,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.currency = currency
        self.limit = limit
        self.received_on = received_on
        self.today = today
        spend = kind == "spend"
        self.setWindowTitle(f"{'Spend from' if spend else 'Refund onto'} {title}")
        self.setObjectName("movementDialog")
        layout = QVBoxLayout(self)
        what = "Balance" if spend else "Spent so far"
        intro = QLabel(f"{what}: {format_money(limit, currency)}")
        intro.setObjectName("hint")
        layout.addWidget(intro)
        form = QFormLayout()
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        self.validator = Validator(self.buttons)

        self.amount = QLineEdit()
        self.amount.setAccessibleName("Amount")
        self.amount.setPlaceholderText("e.g. 12.50")
        self.amount_error = FieldError("Amount")
        form.addRow(f"Amount ({currency})", with_error(self.amount, self.amount_error))
        self.validator.add(self.amount_error, self._amount_problem)
        self.on = QDateEdit(QDate(today.year, today.month, today.day))
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("yyyy-MM-dd")
        self.on.setAccessibleName("Date")
        self.on_error = FieldError("Date")
        form.addRow("On", with_error(self.on, self.on_error))
        self.validator.add(self.on_error, self._date_problem)
        self.note = QLineEdit()
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("What it was for (optional)")
        form.addRow("Note", self.note)
        layout.addWidget(self.buttons)
        self.amount.textChanged.connect(self.validate)
        self.on.dateChanged.connect(self.validate)
        self.validate()

    def _amount_problem(self) -> str:
        if not self.amount.text().strip():
            return "Enter an amount."
        try:
            value = parse_amount(self.amount.text(), self.currency)
        except LedgerError as error:
            return str(error).capitalize() + "."
        if value > self.limit:
            limit = format_money(self.limit, self.currency)
            if self.kind == "spend":
                return f"That is more than the balance ({limit}); a credit cannot be overspent."
            return f"Only {limit} has been spent from this credit, so no more can be refunded."
        return ""

    def _date_problem(self) -> str:
        day = self.on_date()
        if day > self.today:
            return "The date cannot be in the future."
        if day < self.received_on:
            return f"The date cannot be before the credit was received ({self.received_on})."
        return ""

    def validate(self) -> list[str]:
        """Check the fields now; OK is enabled only when there is no problem."""
        return self.validator.run()

    def _accept_if_valid(self) -> None:
        if not self.validate():
            self.accept()

    def on_date(self) -> date:
        """The chosen date."""
        value = self.on.date()
        return date(value.year(), value.month(), value.day())

    def value(self) -> tuple[Decimal, date, str]:
        """Amount, date and note as entered (valid once OK was pressed)."""
        return parse_amount(self.amount.text(), self.currency), self.on_date(), self.note.text().strip()
