"""Reaching the credit table's actions where the user is: a row's context menu (right click, the Menu
key, Shift+F10) and Escape in the search box (clear it, then back to the table)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from ui.window.main_window import MainWindow

# The actions `build_menus` puts on the Edit menu first; any added later (snooze, mute) follow a separator.
_FIRST_GROUP = ("edit", "spend", "refund", "archive", "delete")


class RowMenu(QObject):
    """The selected credit's actions in a context menu: the very QActions of the Edit menu, so their
    text, shortcuts and enabled state are the same wherever they are chosen."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.menu: QMenu | None = None
        table = window.table
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        # The viewport gets the mouse's context menu event; the table itself the keyboard's.
        table.viewport().installEventFilter(self)
        table.installEventFilter(self)
        # The Menu key and Shift+F10 open it at the selected row (Qt sends the Menu key only where it is mapped).
        keyboard = QAction("Actions on the selected credit", table)
        keyboard.setShortcuts([QKeySequence("Shift+F10"), QKeySequence(Qt.Key.Key_Menu)])
        keyboard.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        keyboard.triggered.connect(self.show_for_current_row)
        table.addAction(keyboard)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """A right click (or the platform's context menu gesture) on a row selects it and opens the menu there."""
        if event.type() == QEvent.Type.ContextMenu and isinstance(event, QContextMenuEvent):
            if event.reason() == QContextMenuEvent.Reason.Mouse:
                self.show_at(event.pos())
            else:
                self.show_for_current_row()
            return True
        return super().eventFilter(watched, event)

    def show_at(self, position: QPoint) -> None:
        """Select the row under `position` (viewport coordinates) and open the menu there."""
        table = self.window.table
        index = table.indexAt(position)
        if index.isValid():
            credit_id = self.window.model.credit_id(index.row())
            if credit_id is not None:
                self.window.select_credit(credit_id)
        self._open(table.viewport().mapToGlobal(position))

    def show_for_current_row(self) -> None:
        """Open the menu under the selected row (or the table's corner when none is selected)."""
        table = self.window.table
        index = table.selectionModel().currentIndex()
        corner = table.visualRect(index).bottomLeft() if index.isValid() else QPoint(0, 0)
        self._open(table.viewport().mapToGlobal(corner))

    def _open(self, where: QPoint) -> None:
        menu = QMenu(self.window.table)
        menu.setObjectName("rowMenu")
        actions = self.window.credit_actions
        for key in _FIRST_GROUP:
            if key in actions:
                menu.addAction(actions[key])
        later = [action for key, action in actions.items() if key not in _FIRST_GROUP]
        if later:
            menu.addSeparator()
            menu.addActions(later)
        if self.menu is not None:
            self.menu.deleteLater()
        self.menu = menu
        menu.popup(where)


class SearchEscape(QObject):
    """Escape in the search box clears it; when it is already empty, Escape returns to the table."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        window.search.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Take Escape in the search box; every other key is the box's own."""
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            if self.window.search.text():
                self.window.search.clear()
            else:
                self.window.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        return super().eventFilter(watched, event)


def install_table_access(window: MainWindow) -> RowMenu:
    """Give the window's table its context menu (returned) and its search box its Escape."""
    SearchEscape(window)  # kept by its parent, the window
    return RowMenu(window)
