"""What a credit's own terms say about each use: a compact grid of choices in the add/edit dialog.

The user records it (allow, forbid, or the terms don't say); the free-text terms are read for
obvious phrases only to SUGGEST a choice, shown beside it with the sentence it comes from. A
suggestion changes nothing until the user presses "Use the suggestions".
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ledger.rules.terms_reading import TermsHint, read_terms
from ledger.vocab import TermsSay, Use
from ui.labels import USE_LABELS

# What each choice says, in the order the combo box offers them.
CHOICES: dict[TermsSay, str] = {
    TermsSay.SILENT: "Don't say",
    TermsSay.ALLOW: "Allow",
    TermsSay.FORBID: "Forbid",
}


class TermsUsesBox(QWidget):
    """One choice per use, collapsed under a toggle; emits `changed` when a choice changes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hints: dict[Use, TermsHint] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        top = QHBoxLayout()
        self.toggle = QToolButton()
        self.toggle.setText("What the terms say about each use")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setAutoRaise(True)
        self.toggle.setAccessibleName("Show what the terms say about each use")
        self.toggle.toggled.connect(self._expand)
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        top.addWidget(self.toggle)
        top.addWidget(self.summary, 1)
        layout.addLayout(top)

        self.grid_box = QWidget()
        grid = QGridLayout(self.grid_box)
        grid.setContentsMargins(18, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        self.choices: dict[Use, QComboBox] = {}
        self.suggested: dict[Use, QLabel] = {}
        for row, use in enumerate(Use):
            name = QLabel(USE_LABELS.get(use.value, use.value))
            combo = QComboBox()
            combo.setAccessibleName(f"What the terms say about {name.text().lower()}")
            for said, text in CHOICES.items():
                combo.addItem(text, said.value)
            combo.currentIndexChanged.connect(self._changed)
            hint = QLabel()
            hint.setObjectName("hint")
            self.choices[use] = combo
            self.suggested[use] = hint
            name.setBuddy(combo)  # the use's name labels its choice, for screen readers too
            grid.addWidget(name, row, 0)
            grid.addWidget(combo, row, 1)
            grid.addWidget(hint, row, 2)
        grid.setColumnStretch(2, 1)
        self.grid_box.hide()
        layout.addWidget(self.grid_box)

        bar = QHBoxLayout()
        self.suggestion_label = QLabel()
        self.suggestion_label.setWordWrap(True)
        self.suggestion_label.setObjectName("hint")
        self.use_suggestions = QPushButton("Use the suggestions")
        self.use_suggestions.setAccessibleName("Use the suggestions read from the terms")
        self.use_suggestions.clicked.connect(self.apply_suggestions)
        bar.addWidget(self.suggestion_label, 1)
        bar.addWidget(self.use_suggestions)
        self.suggestion_bar = QWidget()
        self.suggestion_bar.setLayout(bar)
        bar.setContentsMargins(18, 0, 0, 0)
        self.suggestion_bar.hide()
        layout.addWidget(self.suggestion_bar)
        self._show_state()

    # --- the user's record ------------------------------------------------------------------

    def set_recorded(self, recorded: Mapping[str, str]) -> None:
        """Show what was recorded before (an edit); opened when anything was."""
        for use, combo in self.choices.items():
            said = recorded.get(use.value, TermsSay.SILENT.value)
            combo.setCurrentIndex(max(0, combo.findData(said)))
        if any(said != TermsSay.SILENT.value for said in recorded.values()):
            self.toggle.setChecked(True)
        self._show_state()

    def recorded(self) -> dict[str, str]:
        """What the user chose, for `NewCredit.terms_by_use` (uses the terms don't speak about left out)."""
        return {
            use.value: str(combo.currentData())
            for use, combo in self.choices.items()
            if combo.currentData() != TermsSay.SILENT.value
        }

    # --- suggestions from the text ----------------------------------------------------------

    def suggest_from(self, terms: str) -> None:
        """Read the terms' text for obvious phrases; what they suggest is shown, never applied."""
        self.hints = read_terms(terms)
        self._show_state()

    def pending(self) -> dict[Use, TermsHint]:
        """The suggestions that differ from what is chosen now."""
        return {use: hint for use, hint in self.hints.items() if self.choices[use].currentData() != hint.says.value}

    def apply_suggestions(self) -> None:
        """Take every pending suggestion (the user pressed the button), and show the grid so the change is seen."""
        for use, hint in self.pending().items():
            combo = self.choices[use]
            combo.setCurrentIndex(combo.findData(hint.says.value))
        self.toggle.setChecked(True)
        self._show_state()

    # --- display ----------------------------------------------------------------------------

    def _changed(self) -> None:
        self._show_state()
        self.changed.emit()

    def _expand(self, expanded: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.grid_box.setVisible(expanded)

    def _show_state(self) -> None:
        recorded = self.recorded()
        self.summary.setText(
            "nothing recorded" if not recorded else f"{len(recorded)} use{'s' if len(recorded) != 1 else ''} recorded"
        )
        pending = self.pending()
        for use, label in self.suggested.items():
            hint = pending.get(use)
            label.setText(f"suggested: {CHOICES[hint.says]}" if hint else "")
            label.setToolTip(f"From the terms: “{hint.quote}”" if hint else "")
        if pending:
            by_answer: dict[TermsSay, list[str]] = {}
            for use, hint in pending.items():
                by_answer.setdefault(hint.says, []).append(_lowered(USE_LABELS.get(use.value, use.value)))
            said = "; ".join(f"{CHOICES[says].lower()} {', '.join(names)}" for says, names in by_answer.items())
            quotes = " ".join(dict.fromkeys(f"“{hint.quote}”" for hint in pending.values()))
            self.suggestion_label.setText(f"The text seems to {said}: {quotes}")
        self.suggestion_bar.setVisible(bool(pending))


def _lowered(label: str) -> str:
    """A label inside a sentence: its first letter in lower case ("buying Amazon gift cards")."""
    return label[:1].lower() + label[1:]
