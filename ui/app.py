"""Starting the desktop app: the QApplication, the ledger file and the main window."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from ledger.db import LedgerFileError
from ledger.paths import default_db_path, demo_db_path
from ledger.store import Ledger


def run_app(args: argparse.Namespace) -> int:
    """Open the ledger named by the arguments and show the main window until the user quits."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Credit Ledger")
    app.setOrganizationName("credit-ledger")
    path = demo_db_path() if args.demo else (getattr(args, "db", None) or default_db_path())
    try:
        ledger = Ledger.open(path)
    except LedgerFileError as error:
        QMessageBox.critical(None, "Credit Ledger", str(error))
        return 2
    window = QMainWindow()
    window.setWindowTitle("Credit Ledger")
    window.resize(1000, 640)
    window.show()
    try:
        return int(app.exec())
    finally:
        ledger.close()
