"""'Plan a purchase…' in the window (toolbar and Edit menu): the plan dialog, and its spends recorded as one step."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar

from ledger.money import from_minor
from ledger.purchase_plan import Purchase, PurchasePlan
from ledger.storage.editing import credit_id_of, movement_of, remove_movements
from ledger.storage.listing import CURRENCY
from ui.dialogs.plan_dialog import PlanDialog

if TYPE_CHECKING:
    from ui.window.main_window import MainWindow

PLAN_NOTE = "Paid by a purchase plan"


class PlanActions(QObject):
    """The action that opens the plan dialog; recording a plan is one undoable step."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: PlanDialog | None = None
        self.action = QAction("Plan a purchase…", window)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.action.setToolTip("Which credits should pay for a purchase, in what order (Ctrl+Shift+P)")
        self.action.triggered.connect(self.open)
        bar = window.findChild(QToolBar, "filterBar")
        if bar is not None:
            # Beside "Add credit": the two things a person does with a credit in hand.
            after_add = bar.actions()[1:2]
            if after_add:
                bar.insertAction(after_add[0], self.action)
            else:
                bar.addAction(self.action)
        window.edit_menu.addSeparator()
        window.edit_menu.addAction(self.action)

    def open(self) -> PlanDialog | None:
        """Open the plan dialog on the ledger's most used currency."""
        if self.window.ledger is None:
            return None
        currencies = Counter(row[CURRENCY] for row in self.window.model.all_rows())
        currency = currencies.most_common(1)[0][0] if currencies else "USD"
        dialog = PlanDialog(self.window, self._plan, self.window.today(), currency, save=self.record)
        self.dialog = dialog
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        dialog.open()
        return dialog

    def _plan(self, purchase: Purchase) -> PurchasePlan:
        from ledger.purchase_candidates import plan_for

        assert self.window.ledger is not None
        return plan_for(self.window.ledger, purchase, self.window.today(), self.window.rule_book())

    def record(self, plan: PurchasePlan) -> None:
        """Record every spend of the plan in one transaction; one Ctrl+Z takes them all back."""
        ledger = self.window.ledger
        assert ledger is not None
        currency = plan.purchase.currency
        entries = ledger.spend_each(
            [(p.candidate.credit_id, from_minor(p.amount_minor, currency)) for p in plan.payments],
            self.window.today(),
            note=PLAN_NOTE,
        )
        entry_ids = [entry.id for entry in entries if entry.id is not None]
        # Kept by what they are, not by id: by the undo, an id may belong to another entry.
        spends = [movement_of(ledger, entry_id) for entry_id in entry_ids]
        touched = [payment.candidate.credit_id for payment in plan.payments]
        for credit_id in touched:
            self.window.refresh_credit(credit_id, "spent")

        def undo() -> str:
            remove_movements(ledger, spends)
            for uid in dict.fromkeys(spend.credit_uid for spend in spends):
                self.window.refresh_credit(credit_id_of(ledger, uid), "refunded")
            return "Planned spends taken back"

        actions = self.window.actions_
        if actions is not None:
            actions.history.push("planned spends", undo)
        count = len(entry_ids)
        self.window.statusBar().showMessage(
            f"Recorded {count} spend{'s' if count != 1 else ''} · Ctrl+Z to undo", 8000
        )


def install_plan_actions(window: MainWindow) -> PlanActions:
    """Add 'Plan a purchase…' to the window's tool bar and Edit menu (once); the window owns it."""
    return PlanActions(window)
