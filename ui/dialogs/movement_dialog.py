"""Spend from a credit or refund onto it: never more than the balance, never more refunded than was spent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ledger.errors import LedgerError
from ledger.money import format_money, parse_amount
from ui.dialogs.date_field import DateField
from ui.dialogs.validation import FieldError, ValidatedDialog, Validator, sentence, with_error
from ui.window.text_fit import breakable


class MovementDialog(ValidatedDialog):
    """Ask how much, when and what for; `limit` is the most the movement may be (balance or spent).

    With `existing` (amount, date, note) it corrects a recorded movement: the fields start from it, and
    `limit` is counted without it.
    """

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
        existing: tuple[Decimal, date, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.currency = currency
        self.limit = limit
        self.received_on = received_on
        self.today = today
        spend = kind == "spend"
        doing = "Spend from" if spend else "Refund onto"
        self.setWindowTitle(f"Correct: {doing.lower()} {title}" if existing else f"{doing} {title}")
        self.setObjectName("movementDialog")
        # Wide enough for the note's placeholder and for most errors on one line.
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        what = "Balance" if spend else "Spent so far"
        if existing:
            what = "Balance without this spend" if spend else "Spent so far, less the other refunds"
        self.credit_label = QLabel(breakable(title))
        self.credit_label.setObjectName("detailTitle")
        self.credit_label.setWordWrap(True)
        layout.addWidget(self.credit_label)
        self.limit_label = QLabel(f"{what}: {format_money(limit, currency)}")
        self.limit_label.setObjectName("hint")
        layout.addWidget(self.limit_label)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        self.validator = Validator(self.buttons)

        self.amount = QLineEdit()
        self.amount.setAccessibleName("Amount")
        self.amount.setPlaceholderText("e.g. 12.50")
        self.amount_error = FieldError("Amount")
        form.addRow(f"&Amount ({currency})", with_error(self.amount, self.amount_error))
        self.validator.add(self.amount_error, self._amount_problem, self.amount)
        self.on = DateField(today, "Date")
        self.on_error = FieldError("Date")
        form.addRow("&On", with_error(self.on, self.on_error))
        self.validator.add(self.on_error, self._date_problem, self.on)
        self.note = QLineEdit()
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("What it was for (optional)")
        form.addRow("&Note", self.note)
        layout.addWidget(self.buttons)
        if existing:
            amount, on, note = existing
            self.amount.setText(str(amount))
            self.on.setDate(QDate(on.year, on.month, on.day))
            self.note.setText(note)
        self.amount.textChanged.connect(self.validate)
        self.on.dateChanged.connect(self.validate)
        self.validate()

    def _amount_problem(self) -> str:
        if not self.amount.text().strip():
            return "Enter an amount."
        try:
            value = parse_amount(self.amount.text(), self.currency)
        except LedgerError as error:
            return sentence(error)
        if value > self.limit:
            limit = format_money(self.limit, self.currency)
            if self.kind == "spend":
                return f"That is more than the balance ({limit}); a credit cannot be overspent."
            return f"Only {limit} has been spent from this credit, so no more can be refunded."
        return ""

    def _date_problem(self) -> str:
        day = self.on.day()
        if day is None:
            return self.on.problem()
        if day > self.today:
            return "The date cannot be in the future."
        if day < self.received_on:
            return f"The date cannot be before the credit was received ({self.received_on})."
        return ""

    def on_date(self) -> date:
        """The chosen date (valid once OK was pressed)."""
        day = self.on.day()
        assert day is not None
        return day

    def value(self) -> tuple[Decimal, date, str]:
        """Amount, date and note as entered (valid once OK was pressed)."""
        return parse_amount(self.amount.text(), self.currency), self.on_date(), self.note.text().strip()
