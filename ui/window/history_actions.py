"""Putting a credit's history right from the detail panel: correct or remove a mistaken spend or refund, remove a
mistaken checkout observation. Each is one step on the window's undo history (one Ctrl+Z takes it back)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from ledger.money import from_minor
from ledger.storage.editing import (
    correct_movement,
    credit_id_of,
    movement_of,
    remove_check,
    remove_movements,
    restore_check,
    restore_movements,
)
from ledger.storage.store import refundable_minor
from ui.dialogs.failure import SAVE_FAILURES
from ui.dialogs.movement_dialog import MovementDialog

if TYPE_CHECKING:
    from ledger.storage.store import Ledger
    from ui.window.credit_actions import CreditActions

WHAT = {"spend": "Spend", "refund": "Refund"}


class HistoryActions(QObject):
    """Acts on what the detail panel asks for its history and its checkout observations."""

    def __init__(self, actions: CreditActions) -> None:
        super().__init__(actions)
        self.actions = actions
        self.window = actions.window
        detail = self.window.detail
        detail.correct_movement_requested.connect(self.correct)
        detail.remove_movement_requested.connect(self.remove)
        detail.remove_check_requested.connect(self.remove_check)

    @property
    def ledger(self) -> Ledger:
        """The open ledger."""
        return self.actions.ledger

    def correct(self, entry_id: int) -> None:
        """Open the spend or refund dialog on a recorded movement; saving corrects it (undoable)."""
        credit_id = self.window.detail.credit_id
        if credit_id is None:
            return
        today = self.window.today()
        detail = self.ledger.detail(credit_id, today)
        entry = next((entry for entry in detail.entries if entry.id == entry_id), None)
        if entry is None:
            return
        credit, currency = detail.credit, detail.credit.currency
        others = [other for other in detail.entries if other.id != entry_id]
        # The most it may be: what a new one could be if this one had never been recorded.
        limit = sum(other.amount_minor for other in others) if entry.kind == "spend" else refundable_minor(others)
        dialog = MovementDialog(
            self.window, kind=entry.kind, currency=currency, limit=from_minor(max(limit, 0), currency),
            received_on=credit.received_on, today=today, title=credit.title or credit.merchant,
            existing=(from_minor(abs(entry.amount_minor), currency), entry.occurred_on, entry.note),
        )  # fmt: skip

        def save() -> None:
            amount, on, note = dialog.value()
            before = correct_movement(self.ledger, entry_id, amount, self.window.today(), on=on, note=note)
            # Found again by what it is now, not by its id: the id may belong to another entry by the time
            # of the undo (an undone delete puts entries back under new ids).
            corrected = movement_of(self.ledger, entry_id)
            self._shown(credit_id, entry_id)

            def undo() -> str:
                was = from_minor(abs(before.amount_minor), currency)
                correct_movement(self.ledger, corrected, was, self.window.today(), on=before.occurred_on,
                                 note=before.note)  # fmt: skip
                self._shown_now(corrected.credit_uid)
                return "Correction undone"

            self.actions.history.push("correction", undo)
            self.actions.say(f"{WHAT[entry.kind]} corrected · Ctrl+Z to undo")

        self.actions.open_dialog(dialog, save)

    def remove(self, entry_id: int) -> None:
        """Remove a mistaken spend or refund at once (undoable: Ctrl+Z puts it back)."""
        credit_id = self.window.detail.credit_id
        if credit_id is None:
            return
        try:
            taken = remove_movements(self.ledger, [entry_id])
        except SAVE_FAILURES as error:
            self.actions.refused(error)
            return
        self._shown(credit_id)
        kind = WHAT[taken[0].kind]

        def undo() -> str:
            (back,) = restore_movements(self.ledger, taken)
            self._shown_now(taken[0].credit_uid, back)
            return f"{kind} put back"

        self.actions.history.push(f"{kind.lower()} removal", undo)
        self.actions.say(f"{kind} removed · Ctrl+Z to undo")

    def remove_check(self, check_id: int) -> None:
        """Remove a mistaken checkout observation (undoable); the verdicts change at once."""
        credit_id = self.window.detail.credit_id
        if credit_id is None:
            return
        try:
            removed = remove_check(self.ledger, check_id)
        except SAVE_FAILURES as error:
            self.actions.refused(error)
            return
        self.window.refresh_credit(credit_id, "checked")

        def undo() -> str:
            restore_check(self.ledger, removed)
            self.window.refresh_credit(credit_id_of(self.ledger, removed.credit_uid), "checked")
            return "Checkout observation put back"

        self.actions.history.push("observation removal", undo)
        self.actions.say("Checkout observation removed · Ctrl+Z to undo")

    def _shown_now(self, credit_uid: str, entry_id: int | None = None) -> None:
        # After an undo: the credit may have another id by now (a delete undone meanwhile).
        self._shown(credit_id_of(self.ledger, credit_uid), entry_id)

    def _shown(self, credit_id: int, entry_id: int | None = None) -> None:
        # The credit as it is now, with the movement just changed still chosen in its history.
        self.window.refresh_credit(credit_id, "corrected")
        if entry_id is not None and self.window.detail.credit_id == credit_id:
            self.window.detail.history.choose_entry(entry_id)
