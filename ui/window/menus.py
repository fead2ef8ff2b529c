"""The window's menus and their shortcuts (File, Edit, View, Help).

Other parts of the app extend these: `window.file_menu` (import, export, backup) and
`window.settings_action` (the settings dialog) are left for them to fill and connect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from ui.window.main_window import MainWindow

# A window property, set while Quit closes the window for good: the tray must not keep the app then.
QUITTING = "quitting"


def quit_app(window: QWidget) -> None:
    """Quit for real (File → Quit, Ctrl+Q, the tray's Quit): the window closes, remembering its layout, and the
    app ends, even where closing the window would only hide it in the tray."""
    window.setProperty(QUITTING, True)
    window.close()
    QApplication.quit()


def is_quitting(window: QWidget) -> bool:
    """True once Quit was chosen: closing the window then ends the app."""
    return bool(window.property(QUITTING))


def show_about(window: MainWindow) -> None:
    """Open the About box (Help → About): the version, this ledger's folder, the licence."""
    from ui.dialogs.about_dialog import AboutDialog

    AboutDialog(window.path, window).open()


def build_menus(window: MainWindow) -> None:
    """Create the menu bar; credit actions start disabled until a credit is selected."""
    menus = window.menuBar()
    window.file_menu = menus.addMenu("&File")
    window.file_menu.addAction(window.add_action)
    window.file_menu.addSeparator()
    window.quit_action = window.file_menu.addAction("Quit")
    window.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
    window.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
    window.quit_action.setToolTip("Quit Credit Ledger (closing the window only hides it in the tray)")
    window.quit_action.triggered.connect(lambda: quit_app(window))

    window.edit_menu = menus.addMenu("&Edit")
    window.undo_action = window.edit_menu.addAction("Undo")
    window.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
    window.undo_action.setEnabled(False)
    window.edit_menu.addSeparator()
    window.credit_actions = {}
    for key, text, shortcut in (
        ("edit", "Edit credit…", "Return"),
        ("spend", "Spend…", "Ctrl+Shift+S"),
        ("refund", "Refund…", "Ctrl+R"),
        ("archive", "Archive / unarchive", "Del"),
        ("delete", "Delete…", "Shift+Del"),
    ):
        action = window.edit_menu.addAction(text)
        action.setShortcut(QKeySequence(shortcut))
        if key in ("edit", "archive"):
            # Enter and Del belong to the table; elsewhere they edit text.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            window.table.addAction(action)
        action.setEnabled(False)
        window.credit_actions[key] = action
    enter = QAction(window.table)
    enter.setShortcut(QKeySequence("Enter"))
    enter.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    enter.triggered.connect(window.credit_actions["edit"].trigger)
    window.table.addAction(enter)
    window.edit_menu.addSeparator()
    # The detail panel's own controls, so that each is one menu item or shortcut away.
    window.edit_menu.addActions(window.detail.panel_actions())
    window.edit_menu.addSeparator()
    find = window.edit_menu.addAction("Find")
    find.setShortcut(QKeySequence.StandardKey.Find)
    find.triggered.connect(window.focus_search)
    window.edit_menu.addSeparator()
    window.settings_action = window.edit_menu.addAction("Settings…")
    window.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
    window.settings_action.setToolTip("Reminders and notifications")

    window.view_menu = menus.addMenu("&View")
    credits_view = window.view_menu.addAction("Credits")
    credits_view.setShortcut(QKeySequence("Ctrl+1"))
    credits_view.triggered.connect(lambda: window.tabs.setCurrentIndex(0))
    overview_view = window.view_menu.addAction("Overview")
    overview_view.setShortcut(QKeySequence("Ctrl+2"))
    overview_view.triggered.connect(lambda: window.tabs.setCurrentIndex(1))
    window.view_menu.addSeparator()
    window.reload_action = window.view_menu.addAction("Reload")
    window.reload_action.setShortcut(QKeySequence("F5"))
    window.reload_action.setToolTip("Read the ledger again (the window also shows other programs' changes by itself)")
    window.reload_action.triggered.connect(window.reload_now)

    window.help_menu = menus.addMenu("&Help")
    window.help_action = window.help_menu.addAction("Credit Ledger &Help")
    window.help_action.setShortcut(QKeySequence.StandardKey.HelpContents)
    window.help_action.setToolTip("Credits, reminders, files, backups and shortcuts")
    window.help_action.triggered.connect(window.show_help)
    about = window.help_menu.addAction("&About Credit Ledger")
    about.setObjectName("aboutAction")
    about.setMenuRole(QAction.MenuRole.AboutRole)
    about.triggered.connect(lambda: show_about(window))
