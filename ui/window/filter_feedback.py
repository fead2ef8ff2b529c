"""What the filters leave: the count in the status bar ("3 of 14 credits shown") and, when nothing is
left, a message over the empty table with a way back ("No credits match “xyz”" · Clear filters)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from ui.window.main_window import MainWindow


class FilterFeedback(QObject):
    """Keeps the status-bar count and the no-match message in step with the table's filters."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        # The no-match message is built the first time nothing matches: it is rarely needed, and
        # not at all to show the window.
        self._message: QWidget | None = None
        self._message_label: QLabel | None = None
        self._clear_button: QPushButton | None = None
        window.model.modelReset.connect(self.update)
        window.loading_label.setToolTip(str(window.path))

    @property
    def message(self) -> QWidget:
        """The message over the empty table (built on first use)."""
        if self._message is None:
            self._build_message()
        assert self._message is not None
        return self._message

    @property
    def message_label(self) -> QLabel:
        """What the message says."""
        if self._message_label is None:
            self._build_message()
        assert self._message_label is not None
        return self._message_label

    @property
    def clear_button(self) -> QPushButton:
        """The message's way back: clear the filters, or show the archived credits."""
        if self._clear_button is None:
            self._build_message()
        assert self._clear_button is not None
        return self._clear_button

    def _build_message(self) -> None:
        viewport = self.window.table.viewport()
        message = QWidget(viewport)
        message.setObjectName("noMatch")
        layout = QVBoxLayout(message)
        label = QLabel()
        label.setObjectName("hint")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        button = QPushButton("Clear search and filters")
        button.setObjectName("linkButton")
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.clicked.connect(self._clear_or_show_archived)
        layout.addStretch(1)
        layout.addWidget(label)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)
        message.hide()
        self._message, self._message_label, self._clear_button = message, label, button
        viewport.installEventFilter(self)

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
        nothing_left = total > 0 and shown == 0
        if not nothing_left and self._message is None:
            return
        self.message.setVisible(nothing_left)
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
        if event.type() == QEvent.Type.Resize and self._message is not None and self._message.isVisible():
            self._place()
        return False
