"""Opens every dialog, and the main window on a credit, on the screen Qt was started with and prints, as JSON, where
each one lands and which of its controls cannot be seen or scrolled to (for the window also its table's columns).
Run by tests/test_ui_scale.py in a process of its own: the scale factor (QT_SCALE_FACTOR) and the screen (the
offscreen platform's configfile) are fixed before Qt starts.

Usage: python -m tests.dialogs_at_scale FOLDER
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

TODAY = date(2025, 3, 10)
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def scrolls_into_view(widget: QWidget) -> bool:
    """Whether the widget sits in a scroll area, which can bring it into view."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and parent.viewport().isAncestorOf(widget):
            return True
        parent = parent.parentWidget()
    return False


def report(name: str, dialog: QWidget) -> dict[str, object]:
    """Where the dialog is, the screen's room, and the controls out of sight that no scrolling reaches."""
    dialog.show()
    QApplication.processEvents()
    room = (dialog.screen() or QApplication.primaryScreen()).availableGeometry()
    inside = QRect(0, 0, dialog.width(), dialog.height())
    hidden = []
    for widget in dialog.findChildren(QWidget):
        if not widget.isVisibleTo(dialog) or not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        where = QRect(widget.mapTo(dialog, widget.rect().topLeft()), widget.size())
        if not inside.contains(where) and not scrolls_into_view(widget):
            hidden.append(widget.accessibleName() or type(widget).__name__)
    frame = dialog.frameGeometry()
    dialog.close()
    return {
        "dialog": name,
        "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
        "room": [room.x(), room.y(), room.width(), room.height()],
        "out_of_sight": hidden,
    }


def columns_report(window: Any) -> list[dict[str, object]]:
    """The main window's shown table columns: name, width, the width their contents need, and whether it stretches."""
    from PySide6.QtWidgets import QHeaderView

    from ui.window.credit_table import COLUMNS

    table, header = window.table, window.table.horizontalHeader()
    return [
        {
            "column": name,
            "width": table.columnWidth(column),
            "content": window.column_fit.content_width(column),
            "stretches": header.sectionResizeMode(column) == QHeaderView.ResizeMode.Stretch,
        }
        for column, name in enumerate(COLUMNS)
        if not header.isSectionHidden(column)
    ]


def main(folder: Path) -> None:
    app = QApplication(sys.argv[:1])
    from ledger.purchase_candidates import plan_for
    from ledger.storage.settings import Settings
    from ledger.storage.store import Ledger, NewCredit
    from ui.dialogs.credit_dialog import CreditDialog
    from ui.dialogs.movement_dialog import MovementDialog
    from ui.dialogs.passphrase_dialog import PassphraseDialog
    from ui.dialogs.plan_dialog import PlanDialog
    from ui.dialogs.settings_dialog import SettingsDialog
    from ui.files.backup_dialog import BackupDialog
    from ui.files.import_dialog import ImportDialog
    from ui.style import STYLE_SHEET
    from ui.window.main_window import MainWindow

    app.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))
    path = folder / "ledger.sqlite3"
    book = Ledger.open(path)
    book.add_credit(NewCredit(source="refund", currency="USD", amount="30", title="Kettle refund"), TODAY)
    fine_print = "Valid on items sold by Amazon.com only; not on gift cards or subscriptions. " * 12
    book.add_credit(NewCredit(source="promotional", currency="USD", amount="40", title="Spring promotional credit",
                              terms=fine_print, notes="From the newsletter", expires_on=date(2025, 5, 1)), TODAY)
    book.spend(2, "12.50", TODAY, note="Cookbook")
    book.record_check(2, "amazon_gift_cards", "grayed_out")
    credit = book.detail(1, TODAY).credit
    csv_file = folder / "credits.csv"
    csv_file.write_text("source,currency,amount\ngift_card,USD,25\nvoucher,USD,5\n", encoding="utf-8")
    settings = QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(path, today=lambda: TODAY, settings=settings)
    window.show()
    window.open_ledger()

    def edit_dialog() -> QWidget:
        dialog = CreditDialog(window, TODAY, existing=credit, amount=Decimal(30))
        dialog.terms_uses.toggle.setChecked(True)
        return dialog

    def import_dialog() -> QWidget:
        dialog = ImportDialog(window, book, csv_file, lambda: NOW, held_credits=1)
        while dialog.preview is None:
            QTest.qWait(10)  # waits for the reading thread without spinning a core
        return dialog

    openers: dict[str, Callable[[], QWidget]] = {
        "add": lambda: CreditDialog(window, TODAY),
        "edit": edit_dialog,
        "spend": lambda: MovementDialog(
            window, kind="spend", currency="USD", limit=Decimal(30), received_on=TODAY, today=TODAY, title="Kettle"
        ),
        "passphrase": lambda: PassphraseDialog(window, "Claim codes", "Choose a passphrase. " * 6, new=True),
        "settings": lambda: SettingsDialog(Settings(), window),
        "plan": lambda: PlanDialog(window, lambda purchase: plan_for(book, purchase, TODAY), TODAY),
        "import": import_dialog,
        "backups": lambda: BackupDialog(window, now=lambda: NOW),
    }
    found = [report(name, open_dialog()) for name, open_dialog in openers.items()]
    window.select_credit(2)
    app.processEvents()
    panel = window.detail
    columns = columns_report(window)
    scrolls = panel.verticalScrollBar().maximum() > 0
    found.append({**report("window", window), "columns": columns, "panel_scrolls": scrolls})
    print(json.dumps(found), flush=True)
    window.close_ledger()
    book.close()
    # Leave without Python tearing down the widgets one by one: PySide may crash doing so at exit, which is
    # not what this script looks at.
    os._exit(0)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
