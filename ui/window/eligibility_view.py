"""What the selected credit can buy: one line per use (icon, coloured word, reason), the advice,
and the buttons that record what checkout showed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ledger.shipped import ICONS as ICONS_DIR
from ledger.shipped import shipped
from ui.labels import CHECKOUT_SUBJECTS, OUTCOME_LABELS, USE_LABELS, VERDICT_LOOKS
from ui.window.text_fit import breakable

ICONS = shipped(ICONS_DIR)
CHECKOUT_USES = ("amazon_gift_cards", "third_party_gift_cards", "general_purchases")


def icon(name: str) -> QIcon:
    """An icon from resources/icons."""
    return QIcon(str(ICONS / name))


class VerdictRow(QWidget):
    """One use's answer: an icon and a word in the verdict's colour, then the reason in plain text."""

    def __init__(self, use: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.use = use
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(1)
        top = QHBoxLayout()
        top.setSpacing(8)
        self.icon_label = QLabel()
        self.icon_label.setFixedSize(20, 20)
        self.use_label = QLabel(USE_LABELS.get(use, use))
        self.use_label.setObjectName("useName")
        self.use_label.setWordWrap(True)
        self.use_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("verdict")
        # The verdict is the answer: it keeps its whole width, the use's name wraps instead.
        self.verdict_label.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self.verdict_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.reason_label = QLabel()
        self.reason_label.setWordWrap(True)
        self.reason_label.setObjectName("reason")
        self.reason_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.icon_label)
        top.addWidget(self.use_label, 1)
        top.addWidget(self.verdict_label)
        layout.addLayout(top)
        # Indented under the use's name, so the icon column stays clear.
        self.reason_label.setContentsMargins(28, 0, 0, 0)
        layout.addWidget(self.reason_label)
        self.verdict = ""

    def show_verdict(self, verdict: str, reason: str, rule: str) -> None:
        """Show a verdict with its icon, word, colour and reason."""
        look = VERDICT_LOOKS[verdict]
        self.verdict = verdict
        self.icon_label.setPixmap(icon(look.icon).pixmap(18, 18))
        self.verdict_label.setText(look.label)
        self.verdict_label.setStyleSheet(f"color: {look.color.name()}; font-weight: 600;")
        self.reason_label.setText(breakable(reason))
        self.reason_label.setToolTip(f"Rule: {rule}")
        text = f"{USE_LABELS.get(self.use, self.use)}: {look.label}. {reason}"
        self.setAccessibleName(text)
        self.setToolTip(f"Decided by rule {rule}")


class EligibilityView(QFrame):
    """Every use's verdict, the advice, the checkout buttons and what was recorded at checkout; emits
    `check_recorded(use, outcome)`. `remove_check_action` removes the observation chosen in the list."""

    check_recorded = Signal(str, str)

    def __init__(self, parent: QWidget | None = None, remove_check_action: QAction | None = None) -> None:
        super().__init__(parent)
        self.remove_check_action = remove_check_action or QAction("Remove checkout observation", self)
        self.setObjectName("eligibility")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("What can it be used for?")
        heading.setObjectName("sectionHeading")
        layout.addWidget(heading)
        self.rule_set_label = QLabel()
        self.rule_set_label.setObjectName("hint")
        self.rule_set_label.setWordWrap(True)
        layout.addWidget(self.rule_set_label)
        # Says when the user's own rule files changed the answers below; hidden otherwise.
        self.rules_changed_label = QLabel()
        self.rules_changed_label.setObjectName("rulesChanged")
        self.rules_changed_label.setWordWrap(True)
        self.rules_changed_label.setToolTip("Your own rule files, in the rules folder beside the ledger file")
        self.rules_changed_label.hide()
        layout.addWidget(self.rules_changed_label)
        self.rows: dict[str, VerdictRow] = {}
        for use in USE_LABELS:
            row = VerdictRow(use)
            self.rows[use] = row
            layout.addWidget(row)
        self.forfeited_label = QLabel()
        self.forfeited_label.setObjectName("forfeited")
        self.forfeited_label.setWordWrap(True)
        layout.addWidget(self.forfeited_label)
        advice_heading = QLabel("Advice")
        advice_heading.setObjectName("sectionHeading")
        layout.addWidget(advice_heading)
        self.advice_label = QLabel()
        self.advice_label.setWordWrap(True)
        self.advice_label.setTextFormat(Qt.TextFormat.RichText)
        self.advice_label.setAccessibleName("Advice")
        layout.addWidget(self.advice_label)
        layout.addWidget(self._checkout_box())

    def _checkout_box(self) -> QWidget:
        box = QFrame()
        box.setObjectName("checkoutBox")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(8, 8, 8, 8)
        title = QLabel("I tried at checkout:")
        title.setObjectName("sectionHeading")
        layout.addWidget(title)
        line = QHBoxLayout()
        self.use_choice = QComboBox()
        self.use_choice.setAccessibleName("Use tried at checkout")
        self.use_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.use_choice.setMinimumContentsLength(12)
        for use in CHECKOUT_USES:
            self.use_choice.addItem(USE_LABELS[use], use)
        title.setBuddy(self.use_choice)  # names the list for a screen reader, which would say its chosen item
        line.addWidget(self.use_choice, 1)
        layout.addLayout(line)
        buttons = QHBoxLayout()
        self.outcome_buttons: dict[str, QPushButton] = {}
        for outcome, text in OUTCOME_LABELS.items():
            button = QPushButton(text.capitalize())
            button.setAccessibleName(f"Checkout showed the credit as {text}")
            button.setToolTip(f"Record that checkout showed this credit as {text} for the chosen use")
            button.clicked.connect(lambda _=False, chosen=outcome: self._record(chosen))
            self.outcome_buttons[outcome] = button
            buttons.addWidget(button)
        layout.addLayout(buttons)
        hint = QLabel("What you saw at checkout beats any rule: “not offered” or “grayed out” means no.")
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        layout.addWidget(hint)
        layout.addWidget(self._recorded_checks())
        return box

    def _recorded_checks(self) -> QWidget:
        # What was recorded, newest first; a mistaken one is chosen and removed (button, Del). Hidden while empty.
        self.checks_box = QWidget()
        layout = QVBoxLayout(self.checks_box)
        layout.setContentsMargins(0, 4, 0, 0)
        heading = QLabel("Recorded at checkout")
        heading.setObjectName("sectionHeading")
        layout.addWidget(heading)
        self.checks_list = QListWidget()
        self.checks_list.setAccessibleName("Recorded at checkout")
        self.checks_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.checks_list.setWordWrap(True)
        self.checks_list.itemSelectionChanged.connect(self._check_chosen)
        action = self.remove_check_action
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.checks_list.addAction(action)
        layout.addWidget(self.checks_list)
        line = QHBoxLayout()
        line.addStretch(1)
        self.remove_check_button = QPushButton("Remove")
        self.remove_check_button.setAccessibleName("Remove the chosen checkout observation")
        self.remove_check_button.setToolTip("Remove the chosen observation, if it was a mistake (Del)")
        self.remove_check_button.clicked.connect(action.trigger)
        line.addWidget(self.remove_check_button)
        layout.addLayout(line)
        self.checks_box.hide()
        self._check_chosen()
        return self.checks_box

    def show_checks(self, checks: list[Any]) -> None:
        """List the recorded checkout observations (`CheckRecord`s), newest first, with what, the result and when."""
        self.checks_list.clear()
        for check in reversed(checks):
            when = check.observed_at.astimezone().strftime("%Y-%m-%d %H:%M")
            subject = CHECKOUT_SUBJECTS.get(check.use, USE_LABELS.get(check.use, check.use))
            text = f"{subject}: {OUTCOME_LABELS.get(check.outcome, check.outcome)} · {when}"
            if check.note:
                text += f" · {check.note}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, check.id)
            self.checks_list.addItem(item)
        # As tall as four observations at most; more scroll inside the list.
        rows = sum(max(self.checks_list.sizeHintForRow(row), 0) for row in range(min(len(checks), 4)))
        self.checks_list.setFixedHeight(rows + 2 * self.checks_list.frameWidth() + 2)
        self.checks_box.setVisible(bool(checks))
        self._check_chosen()

    def chosen_check(self) -> int | None:
        """The id of the checkout observation chosen in the list (None: none is)."""
        chosen = self.checks_list.selectedItems()
        return int(chosen[0].data(Qt.ItemDataRole.UserRole)) if chosen else None

    def _check_chosen(self) -> None:
        chosen = self.chosen_check() is not None
        self.remove_check_action.setEnabled(chosen)
        self.remove_check_button.setEnabled(chosen)

    def reset_checkout(self) -> None:
        """Start another credit's checkout line afresh: the first use, not the one chosen for the last credit."""
        self.use_choice.setCurrentIndex(0)

    def _record(self, outcome: str) -> None:
        self.check_recorded.emit(str(self.use_choice.currentData()), outcome)

    def show_evaluation(self, evaluation: Any, forfeited_text: str = "") -> None:
        """Show an `ledger.rules.eligibility.Evaluation`."""
        # Imported here like the rules themselves (ui/window/main_window.py), not while the window starts.
        from ledger.rules.eligibility import rules_changed_text

        for answer in evaluation.verdicts:
            row = self.rows.get(str(answer.use))
            if row is not None:
                row.show_verdict(str(answer.verdict), answer.reason, answer.rule)
        self.rule_set_label.setText(breakable(evaluation.basis))
        changed = rules_changed_text(evaluation)
        self.rules_changed_label.setText(breakable(changed))
        self.rules_changed_label.setVisible(bool(changed))
        self.forfeited_label.setText(forfeited_text)
        self.forfeited_label.setVisible(bool(forfeited_text))
        items = "".join(f"<li>{_escape(breakable(advice.text))}</li>" for advice in evaluation.advice)
        self.advice_label.setText(f"<ul>{items}</ul>" if items else "No advice for this credit.")

    def set_checkout_enabled(self, enabled: bool) -> None:
        """Checkout observations make no sense on an expired or archived credit."""
        for button in self.outcome_buttons.values():
            button.setEnabled(enabled)

    def verdict_of(self, use: str) -> str:
        """The verdict currently shown for a use (for tests and accessibility checks)."""
        return self.rows[use].verdict


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
