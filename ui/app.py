"""Starting the desktop app: the QApplication, the main window, then the ledger file.

The window is shown before the ledger (and the database libraries) are loaded, so it
appears at once; the table fills a moment later (see ui/window/startup.py for the stages).
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from ledger.shipped import APP_ID, app_icon
from ui.style import request_style
from ui.window.main_window import MainWindow


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
    """Show the main window now (unless starting in the tray); the ledger opens once it is painted."""
    from ui.window.startup import after_paint, start_window

    window = MainWindow(path, demo=demo, staged=True)  # its contents are built after the first frame
    if not (background and QSystemTrayIcon.isSystemTrayAvailable()):
        window.show()
    after_paint(window, lambda: start_window(window, background))
    return window


def run_app(args: SimpleNamespace) -> int:
    """Open the ledger named by the arguments and show the main window until the user quits."""
    app = make_app()
    demo = bool(getattr(args, "demo", False))
    path = getattr(args, "db", None)
    if demo or path is None:
        from ledger.storage.paths import default_db_path, demo_db_path  # platformdirs: only without --db

        path = demo_db_path() if demo else default_db_path()
    window = open_window(Path(path), demo=demo, background=bool(getattr(args, "background", False)))
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
