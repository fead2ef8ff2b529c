"""What the user can do to credits from the window: add, edit, spend, refund, check, archive, delete, undo.

Each action writes through `ledger`, then refreshes only the credit it touched and emits
the window's `ledger_changed`. Dialogs open window-modal with `open()`, never `exec()`,
so nothing blocks the event loop (and tests can drive them).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from ledger.money import format_money, from_minor
from ledger.storage.editing import CreditSnapshot, credit_id_of, restore_credit, snapshot_credit, update_credit
from ledger.storage.store import NewCredit, refundable_minor
from ledger.vault.codes import reveal_code
from ui.dialogs.confirm import confirm
from ui.dialogs.credit_dialog import CreditDialog
from ui.dialogs.failure import SAVE_FAILURES, show_failure, warn
from ui.dialogs.movement_dialog import MovementDialog
from ui.dialogs.validation import STAY_OPEN, sentence
from ui.labels import CHECKOUT_SUBJECTS, OUTCOME_LABELS, USE_LABELS
from ui.window.history_actions import HistoryActions
from ui.window.undo import UndoHistory
from ui.window.vault_session import VaultSession

if TYPE_CHECKING:
    from ledger.storage.store import Ledger
    from ledger.vault.ledger_key import VaultKey
    from ui.window.main_window import MainWindow


class CreditActions(QObject):
    """Connects the window's actions and buttons to ledger operations."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.history = UndoHistory(self)
        self.dialog: QDialog | None = None
        self.confirmation: QMessageBox | None = None
        actions = window.credit_actions
        window.add_action.triggered.connect(self.add)
        window.empty_state.add_requested.connect(self.add)
        actions["edit"].triggered.connect(self.edit)
        actions["spend"].triggered.connect(lambda: self.move("spend"))
        actions["refund"].triggered.connect(lambda: self.move("refund"))
        actions["archive"].triggered.connect(self.toggle_archive)
        actions["delete"].triggered.connect(self.delete)
        window.undo_action.triggered.connect(self.undo)
        self.history.changed.connect(self._undo_text)
        window.ledger_changed.connect(lambda change: self.history.clear() if change.kind == "reloaded" else None)
        detail = window.detail
        detail.spend_requested.connect(lambda: self.move("spend"))
        detail.refund_requested.connect(lambda: self.move("refund"))
        detail.edit_requested.connect(self.edit)
        detail.archive_requested.connect(self.toggle_archive)
        detail.check_recorded.connect(self.record_check)
        # Claim codes: unlocked on demand, locked again when idle or when the ledger is reloaded.
        self.vault = VaultSession(window)
        detail.reveal_requested.connect(self.reveal_code)
        detail.copy_requested.connect(self.copy_code)
        self.vault.locked.connect(detail.hide_code)
        self.corrections = HistoryActions(self)
        window.ledger_changed.connect(lambda change: self.vault.lock() if change.kind == "reloaded" else None)

    @property
    def ledger(self) -> Ledger:
        """The open ledger (actions exist only once it is open)."""
        assert self.window.ledger is not None
        return self.window.ledger

    def say(self, text: str) -> None:
        """Tell the user in the status bar what was done."""
        self.window.statusBar().showMessage(text, 8000)

    def refused(self, error: Exception) -> None:
        """Say that a change was not saved, and why."""
        # The dialogs catch nearly everything; this covers races with another process (the CLI, a cron job).
        self.say(f"Not saved: {error}")
        show_failure(self.window, error)

    def open_dialog(self, dialog: CreditDialog | MovementDialog, save: Callable[[], object]) -> None:
        """Open a dialog that runs `save` when OK is pressed."""
        # The dialog saves before it closes: a failed save keeps it open with the user's input.
        self.dialog = dialog
        dialog.save = save
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        dialog.open()

    # --- add and edit -----------------------------------------------------------------------

    def _sealing_key(self, new: NewCredit, dialog: CreditDialog) -> VaultKey | object | None:
        """The key a new claim code is sealed with; STAY_OPEN while a passphrase is asked (OK is pressed again)."""
        if not new.claim_code:
            return None
        key = self.vault.unlock_quietly(sealing=True)
        if key is None:
            self.vault.with_key(lambda _key: dialog.submit(), sealing=True)
            return STAY_OPEN
        return key

    def add(self) -> None:
        """Open the add dialog; the new credit is selected once saved."""
        dialog = CreditDialog(self.window, self.window.today())
        heard: list[NewCredit] = []  # the input the user chose to add anyway, despite the warnings

        def save() -> object:
            new = dialog.value()
            if new not in heard and self._warned_before_adding(new, dialog, heard):
                return STAY_OPEN
            key = self._sealing_key(new, dialog)
            if key is STAY_OPEN:
                return STAY_OPEN
            credit_id = self.ledger.add_credit(new, self.window.today(), cast("VaultKey | None", key))
            self._clear_filters_for_new()
            self.window.refresh_credit(credit_id, "added")
            self.say("Credit added")
            return None

        self.open_dialog(dialog, save)

    def _warned_before_adding(self, new: NewCredit, dialog: CreditDialog, heard: list[NewCredit]) -> bool:
        """Ask "Add anyway?" when `new` looks like a stored credit or has expired (`add_cautions`); True while asking.

        Add anyway remembers this input in `heard` and presses OK again; Go back leaves the dialog as it was.
        """
        from ledger.storage.lookalikes import add_cautions

        cautions = add_cautions(self.ledger, new, self.window.today())
        if not cautions:
            return False

        def add_anyway() -> None:
            heard[:] = [new]
            dialog.submit()

        text = "\n\n".join(sentence(caution) for caution in cautions)
        self.confirmation = confirm(dialog, "Add this credit?", text, "Add anyway", add_anyway, no_text="Go back")
        return True

    def _clear_filters_for_new(self) -> None:
        # A new credit hidden by an old search would look like a lost one.
        self.window.filter_feedback.clear_filters()

    def edit(self) -> None:
        """Open the edit dialog for the selected credit."""
        credit_id = self.window.detail.credit_id
        if credit_id is None:
            return
        today = self.window.today()
        detail = self.ledger.detail(credit_id, today)
        spent = detail.amount - detail.balance
        dialog = CreditDialog(
            self.window, today, existing=detail.credit, amount=detail.amount, spent=max(spent, Decimal(0))
        )

        def save() -> object:
            new = dialog.value()
            key = self._sealing_key(new, dialog)
            if key is STAY_OPEN:
                return STAY_OPEN
            update_credit(self.ledger, credit_id, new, self.window.today(), cast("VaultKey | None", key))
            self.window.refresh_credit(credit_id, "edited")
            self.say("Credit saved")
            return None

        self.open_dialog(dialog, save)

    # --- claim codes ------------------------------------------------------------------------

    def reveal_code(self) -> None:
        """Show the selected credit's claim code (unlocking first), or hide it again."""
        detail = self.window.detail
        if detail.code_shown:
            detail.hide_code()
            return
        credit_id = detail.credit_id
        if credit_id is not None:
            self.vault.with_key(lambda key: self._with_code(credit_id, key, detail.show_code))

    def copy_code(self) -> None:
        """Copy the selected credit's claim code (unlocking first); the clipboard is cleared after 30 seconds."""
        credit_id = self.window.detail.credit_id
        if credit_id is None:
            return

        def copied(code: str) -> None:
            self.vault.copy(code)
            self.say("Claim code copied; the clipboard is cleared in 30 seconds")

        self.vault.with_key(lambda key: self._with_code(credit_id, key, copied))

    def _with_code(self, credit_id: int, key: VaultKey, use: Callable[[str], None]) -> None:
        if self.window.detail.credit_id != credit_id:
            return  # another credit was selected while the passphrase was asked
        try:
            code = reveal_code(self.ledger, credit_id, key)
        except SAVE_FAILURES as error:
            show_failure(self.window, error, "The claim code stays locked")
            return
        if code is not None:
            use(code)

    # --- money ------------------------------------------------------------------------------

    def move(self, kind: str) -> None:
        """Open the spend or refund dialog for the selected credit."""
        credit_id = self.window.detail.credit_id
        if credit_id is None:
            return
        today = self.window.today()
        detail = self.ledger.detail(credit_id, today)
        credit = detail.credit
        refundable = from_minor(refundable_minor(detail.entries), credit.currency)
        limit = detail.balance if kind == "spend" else refundable
        dialog = MovementDialog(
            self.window, kind=kind, currency=credit.currency, limit=limit, received_on=credit.received_on,
            today=today, title=credit.title or credit.merchant,
        )

        def save() -> None:
            amount, on, note = dialog.value()
            operation = self.ledger.spend if kind == "spend" else self.ledger.refund
            operation(credit_id, amount, self.window.today(), on=on, note=note)
            self.window.refresh_credit(credit_id, "spent" if kind == "spend" else "refunded")
            self.say("Spend recorded" if kind == "spend" else "Refund recorded")

        self.open_dialog(dialog, save)

    def record_check(self, use: str, outcome: str) -> None:
        """Remember what checkout showed for a use; the verdicts change at once."""
        credit_id = self.window.detail.credit_id
        if credit_id is None:
            return
        try:
            self.ledger.record_check(credit_id, use, outcome)
        except SAVE_FAILURES as error:
            self.refused(error)
            return
        self.window.refresh_credit(credit_id, "checked")
        subject = CHECKOUT_SUBJECTS.get(use, USE_LABELS.get(use, use))
        self.say(f"Recorded: {subject} were {OUTCOME_LABELS.get(outcome, outcome)} at checkout")

    # --- archive, delete, undo --------------------------------------------------------------

    def toggle_archive(self) -> None:
        """Archive the selected credit (or bring an archived one back); undoable."""
        credit_id = self.window.detail.credit_id
        if credit_id is None:
            return
        credit = self.ledger.detail(credit_id, self.window.today()).credit
        archived, uid = credit.archived, credit.uid
        row = self.window.model.row_of(credit_id)
        try:
            self._set_archived(credit_id, not archived)
        except SAVE_FAILURES as error:
            self.refused(error)
            return
        self._select_near(row)
        text = "archive" if not archived else "unarchive"

        def undo_archive() -> str:
            # Found by uid: an undone delete may have brought the credit back under another id.
            self._set_archived(credit_id_of(self.ledger, uid), archived)
            return f"{text.capitalize()} undone"

        self.history.push(text, undo_archive)
        self.say(f"Credit {text}d · Ctrl+Z to undo")

    def _set_archived(self, credit_id: int, archived: bool) -> None:
        self.ledger.set_archived(credit_id, archived)
        self.window.refresh_credit(credit_id, "archived" if archived else "unarchived")

    def delete(self) -> None:
        """Ask, then delete the selected credit and its history; undoable from a snapshot."""
        credit_id = self.window.detail.credit_id
        if credit_id is None:
            return
        detail = self.ledger.detail(credit_id, self.window.today())
        name = detail.credit.title or detail.credit.merchant
        loses = ""
        if detail.balance > 0:
            loses = f" Its balance of {format_money(detail.balance, detail.credit.currency)} goes with it."

        def really_delete() -> None:
            snapshot = snapshot_credit(self.ledger, credit_id)
            row = self.window.model.row_of(credit_id)
            try:
                self.ledger.delete(credit_id)
            except SAVE_FAILURES as error:
                self.refused(error)
                return
            self.window.refresh_credit(credit_id, "deleted")
            self.window.detail.clear()
            self._select_near(row)
            self.history.push("delete", lambda: self._restore(snapshot))
            self.say("Credit deleted · Ctrl+Z to undo")

        question = f"Delete “{name}” and its whole history?{loses}\n\nYou can undo this with Ctrl+Z."
        self.confirmation = confirm(self.window, "Delete credit", question, "Delete", really_delete)

    def _select_near(self, row: int) -> None:
        # The credit left the list: show the one that took its place (or the new last one), and give
        # the table the keyboard, so Del, Ctrl+Z and the arrows work without a click first.
        window = self.window
        count = window.proxy.rowCount()
        if row >= 0 and count and window.model.row_of(window.detail.credit_id or -1) < 0:
            credit_id = window.proxy.credit_id(min(row, count - 1))
            if credit_id is not None:
                window.select_credit(credit_id)
        window.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _restore(self, snapshot: CreditSnapshot) -> str:
        restored = restore_credit(self.ledger, snapshot)
        self.window.refresh_credit(restored.credit_id, "restored")
        if restored.moved:
            # Its old id went to a credit added since: say where it is now, since ids show in the CLI.
            return f"Delete undone: restored as credit {restored.credit_id}"
        return "Delete undone"

    def undo(self) -> None:
        """Reverse the newest change (Ctrl+Z); one that can no longer be done is explained and dropped."""
        name = self.history.next_text()
        try:
            said = self.history.undo()
        except SAVE_FAILURES as error:
            self.say(f"Cannot undo {name}")
            warn(self.window, "Undo", f"Cannot undo the {name}: {error}.")
            return
        if said:
            self.say(said)

    def _undo_text(self, text: str) -> None:
        self.window.undo_action.setEnabled(bool(text))
        self.window.undo_action.setText(f"Undo {text}" if text else "Undo")

