"""The selected credit in full: its figures, its terms, its history, what it can buy, and what to do next.

Every control here has its action (`panel_actions`), which the window lists in its Edit menu with
its shortcut: a keyboard user can do all of it without reaching the panel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.labels import SOURCE_LABELS, STATUS_LABELS, USE_LABELS, days_left_color, days_left_text

if TYPE_CHECKING:
    from ui.window.eligibility_view import EligibilityView
    from ui.window.history_view import HistoryView

# What the details page holds (see `DetailPanel.__getattr__`).
_PAGE_PARTS = frozenset(
    {
        "page", "title_label", "subtitle_label", "balance_label", "amount_label", "expiry_label", "status_label",
        "reference_label", "categories_label", "terms_say_label", "terms_text", "notes_text", "code_row",
        "code_label", "reveal_code_button", "copy_code_button", "figures", "reminder_label", "reminder_buttons",
        "spend_button", "refund_button", "edit_button", "archive_button", "eligibility", "history",
    }
)


def terms_say_text(recorded: dict[str, str]) -> str:
    """What the user recorded from the terms, in words: "Forbid: buying Amazon gift cards · Allow: …"."""
    grouped: dict[str, list[str]] = {}
    for use, said in recorded.items():
        if said in ("allow", "forbid"):
            grouped.setdefault(said, []).append(USE_LABELS.get(use, use))
    return " · ".join(f"{said.capitalize()}: {', '.join(uses)}" for said, uses in grouped.items())


class DetailPanel(QScrollArea):
    """Shows one `CreditDetail` and its evaluation; buttons ask the window to act on the credit."""

    spend_requested = Signal()
    refund_requested = Signal()
    edit_requested = Signal()
    archive_requested = Signal()
    check_recorded = Signal(str, str)
    # The claim code's Reveal (or Hide) and Copy buttons: the window unlocks the code, then calls `show_code`.
    reveal_requested = Signal()
    copy_requested = Signal()
    # After a credit is shown, with its `CreditDetail`: a hook for others' lines (reminders fill `reminder_label`).
    credit_shown = Signal(object)
    # A spend or refund chosen in the history, to correct or remove (its entry id); a checkout observation to remove.
    correct_movement_requested = Signal(int)
    remove_movement_requested = Signal(int)
    remove_check_requested = Signal(int)
    # Parts of the details page (built on first use, see `__getattr__`).
    history: HistoryView
    eligibility: EligibilityView

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPanel")
        self.setAccessibleName("Credit details")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(330)
        self.credit_id: int | None = None
        # Two pages shown one at a time; not a QStackedWidget, which would hide the
        # height-for-width of the wrapped labels and clip the reasons.
        host = QWidget()
        self._host_layout = QVBoxLayout(host)
        self._host_layout.setContentsMargins(0, 0, 0, 0)
        self.placeholder = self._placeholder()
        self._host_layout.addWidget(self.placeholder)
        self._built = False
        self.setWidget(host)
        self._reminder_actions: list[QAction] = []
        self.reminder_action_buttons: list[QToolButton] = []  # Snooze and Mute, once the page is built
        self._make_actions()

    def _make_actions(self) -> None:
        # Created with the panel (the menus list them), enabled once a credit shown calls for them.
        def action(text: str, shortcut: str, tip: str) -> QAction:
            made = QAction(text, self)
            if shortcut:
                made.setShortcut(QKeySequence(shortcut))
            made.setToolTip(tip)
            made.setEnabled(False)
            return made

        self.checkout_action = action(
            "I tried at checkout…", "Ctrl+K", "Record what checkout showed for a use of this credit"
        )
        self.checkout_action.triggered.connect(self.focus_checkout)
        self.reveal_code_action = action("Reveal claim code", "Ctrl+Shift+R", "Show or hide the claim code")
        self.reveal_code_action.triggered.connect(self.reveal_requested.emit)
        self.copy_code_action = action(
            "Copy claim code", "Ctrl+Shift+C", "Copy the claim code; the clipboard is cleared after 30 seconds"
        )
        self.copy_code_action.triggered.connect(self.copy_requested.emit)
        self.correct_movement_action = action(
            "Correct spend or refund…", "Ctrl+Shift+E", "Change the amount, date or note of the spend or refund "
            "chosen in History"
        )
        self.correct_movement_action.triggered.connect(
            lambda: self._for_chosen(self.history.chosen_entry(), self.correct_movement_requested)
        )
        self.remove_movement_action = action(
            "Remove spend or refund", "Del", "Remove the spend or refund chosen in History (Ctrl+Z brings it back)"
        )
        self.remove_movement_action.triggered.connect(
            lambda: self._for_chosen(self.history.chosen_entry(), self.remove_movement_requested)
        )
        self.remove_check_action = action(
            "Remove checkout observation", "Del", "Remove the observation chosen under “I tried at checkout”"
        )
        self.remove_check_action.triggered.connect(
            lambda: self._for_chosen(self.eligibility.chosen_check(), self.remove_check_requested)
        )

    def panel_actions(self) -> list[QAction]:
        """The actions of the panel's controls, for the window's menus (each with its shortcut)."""
        return [
            self.checkout_action,
            self.reveal_code_action,
            self.copy_code_action,
            self.correct_movement_action,
            self.remove_movement_action,
            self.remove_check_action,
        ]

    @staticmethod
    def _for_chosen(chosen: int | None, signal: Any) -> None:
        if chosen is not None:
            signal.emit(chosen)

    def add_reminder_actions(self, *actions: QAction) -> None:
        """Put buttons for these actions (Snooze, Mute) beside the reminder line: the same actions as in the menu."""
        self._reminder_actions.extend(actions)
        if self._built:
            self._add_reminder_buttons(actions)

    def _add_reminder_buttons(self, actions: Any) -> None:
        for action in actions:
            previous = self.reminder_action_buttons[-1] if self.reminder_action_buttons else self.archive_button
            # A tool button shows its action's short icon text and follows its enabled and checked state.
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setAccessibleName(action.text().rstrip("…"))
            self.reminder_buttons.addWidget(button)
            self.reminder_action_buttons.append(button)
            QWidget.setTabOrder(previous, button)  # Tab reaches them where they are shown, after the buttons above

    def focus_checkout(self) -> None:
        """Bring "I tried at checkout" into view and give its use list the keyboard (Ctrl+K)."""
        if self.credit_id is None:
            return
        choice = self.eligibility.use_choice
        self.ensureWidgetVisible(choice.parentWidget() or choice)
        choice.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def __getattr__(self, name: str) -> Any:
        # The details page is built the first time one of its parts is wanted: it is hidden until a
        # credit is shown, and building it before the window's first frame would delay that frame.
        if name in _PAGE_PARTS and not self.__dict__.get("_built", True):
            self.build_page()
            return getattr(self, name)
        raise AttributeError(name)

    def build_page(self) -> None:
        """Build the (hidden) details page now, if it is not built yet."""
        if self._built:
            return
        self._built = True
        self.page = self._details()
        self.page.hide()
        self._host_layout.addWidget(self.page)

    def _placeholder(self) -> QWidget:
        label = QLabel("Select a credit to see its balance, its history and what it can be used for.")
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setObjectName("hint")
        return label

    def _details(self) -> QWidget:
        # With the page, after the window's first frame.
        from ui.window.history_view import HistoryView
        from ui.window.text_fit import ElidedLabel, LongText

        page = QWidget()
        layout = QVBoxLayout(page)
        self.title_label = QLabel()
        self.title_label.setObjectName("detailTitle")
        self.title_label.setWordWrap(True)
        layout.addWidget(self.title_label)
        self.subtitle_label = ElidedLabel()
        self.subtitle_label.setObjectName("hint")
        layout.addWidget(self.subtitle_label)

        figures = QFormLayout()
        self.balance_label = QLabel()
        self.balance_label.setObjectName("balance")
        self.balance_label.setAccessibleName("Balance")
        self.amount_label = QLabel()
        self.amount_label.setAccessibleName("Original amount")
        self.expiry_label = QLabel()
        self.expiry_label.setAccessibleName("Expiry")
        self.status_label = QLabel()
        self.status_label.setAccessibleName("Status")
        self.reference_label = ElidedLabel(mode=Qt.TextElideMode.ElideMiddle)
        self.reference_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.categories_label = QLabel()
        self.categories_label.setWordWrap(True)
        # The fine print and the user's notes, as written: selectable, wrapped, scrolling when long.
        self.terms_text = LongText("Terms")
        self.notes_text = LongText("Notes", most_lines=5)
        # What the user recorded from the credit's own terms; the row is hidden while nothing is.
        self.terms_say_label = QLabel()
        self.terms_say_label.setWordWrap(True)
        self.terms_say_label.setAccessibleName("What its terms say")
        figures.addRow("Balance", self.balance_label)
        figures.addRow("Amount", self.amount_label)
        figures.addRow("Expires", self.expiry_label)
        figures.addRow("Status", self.status_label)
        figures.addRow("Reference", self.reference_label)
        figures.addRow("Categories", self.categories_label)
        figures.addRow("Terms say", self.terms_say_label)
        figures.addRow("Terms", self.terms_text)
        figures.addRow("Notes", self.notes_text)
        self.code_row = self._code_row()
        figures.addRow("Claim code", self.code_row)
        self.figures = figures
        layout.addLayout(figures)
        buttons = QHBoxLayout()
        self.spend_button = QPushButton("Spend…")
        self.spend_button.setAccessibleName("Record a spend")
        self.refund_button = QPushButton("Refund…")
        self.refund_button.setAccessibleName("Record a refund")
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setAccessibleName("Edit credit")
        self.archive_button = QPushButton("Archive")
        self.archive_button.setAccessibleName("Archive credit")
        for button, signal in (
            (self.spend_button, self.spend_requested),
            (self.refund_button, self.refund_requested),
            (self.edit_button, self.edit_requested),
            (self.archive_button, self.archive_requested),
        ):
            button.clicked.connect(signal.emit)
            # Below the style's 80 px minimum, so the four fit the panel at its narrowest.
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance(button.text()) + 16)
            buttons.addWidget(button)
        layout.addLayout(buttons)

        # Filled by ui/reminders/reminder_service.py (hidden when empty), with its Snooze and Mute buttons.
        reminders = QHBoxLayout()
        self.reminder_label = QLabel()
        self.reminder_label.setAccessibleName("Reminders")
        self.reminder_label.setWordWrap(True)
        self.reminder_label.hide()
        self.reminder_buttons = QHBoxLayout()
        reminders.addLayout(self.reminder_buttons)
        reminders.addWidget(self.reminder_label, 1)
        reminders.addStretch(0)  # keeps the buttons at the left while the line is hidden
        layout.addLayout(reminders)
        if self._reminder_actions:
            self._add_reminder_buttons(self._reminder_actions)

        from ui.window.eligibility_view import EligibilityView  # with the page, after the window's first frame

        self.eligibility = EligibilityView(remove_check_action=self.remove_check_action)
        self.eligibility.check_recorded.connect(self.check_recorded.emit)
        layout.addWidget(self.eligibility)

        history = QLabel("History")
        history.setObjectName("sectionHeading")
        layout.addWidget(history)
        self.history = HistoryView(self.correct_movement_action, self.remove_movement_action)
        layout.addWidget(self.history)
        layout.addStretch(1)
        return page

    def _code_row(self) -> QWidget:
        # Masked and locked until Reveal or Copy unlocks it; the row is hidden for a credit without a code.
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self.code_label = QLabel()
        self.code_label.setAccessibleName("Claim code")
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reveal_code_button = QPushButton("Reveal")
        self.reveal_code_button.setAccessibleName("Reveal the claim code")
        self.reveal_code_button.clicked.connect(self.reveal_requested.emit)
        self.copy_code_button = QPushButton("Copy")
        self.copy_code_button.setAccessibleName("Copy the claim code")
        self.copy_code_button.setToolTip("Copies the code; the clipboard is cleared after 30 seconds")
        self.copy_code_button.clicked.connect(self.copy_requested.emit)
        layout.addWidget(self.code_label, 1)
        for button in (self.reveal_code_button, self.copy_code_button):
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance("Reveal") + 16)
            layout.addWidget(button)
        self.hide_code()
        return row

    @property
    def code_shown(self) -> bool:
        """Whether the claim code is shown in the clear."""
        return self.reveal_code_button.text() == "Hide"

    def show_code(self, code: str) -> None:
        """Show the unlocked claim code; Reveal becomes Hide."""
        self.code_label.setText(code)
        self.code_label.setToolTip("")
        self.reveal_code_button.setText("Hide")
        self.reveal_code_button.setAccessibleName("Hide the claim code")

    def hide_code(self) -> None:
        """Mask the claim code again (locked)."""
        self.code_label.setText("•••• •••• ••••  (locked)")
        self.code_label.setToolTip("Kept encrypted. Reveal or Copy unlocks it")
        self.reveal_code_button.setText("Reveal")
        self.reveal_code_button.setAccessibleName("Reveal the claim code")

    def clear(self) -> None:
        """Show the 'select a credit' hint."""
        self.credit_id = None
        if self._built:
            self.page.hide()
        self.placeholder.show()
        for action in self.panel_actions():
            action.setEnabled(False)

    def show_credit(self, detail: Any, evaluation: Any | None) -> None:
        """Show a `ledger.storage.store.CreditDetail` and (when rules are available) its `Evaluation`."""
        from ledger.money import format_money
        from ui.window.text_fit import breakable

        credit = detail.credit
        currency = credit.currency
        self.placeholder.hide()
        self.page.show()
        if credit.id != self.credit_id:
            # Another credit: start at its top, not where the last one was scrolled to, and with nothing
            # chosen for it yet (the last credit's use at checkout is not this one's).
            self.verticalScrollBar().setValue(0)
            self.eligibility.reset_checkout()
        self.credit_id = credit.id
        self.title_label.setText(breakable(credit.title or SOURCE_LABELS.get(credit.source, credit.source)))
        self.subtitle_label.setText(
            f"{SOURCE_LABELS.get(credit.source, credit.source)} · {credit.merchant} {credit.region} · "
            f"received {credit.received_on.isoformat()}"
        )
        self.balance_label.setText(format_money(detail.balance, currency))
        self.amount_label.setText(format_money(detail.amount, currency))
        if credit.expires_on is None:
            self.expiry_label.setText("No expiry date")
            self.expiry_label.setStyleSheet("")
        else:
            self.expiry_label.setText(f"{credit.expires_on.isoformat()} ({days_left_text(detail.days_left).lower()})")
            color = days_left_color(detail.days_left, str(detail.status))
            self.expiry_label.setStyleSheet(f"color: {color.name()};" if color else "")
        status = str(detail.status)
        self.status_label.setText(STATUS_LABELS.get(status, status))
        self.reference_label.setText(credit.reference or "—")
        self.categories_label.setText(breakable(", ".join(credit.categories)) or "—")
        for text, shown in ((self.terms_text, credit.terms), (self.notes_text, credit.notes)):
            text.set_plain(shown)
            self.figures.setRowVisible(text, bool(shown.strip()))
        terms_say = terms_say_text(credit.terms_by_use)
        self.terms_say_label.setText(terms_say)
        self.figures.setRowVisible(self.terms_say_label, bool(terms_say))
        self.hide_code()
        has_code = credit.claim_code_sealed is not None
        self.figures.setRowVisible(self.code_row, has_code)
        self.reveal_code_action.setEnabled(has_code)
        self.copy_code_action.setEnabled(has_code)
        usable = status in ("active", "expiring")
        self.spend_button.setEnabled(usable)
        self.refund_button.setEnabled(status in ("active", "expiring", "used"))
        self.archive_button.setText("Unarchive" if credit.archived else "Archive")
        self.archive_button.setAccessibleName("Unarchive credit" if credit.archived else "Archive credit")
        self.history.show_entries(detail.entries, currency)
        self.eligibility.show_checks(detail.checks)
        self.eligibility.setVisible(evaluation is not None)
        if evaluation is not None:
            forfeited = ""
            if evaluation.forfeited:
                forfeited = f"Expired: {format_money(evaluation.forfeited, currency)} was forfeited."
            self.eligibility.show_evaluation(evaluation, forfeited)
        self.eligibility.set_checkout_enabled(usable)
        self.checkout_action.setEnabled(usable and evaluation is not None)
        self.credit_shown.emit(detail)

    def history_rows(self) -> list[tuple[str, ...]]:
        """The history as shown, newest first: date, what, amount, balance after it, note (for tests and screen
        readers)."""
        return self.history.rows()
