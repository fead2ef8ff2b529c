"""Add or edit a credit. Every field is checked as the user types; OK stays disabled while any is wrong."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ledger.errors import LedgerError
from ledger.money import check_currency, known_currencies, parse_amount
from ledger.validation import MAX_NAME, NewCredit, region, regions_like
from ui.dialogs.date_field import DateField
from ui.dialogs.screen_fit import ScrollingBody
from ui.dialogs.terms_uses import TermsUsesBox
from ui.dialogs.validation import FieldError, ValidatedDialog, Validator, pass_focus_to, sentence, with_error
from ui.labels import SOURCE_LABELS


def split_categories(text: str) -> list[str]:
    """Categories as typed, comma separated, without the spaces around them."""
    return [part.strip() for part in text.split(",")] if text.strip() else []


def categories_problem(text: str) -> str:
    """Why a category list is refused, or ''."""
    names = split_categories(text)
    if any(not name for name in names):
        return "There is an empty category between two commas."
    seen: set[str] = set()
    for name in names:
        if len(name) > MAX_NAME:
            return f"“{name[:20]}…” is too long (at most {MAX_NAME} characters)."
        if name.casefold() in seen:
            return f"“{name}” is listed twice."
        seen.add(name.casefold())
    return ""


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class CreditDialog(ValidatedDialog):
    """The add/edit form; `value()` gives the `NewCredit` once the user presses OK."""

    def __init__(
        self,
        parent: QWidget | None,
        today: date,
        existing: Any = None,
        amount: Decimal | None = None,
        spent: Decimal | None = None,
    ) -> None:
        super().__init__(parent)
        self.today = today
        self.spent = spent or Decimal(0)
        self.setWindowTitle("Edit credit" if existing is not None else "Add a credit")
        self.setObjectName("creditDialog")
        layout = QVBoxLayout(self)
        body = QWidget()
        form = QFormLayout(body)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        # The form scrolls only where the screen is too small for it (a large scale on a laptop).
        self.body = ScrollingBody(body)
        layout.addWidget(self.body, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        self.validator = Validator(self.buttons)
        self.errors: dict[str, FieldError] = {}

        self.source = QComboBox()
        for source, label in SOURCE_LABELS.items():
            self.source.addItem(label, source)
        self.source.setAccessibleName("Source")
        # Straight in the form, so its label labels it (a screen reader on Linux names a list box by its label).
        form.addRow("&Source", self.source)
        self.title = self._line("Title", "e.g. Refund for order 113-…, or Birthday gift card")
        self._row(form, "&Title", "title", self.title, lambda: self._length(self.title, "The title"), self.title)
        self.merchant = self._line("Merchant", "")
        self.merchant.setText("Amazon")
        self._row(form, "&Merchant", "merchant", self.merchant, self._merchant_problem, self.merchant)
        self.region = self._line("Region", "Two-letter country code: US, GB (or UK), DE…")
        self.region.setText("US")
        self.region.setMaxLength(2)
        self._row(form, "Re&gion", "region", self.region, self._region_problem, self.region)

        money = QHBoxLayout()
        self.amount = self._line("Amount", "e.g. 25.00")
        self.currency = self._line("Currency", "USD")
        self.currency.setText("USD")
        self.currency.setMaxLength(3)
        self.currency.setMaximumWidth(80)
        completer = QCompleter(sorted(known_currencies()), self.currency)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.currency.setCompleter(completer)
        money.addWidget(self.amount, 1)
        money.addWidget(self.currency)
        money_box = QWidget()
        money_box.setLayout(money)
        money.setContentsMargins(0, 0, 0, 0)
        # One line says what is wrong with the amount or its currency: a second would be one more to jump.
        pass_focus_to(money_box, self.amount)
        self._row(form, "&Amount", "amount", money_box, self._money_problem, self.amount, self.currency)
        self.errors["currency"] = self.errors["amount"]

        self.received = DateField(today, "Date received")
        self._row(form, "Recei&ved on", "received", self.received, self._received_problem, self.received)
        expiry = QHBoxLayout()
        expiry.setContentsMargins(0, 0, 0, 0)
        self.has_expiry = QCheckBox("Expires on")
        self.has_expiry.setAccessibleName("Has an expiry date")
        self.expires = DateField(today, "Expiry date")
        self.expires.setEnabled(False)
        self.has_expiry.toggled.connect(self.expires.setEnabled)
        expiry.addWidget(self.has_expiry)
        expiry.addWidget(self.expires, 1)
        expiry_box = QWidget()
        expiry_box.setLayout(expiry)
        pass_focus_to(expiry_box, self.has_expiry)
        self._row(
            form, "E&xpiry", "expires", expiry_box, self._expiry_problem, self.has_expiry, self.expires, self.received
        )

        self.reference = self._line("Reference", "Order number, gift card ending, offer name")
        self._row(
            form, "&Reference", "reference", self.reference, lambda: self._length(self.reference, "The reference"),
            self.reference,
        )
        self.categories = self._line("Eligible categories", "Promotional credits: e.g. Books, Kindle eBooks")
        self._row(
            form, "Categor&ies", "categories", self.categories, lambda: categories_problem(self.categories.text()),
            self.categories,
        )
        self.claim_code = self._line("Claim code", "Kept encrypted; shown masked")
        self.claim_code.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        # A stored code is never shown here: the field replaces it only when something is typed, and
        # removing it takes this box, so an edit of other fields can never wipe it.
        self.has_code = existing is not None and existing.claim_code_sealed is not None
        self.remove_code = QCheckBox("Remove the stored code")
        self.remove_code.setAccessibleName("Remove the stored claim code")
        self.remove_code.setVisible(self.has_code)
        self.remove_code.toggled.connect(lambda removing: self.claim_code.setEnabled(not removing))
        if self.has_code:
            self.claim_code.setPlaceholderText("A code is stored (kept hidden); type a new one to replace it")
        code_row = QHBoxLayout()
        code_row.setContentsMargins(0, 0, 0, 0)
        code_row.addWidget(self.claim_code, 1)
        code_row.addWidget(self.remove_code)
        code_box = QWidget()
        code_box.setLayout(code_row)
        pass_focus_to(code_box, self.claim_code)
        self._row(
            form, "C&laim code", "claim_code", code_box, lambda: self._length(self.claim_code, "The code"),
            self.claim_code,
        )
        self.terms = QPlainTextEdit()
        self.terms.setAccessibleName("Terms")
        self.terms.setPlaceholderText("The fine print, if the credit came with any")
        self.terms.setFixedHeight(60)
        # Tab moves on to the next field, as in every other field; pasted terms keep their own tabs.
        self.terms.setTabChangesFocus(True)
        form.addRow("T&erms", self.terms)
        # What the terms say about each use decides above the general rules; the text only suggests it.
        self.terms_uses = TermsUsesBox()
        self.terms.textChanged.connect(lambda: self.terms_uses.suggest_from(self.terms.toPlainText()))
        form.addRow("", self.terms_uses)
        # Kept as it was: the dialog does not show it, and an edit must not lose it.
        self.terms_url = existing.terms_url if existing is not None else ""
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Notes")
        self.notes.setFixedHeight(48)
        self.notes.setTabChangesFocus(True)
        form.addRow("&Notes", self.notes)
        layout.addWidget(self.buttons)

        if existing is not None:
            self._fill(existing, amount)
            self.validator.touch_all()
        for signal in (
            self.title.textChanged, self.merchant.textChanged, self.region.textChanged, self.amount.textChanged,
            self.currency.textChanged, self.reference.textChanged, self.categories.textChanged,
            self.claim_code.textChanged, self.remove_code.toggled, self.received.dateChanged, self.expires.dateChanged,
            self.has_expiry.toggled, self.source.currentIndexChanged,
        ):
            signal.connect(self.validate)
        self.validate()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """Wide enough for most problems to stay on their one line."""
        hint = super().sizeHint()
        return QSize(max(hint.width(), 560), hint.height())

    # --- building ---------------------------------------------------------------------------

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        line = QLineEdit()
        line.setAccessibleName(name)
        line.setPlaceholderText(placeholder)
        return line

    def _row(self, form: QFormLayout, label: str, key: str, field: QWidget, check: Any, *touched_by: QWidget) -> None:
        error = FieldError(label.replace("&", ""))
        self.errors[key] = error
        form.addRow(label, with_error(field, error))
        if check is not None:
            self.validator.add(error, check, *touched_by)

    def _fill(self, credit: Any, amount: Decimal | None) -> None:
        self.source.setCurrentIndex(max(0, self.source.findData(credit.source)))
        self.title.setText(credit.title)
        self.merchant.setText(credit.merchant)
        self.region.setText(credit.region)
        self.currency.setText(credit.currency)
        self.amount.setText("" if amount is None else str(amount))
        self.received.setDate(_qdate(credit.received_on))
        self.has_expiry.setChecked(credit.expires_on is not None)
        if credit.expires_on is not None:
            self.expires.setDate(_qdate(credit.expires_on))
        self.reference.setText(credit.reference)
        self.categories.setText(", ".join(credit.categories))
        self.terms.setPlainText(credit.terms)
        self.terms_uses.set_recorded(credit.terms_by_use)
        self.notes.setPlainText(credit.notes)
        if self.spent > 0:
            # Money has moved in this currency: changing it would change what the history means.
            self.currency.setReadOnly(True)
            self.currency.setToolTip("The currency cannot change once money has been spent from this credit")

    # --- checks -----------------------------------------------------------------------------

    @staticmethod
    def _length(field: QLineEdit, what: str) -> str:
        size = len(field.text().strip())
        return f"{what} is too long ({size} characters; at most {MAX_NAME})." if size > MAX_NAME else ""

    def _merchant_problem(self) -> str:
        if not self.merchant.text().strip():
            return "Say which store the credit is for, e.g. Amazon."
        return self._length(self.merchant, "The merchant")

    def _region_problem(self) -> str:
        try:
            region(self.region.text())
        except LedgerError:
            # Shorter than the ledger's refusal, to stay on the field's one line: the codes that are near.
            typed = self.region.text().strip()
            alike = regions_like(typed)
            if alike:
                near = f"with {typed[0].upper()}: {', '.join(alike)}"
                return f"“{typed}” is not a two-letter country code the ledger knows ({near})."
            return "Use a two-letter country code such as US, GB (or UK), DE or FR."
        return ""

    def _money_problem(self) -> str:
        return self._currency_problem() or self._amount_problem()

    def _currency_problem(self) -> str:
        try:
            check_currency(self.currency.text())
        except LedgerError:
            return f"“{self.currency.text()}” is not a currency code: use one such as USD, EUR or GBP."
        return ""

    def _amount_problem(self) -> str:
        if not self.amount.text().strip():
            return "Enter the amount the credit was worth, e.g. 25.00."
        try:
            currency = check_currency(self.currency.text())
        except LedgerError:
            return ""  # the currency's problem is said instead
        try:
            value = parse_amount(self.amount.text(), currency)
        except LedgerError as error:
            return sentence(error)
        if value < self.spent:
            return f"{self.spent} has already been spent from this credit; the amount cannot be less."
        return ""

    def _received_problem(self) -> str:
        received = self.received.day()
        if received is None:
            return self.received.problem()
        if received > self.today:
            return "The date received cannot be in the future."
        return ""

    def _expiry_problem(self) -> str:
        if not self.has_expiry.isChecked():
            return ""
        expires, received = self.expires.day(), self.received.day()
        if expires is None:
            return self.expires.problem()
        if received is not None and expires < received:
            return "The expiry date is before the date received."
        return ""

    # --- result -----------------------------------------------------------------------------

    def code_change(self) -> str | None:
        """The claim code as NewCredit takes it: a new code, "" to remove the stored one, None to keep it as it is."""
        if self.remove_code.isChecked():
            return ""
        return self.claim_code.text().strip() or None

    def value(self) -> NewCredit:
        """The credit as entered (valid once OK was pressed)."""
        return NewCredit(
            source=str(self.source.currentData()),
            currency=check_currency(self.currency.text()),
            amount=self.amount.text().strip(),
            merchant=self.merchant.text().strip(),
            region=region(self.region.text()),
            title=self.title.text().strip(),
            received_on=_date(self.received.date()),
            expires_on=_date(self.expires.date()) if self.has_expiry.isChecked() else None,
            reference=self.reference.text().strip(),
            categories=tuple(split_categories(self.categories.text())),
            terms=self.terms.toPlainText().strip(),
            terms_url=self.terms_url,
            claim_code=self.code_change(),
            notes=self.notes.toPlainText().strip(),
            terms_by_use=self.terms_uses.recorded(),
        )
