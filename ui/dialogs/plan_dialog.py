"""Plan a purchase: which credits should pay, in what order, and why each was chosen or left out (issue 15).

The plan follows what is typed (amount, currency, what is bought, its category); "Record these
spends" records every payment of the plan in one transaction, undoable as one step.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ledger.errors import LedgerError
from ledger.money import check_currency, format_money, from_minor, parse_amount, to_minor
from ledger.purchase_plan import Purchase, PurchasePlan, expiry_order, more_like_it
from ledger.vocab import Use
from ui.dialogs.failure import attempt
from ui.dialogs.screen_fit import FittingDialog
from ui.dialogs.validation import sentence
from ui.labels import VERDICT_LOOKS

PURCHASE_KINDS = (
    (Use.GENERAL_PURCHASES, "An everyday purchase"),
    (Use.AMAZON_GIFT_CARDS, "An Amazon gift card"),
    (Use.THIRD_PARTY_GIFT_CARDS, "Another brand's gift card"),
)
PLAN_COLUMNS = ("Credit", "Pays", "Expires", "Why")
# How long after the last key the plan follows what is typed.
REPLAN_DELAY_MS = 150

Planner = Callable[[Purchase], PurchasePlan]


class PlanDialog(FittingDialog):
    """The purchase, the plan for it, and the button that records it; `plan_for` asks the ledger."""

    def __init__(
        self,
        parent: QWidget | None,
        plan_for: Planner,
        today: date,
        currency: str = "USD",
        save: Callable[[PurchasePlan], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.plan_for = plan_for
        # Records the plan's spends; a failure is shown over the dialog, which stays open.
        self.save = save
        self.today = today
        self.plan: PurchasePlan | None = None
        self.setWindowTitle("Plan a purchase")
        self.setObjectName("planDialog")
        self.resize(760, 520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Which of your credits should pay, and in what order? Credits that expire soonest pay first, "
            "so the least is lost to an expiry date."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        layout.addLayout(form)
        self.amount = QLineEdit()
        self.amount.setAccessibleName("Amount")
        self.amount.setPlaceholderText("e.g. 49.99")
        self.currency = QLineEdit(currency)
        self.currency.setAccessibleName("Currency")
        self.currency.setMaximumWidth(80)
        form.addRow("&Amount", self.amount)
        form.addRow("C&urrency", self.currency)
        self.kind = QComboBox()
        self.kind.setAccessibleName("What it is")
        for use, label in PURCHASE_KINDS:
            self.kind.addItem(label, use)
        form.addRow("&What it is", self.kind)
        self.category = QLineEdit()
        self.category.setAccessibleName("Category")
        self.category.setPlaceholderText("e.g. Books (for credits limited to some categories)")
        form.addRow("&Category", self.category)
        self.allow_check = QCheckBox("Also use credits whose terms need a look first (marked)")
        self.allow_check.setAccessibleName("Also use credits whose terms need a look first")
        form.addRow("", self.allow_check)
        self.problem = QLabel("")
        self.problem.setObjectName("fieldError")
        layout.addWidget(self.problem)
        self.table = QTableWidget(0, len(PLAN_COLUMNS))
        self.table.setAccessibleName("The plan")
        # Tab moves on to the next control; the arrow keys move between the cells.
        self.table.setTabKeyNavigation(False)
        self.table.setHorizontalHeaderLabels(PLAN_COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setObjectName("planSummary")
        layout.addWidget(self.summary)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.record_button: QPushButton = self.buttons.addButton(
            "&Record these spends", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.rejected.connect(self.reject)
        self.record_button.clicked.connect(self._accept_if_planned)
        layout.addWidget(self.buttons)
        # Planning reads the ledger: typing "123" plans once, a moment after the last key, not once per key.
        self.replan_timer = QTimer(self)
        self.replan_timer.setSingleShot(True)
        self.replan_timer.setInterval(REPLAN_DELAY_MS)
        self.replan_timer.timeout.connect(self.replan)
        for field in (self.amount, self.currency, self.category):
            field.textChanged.connect(self._replan_soon)
        self.kind.currentIndexChanged.connect(self.replan)
        self.allow_check.toggled.connect(self.replan)
        self.replan()

    def purchase(self) -> Purchase:
        """The purchase as typed; LedgerError says what is wrong with it."""
        currency = check_currency(self.currency.text())
        text = self.amount.text().strip()
        if not text:
            raise LedgerError("Enter the amount of the purchase.")
        amount = parse_amount(text, currency)
        category = self.category.text().strip() or None
        return Purchase(
            amount_minor=to_minor(amount, currency),
            currency=currency,
            use=self.kind.currentData(),
            category=category,
            allow_check_terms=self.allow_check.isChecked(),
        )

    def _replan_soon(self) -> None:
        # Until then the plan shown is for what was typed before: it cannot be recorded.
        self.record_button.setEnabled(False)
        self.replan_timer.start()

    def replan(self) -> None:
        """Plan again for what is typed now."""
        self.replan_timer.stop()
        try:
            purchase = self.purchase()
        except LedgerError as error:
            self.plan = None
            self.problem.setText(f"⚠ {sentence(error)}" if self.amount.text().strip() else "")
            self.problem.setVisible(bool(self.amount.text().strip()))
            self._show(None)
            return
        self.problem.hide()
        self.plan = self.plan_for(purchase)
        self._show(self.plan)

    def _show(self, plan: PurchasePlan | None) -> None:
        self.table.setRowCount(0)
        self.record_button.setEnabled(bool(plan and plan.payments))
        if plan is None:
            self.summary.setText("Type the amount of the purchase to see which credits should pay.")
            return
        currency = plan.purchase.currency
        # In the order the credits were considered (soonest expiry first), paying or not.
        considered = sorted(
            [(payment.candidate, payment, "") for payment in plan.payments]
            + [(skipped.candidate, None, skipped.why + more_like_it(skipped)) for skipped in plan.skipped],
            key=lambda item: expiry_order(item[0]),
        )
        rows: list[tuple[str, str, str, str, str]] = []
        for candidate, payment, why in considered:
            if payment is None:
                rows.append((candidate.title, "Not used", _expiry(candidate.expires_on), why[:1].upper() + why[1:], ""))
                continue
            mark = "Check its terms first. " if payment.check_terms else ""
            pays = format_money(from_minor(payment.amount_minor, currency), currency)
            reason = mark + candidate.reason
            rows.append((candidate.title, pays, _expiry(candidate.expires_on), reason, candidate.verdict.value))
        self.table.setRowCount(len(rows))
        for number, (title, pays, expires, why, verdict) in enumerate(rows):
            for column, text in enumerate((title, pays, expires, why)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column == 1 and verdict:
                    item.setForeground(VERDICT_LOOKS[verdict].color)
                if text == "Not used":
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(number, column, item)
        self.table.resizeRowsToContents()
        self.summary.setText(_summary(plan))

    def _accept_if_planned(self) -> None:
        plan = self.plan
        if plan is None or not plan.payments:
            return
        if self.save is not None:
            saved, _ = attempt(self, lambda: self.save(plan) if self.save else None)
            if not saved:
                self.replan()  # the ledger may have changed under the plan: show it as it is now
                return
        self.accept()


def _expiry(day: date | None) -> str:
    return day.isoformat() if day is not None else "No expiry"


def _summary(plan: PurchasePlan) -> str:
    currency = plan.purchase.currency

    def money(minor: int) -> str:
        return format_money(from_minor(minor, currency), currency)

    total = money(plan.purchase.amount_minor)
    if not plan.payments:
        lines = [f"None of your {currency} credits can pay for this; pay the {total} another way."]
    elif plan.unpaid_minor:
        lines = [f"Your credits pay {money(plan.paid_minor)} of {total}; pay the other {money(plan.unpaid_minor)} "
                 "another way."]  # fmt: skip
    else:
        lines = [f"Your credits pay all {total}."]
    if plan.expiring_unused_minor:
        lines.append(
            f"{money(plan.expiring_unused_minor)} in {currency} credits would still expire unused in the next "
            f"{plan.horizon_days} days."
        )
    else:
        lines.append(f"Nothing in {currency} credits would be left to expire in the next {plan.horizon_days} days.")
    return " ".join(lines)
