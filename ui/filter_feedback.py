"""What the filters leave: the count in the status bar ("3 of 14 credits shown") and, when nothing is
left, a message over the empty table with a way back ("No credits match “xyz”" · Clear filters)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class FilterFeedback(QObject):
    """Keeps the status-bar count and the no-match message in step with the table's filters."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        viewport = window.table.viewport()
        self.message = QWidget(viewport)
        self.message.setObjectName("noMatch")
        layout = QVBoxLayout(self.message)
        self.message_label = QLabel()
        self.message_label.setObjectName("hint")
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setWordWrap(True)
        self.clear_button = QPushButton("Clear search and filters")
        self.clear_button.setObjectName("linkButton")
        self.clear_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.clear_button.clicked.connect(self._clear_or_show_archived)
        layout.addStretch(1)
        layout.addWidget(self.message_label)
        layout.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)
        self.message.hide()
        viewport.installEventFilter(self)
        window.model.modelReset.connect(self.update)
        window.loading_label.setToolTip(str(window.path))

    def update(self) -> None:
        """Say how many credits are shown, and explain an empty result."""
        model = self.window.model
        total, shown = model.total_count(), model.rowCount()
        if model.is_filtered():
            text = f"{shown:,} of {total:,} credits shown"
        else:
            text = f"{shown:,} credit{'s' if shown != 1 else ''}"
            archived = model.hidden_archived_count()
            if archived:
                text += f" · {archived:,} archived not shown"
        self.window.loading_label.setText(text)
        self.message.setVisible(total > 0 and shown == 0)
        if self.message.isVisible():
            self._explain(total)
            self._place()

    def clear_filters(self) -> None:
        """Empty the search box and set both filters back to everything."""
        self.window.search.clear()
        self.window.status_filter.setCurrentIndex(0)
        self.window.source_filter.setCurrentIndex(0)

    def _explain(self, total: int) -> None:
        search = self.window.search.text().strip()
        if self.window.model.is_filtered():
            also = " with the chosen status and source" if search and self._choices_narrow() else ""
            what = f"“{search}”{also}" if search else "the chosen status and source"
            self.message_label.setText(f"No credits match {what}.")
            self.clear_button.setText("Clear search and filters")
        else:
            self.message_label.setText(f"All {total:,} credits are archived.")
            self.clear_button.setText("Show archived credits")

    def _choices_narrow(self) -> bool:
        return self.window.status_filter.currentIndex() > 0 or self.window.source_filter.currentIndex() > 0

    def _clear_or_show_archived(self) -> None:
        if self.window.model.is_filtered():
            self.clear_filters()
        else:
            self.window.status_filter.setCurrentIndex(self.window.status_filter.findData("archived"))

    def _place(self) -> None:
        self.message.setGeometry(self.window.table.viewport().rect())
        self.message.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Keep the message over the whole table as it resizes."""
        if event.type() == QEvent.Type.Resize and self.message.isVisible():
            self._place()
        return False
