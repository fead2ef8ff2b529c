"""What a new user sees before recording anything: what the app does and one button to start."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    """The first-run page; `add_requested` when the user wants to add a first credit."""

    add_requested = Signal()
    help_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel("Keep every store credit in one place")
        title.setObjectName("emptyTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            "Record the gift cards, refund balances, return credits, promotional credits and rewards\n"
            "you hold. Credit Ledger keeps their balances, tells you what each one can buy,\n"
            "and warns you before one expires."
        )
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setObjectName("hint")
        self.add_button = QPushButton("Add your first credit")
        self.add_button.setObjectName("primaryButton")
        self.add_button.setAccessibleName("Add your first credit")
        self.add_button.clicked.connect(self.add_requested.emit)
        self.help_button = QPushButton("What kinds of credit are there?")
        self.help_button.setObjectName("linkButton")
        self.help_button.setFlat(True)
        self.help_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.help_button.setAccessibleName("What kinds of credit are there? Opens the help")
        self.help_button.clicked.connect(self.help_requested.emit)
        for widget in (title, text):
            layout.addWidget(widget)
        layout.addSpacing(16)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.help_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)
