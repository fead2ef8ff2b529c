"""Starting the desktop app: the QApplication, the main window, then the ledger file.

The window is shown before the ledger (and the database libraries) are loaded, so it
appears at once; the table fills a moment later.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from ledger.shipped import APP_ID, app_icon
from ui.main_window import MainWindow
from ui.style import request_style


def make_app() -> QApplication:
    """The one QApplication, named so QSettings and the desktop know it."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Credit Ledger")
    app.setOrganizationName("credit-ledger")
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(QIcon(str(app_icon())))
    request_style(app)  # set once the main window is built (see ui/style.py)
    return app


def open_window(path: Path, demo: bool = False, background: bool = False) -> MainWindow:
    """Show the main window now (unless starting in the tray) and open the ledger right after the first paint."""
    window = MainWindow(path, demo=demo)
    if not (background and QSystemTrayIcon.isSystemTrayAvailable()):
        window.show()
    QTimer.singleShot(0, lambda: _start(window, background))
    return window


def _start(window: MainWindow, background: bool) -> None:
    # After the first paint: the File menu's import/export, the scheduler and the notification libraries
    # load here, not before the window shows.
    # Reminders attach before the ledger opens, so their first reconcile sees it open.
    from ui.reminder_service import install_reminders
    from ui.transfer_actions import install_transfer_actions

    install_transfer_actions(window)
    install_reminders(window, background=background)
    _open_or_explain(window)


def _open_or_explain(window: MainWindow) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ledger import clock
    from ledger.errors import LedgerError
    from ledger.storage.backup import startup_backup
    from ledger.storage.inspection import DamagedLedgerError, LedgerFileError
    from ledger.storage.settings import load_settings
    from ui.backup_dialog import offer_restore

    try:
        window.open_ledger()
    except DamagedLedgerError as error:
        offer_restore(window, error)
        return
    except LedgerFileError as error:
        box = QMessageBox(QMessageBox.Icon.Critical, "Credit Ledger", str(error), parent=window)
        box.finished.connect(lambda _result: QApplication.exit(2))
        box.open()
        return
    if window.ledger is None:
        return
    try:
        startup_backup(window.path, clock.now(), load_settings(window.ledger).backups_to_keep)
    except LedgerError as error:
        window.statusBar().showMessage(f"The daily backup failed: {error}", 15_000)


def run_app(args: argparse.Namespace) -> int:
    """Open the ledger named by the arguments and show the main window until the user quits."""
    from ledger.storage.paths import default_db_path, demo_db_path  # platformdirs: not needed before the window

    app = make_app()
    path = demo_db_path() if getattr(args, "demo", False) else (getattr(args, "db", None) or default_db_path())
    window = open_window(
        Path(path), demo=bool(getattr(args, "demo", False)), background=bool(getattr(args, "background", False))
    )
    if getattr(args, "self_test", False):
        window.ledger_opened.connect(lambda: QTimer.singleShot(0, lambda: QApplication.exit(self_test(app, window))))
    try:
        return int(app.exec())
    finally:
        window.close_ledger()


def self_test(app: QApplication, window: MainWindow) -> int:
    """What `--self-test` prints once the window has opened its ledger: whether everything shipped was found.

    For packagers and the bundle's smoke test: exit 0 when the style, the icon and the rules were all
    found, else 1. It works offscreen (QT_QPA_PLATFORM=offscreen).
    """
    from ledger.rules.rulebook import builtin_rules_dir, load_rulebook
    from ledger.shipped import resources_dir

    _, problems = load_rulebook(builtin_rules_dir())
    facts = {
        "resources": str(resources_dir()),
        "style": bool(app.styleSheet()),
        "icon": not app.windowIcon().isNull(),
        "rules": not problems and any(builtin_rules_dir().glob("*.toml")),
        "credits": window.model.total_count(),
    }
    for name, value in facts.items():
        print(f"{name}: {value}")
    return 0 if facts["style"] and facts["icon"] and facts["rules"] else 1
