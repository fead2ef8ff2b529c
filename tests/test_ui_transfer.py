"""The File menu's import (with preview), export and backups, driven in a real window on a real ledger file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from ledger.files.csv_io import CSV_COLUMNS
from ledger.files.json_io import export_json
from ledger.storage.backup import list_backups, make_backup
from ledger.storage.inspection import DamagedLedgerError
from ledger.storage.store import Ledger, NewCredit
from tests.test_backup_damage import damage, fill
from tests.test_csv_io import ledger_rows
from tests.ui_helpers import OFFSCREEN_NOISE, TODAY, make_window, seed
from ui.files.backup_dialog import BackupDialog, offer_restore
from ui.files.import_dialog import BAD_ROW, PREVIEW_COLUMNS, ImportDialog, PreviewModel
from ui.files.transfer_actions import TransferActions, install_transfer_actions
from ui.window.main_window import MainWindow
from ui.window.startup import start_window

pytestmark = OFFSCREEN_NOISE
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def window(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> MainWindow:
    return make_window(qtbot, ledger_path, tmp_path / "settings.ini")


@pytest.fixture
def transfer(window: MainWindow) -> TransferActions:
    return TransferActions(window, now=lambda: NOW)


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("source,currency,amount,balance,title\n" + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def wait_for_preview(qtbot: QtBot, dialog: ImportDialog) -> None:
    qtbot.waitUntil(lambda: dialog.preview is not None or dialog.problems.count() > 0, timeout=10_000)


def test_the_file_menu_has_import_export_and_backups_above_quit(window: MainWindow) -> None:
    install_transfer_actions(window)
    texts = [action.text() for action in window.file_menu.actions() if not action.isSeparator()]
    assert texts[-5:] == ["Import…", "Export…", "Back up now", "Backups and restore…", "Quit"]


def test_import_previews_every_row_then_writes_them_all(
    qtbot: QtBot, window: MainWindow, transfer: TransferActions, tmp_path: Path
) -> None:
    rows = [f"gift_card,USD,25,{n % 25},Card {n}" for n in range(300)]
    dialog = transfer.start_import(write_csv(tmp_path / "cards.csv", rows))
    assert dialog is not None
    wait_for_preview(qtbot, dialog)
    assert dialog.model.rowCount() == 300
    assert dialog.model.index(1, 4).data() == "1.00"  # the balance column
    assert "300 credits ready to import" in dialog.summary.text()
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(window.ledger_changed, timeout=10_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert window.model.total_count() == 300
    assert "Imported 300 credits" in window.statusBar().currentMessage()


def test_a_file_with_problems_lists_every_one_and_cannot_be_imported(
    qtbot: QtBot, window: MainWindow, transfer: TransferActions, ledger_path: Path, tmp_path: Path
) -> None:
    before = ledger_rows(ledger_path)
    path = write_csv(tmp_path / "bad.csv", ["gift_card,USD,25,,ok", "gift_card,USD,-1,,neg", "nope,USD,1,,src"])
    dialog = transfer.start_import(path)
    assert dialog is not None
    wait_for_preview(qtbot, dialog)
    problems = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert problems[0].startswith("line 3, column amount")
    assert problems[1].startswith("line 4, column source")
    assert "2 problems" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    dialog.reject()
    assert ledger_rows(ledger_path) == before


def test_an_unreadable_file_is_explained_in_the_preview(
    qtbot: QtBot, transfer: TransferActions, tmp_path: Path
) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    dialog = transfer.start_import(path)
    assert dialog is not None
    wait_for_preview(qtbot, dialog)
    assert "binary data" in dialog.problems.item(0).text()
    assert not dialog.import_button.isEnabled()


def test_a_whole_ledger_into_one_with_credits_asks_to_merge(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "other" / "ledger.sqlite3"
    other.parent.mkdir()
    seed(other, NewCredit(source="refund", currency="EUR", amount="4", title="from elsewhere"))
    book = Ledger.open(other)
    try:
        with (tmp_path / "other.json").open("w", encoding="utf-8") as handle:
            export_json(book, handle)
    finally:
        book.close()
    seed(ledger_path, NewCredit(source="gift_card", currency="USD", amount="9", title="mine"))
    window = make_window(qtbot, ledger_path, tmp_path / "settings.ini")
    transfer = TransferActions(window, now=lambda: NOW)
    dialog = transfer.start_import(tmp_path / "other.json")
    assert dialog is not None
    wait_for_preview(qtbot, dialog)
    assert dialog.merge.isVisible()
    assert not dialog.import_button.isEnabled()
    dialog.merge.setChecked(True)
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(window.ledger_changed, timeout=10_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert window.model.total_count() == 2


def test_the_preview_model_is_a_well_behaved_model(qtmodeltester: ModelTester) -> None:
    model = PreviewModel()
    model.set_rows([("2", "gift_card", "USD", "25.00", "25.00", "2025-01-01", "", "Card", ""),
                    ("3", "voucher", "USD", "5", "", "", "", "Bad", "source: unknown source 'voucher'")])
    qtmodeltester.check(model)


@pytest.mark.parametrize("fmt", ["json", "csv", "ics"])
def test_export_writes_the_file_in_the_background(qtbot: QtBot, ledger_path: Path, tmp_path: Path, fmt: str) -> None:
    seed(ledger_path, NewCredit(source="gift_card", currency="USD", amount="9", expires_on=TODAY.replace(year=2026)))
    window = make_window(qtbot, ledger_path, tmp_path / "settings.ini")
    transfer = TransferActions(window, now=lambda: NOW)
    target = tmp_path / f"out.{fmt}"
    transfer.export_to(target, fmt)
    qtbot.waitUntil(lambda: "Exported 1" in window.statusBar().currentMessage(), timeout=10_000)
    text = target.read_text(encoding="utf-8-sig")
    if fmt == "json":
        assert len(json.loads(text)["credits"]) == 1
    elif fmt == "csv":
        assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    else:
        assert "BEGIN:VEVENT" in text


def test_export_over_a_link_is_refused_in_a_message_and_the_link_is_left_alone(
    qtbot: QtBot, window: MainWindow, transfer: TransferActions, tmp_path: Path
) -> None:
    link = tmp_path / "out.json"
    link.symlink_to(tmp_path / "elsewhere.json")

    transfer.export_to(link, "json")

    qtbot.waitUntil(lambda: window.findChild(QMessageBox) is not None, timeout=10_000)
    box = window.findChild(QMessageBox)
    assert isinstance(box, QMessageBox)
    assert box.text().startswith("Nothing was exported: ") and "is a symbolic link" in box.text()
    assert link.is_symlink() and not (tmp_path / "elsewhere.json").exists()
    box.close()


def test_back_up_now_then_restore_it_from_the_list(
    qtbot: QtBot, window: MainWindow, transfer: TransferActions, ledger_path: Path
) -> None:
    assert window.ledger is not None
    window.ledger.add_credit(NewCredit(source="gift_card", currency="USD", amount="5", title="kept"), TODAY)
    transfer.back_up()
    assert "Backed up to" in window.statusBar().currentMessage()
    window.ledger.add_credit(NewCredit(source="gift_card", currency="USD", amount="6", title="later"), TODAY)
    window.reload()
    assert window.model.total_count() == 2
    dialog = transfer.show_backups()
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 1).text() == "by hand"
    question = dialog.restore_selected()
    assert question is not None
    restore = next(button for button in question.buttons() if button.text() == "&Restore")
    with qtbot.waitSignal(window.ledger_changed):
        qtbot.mouseClick(restore, Qt.MouseButton.LeftButton)
    assert window.model.total_count() == 1
    assert "Restored from" in dialog.status.text()
    assert any(info.reason == "before-restore" for info in list_backups(ledger_path))


def test_cancelling_a_restore_changes_nothing(qtbot: QtBot, window: MainWindow, ledger_path: Path) -> None:
    make_backup(ledger_path, "manual", NOW)
    before = ledger_rows(ledger_path)
    dialog = BackupDialog(window, now=lambda: NOW)
    qtbot.addWidget(dialog)
    question = dialog.restore_selected()
    assert question is not None
    question.button(QMessageBox.StandardButton.Cancel).click()
    assert ledger_rows(ledger_path) == before


def test_a_damaged_ledger_at_start_up_is_restored_from_its_newest_backup(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    fill(ledger_path, [f"credit {n} " for n in range(200)])
    make_backup(ledger_path, "daily", NOW)
    damage(ledger_path)
    window = MainWindow(ledger_path, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    with pytest.raises(DamagedLedgerError) as caught:
        window.open_ledger()
    box = offer_restore(window, caught.value, now=lambda: NOW)
    assert "is damaged" in box.text()
    restore = next(button for button in box.buttons() if button.text() == "&Restore newest good backup")
    qtbot.mouseClick(restore, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.total_count() == 200, timeout=10_000)
    assert any(".damaged-" in path.name for path in ledger_path.parent.iterdir())


def test_a_damaged_ledger_at_start_up_still_gets_the_file_menu_and_reminders_for_after_the_restore(
    qtbot: QtBot, ledger_path: Path
) -> None:
    fill(ledger_path, [f"credit {n} " for n in range(20)])
    make_backup(ledger_path, "daily", NOW)
    damage(ledger_path)
    window = MainWindow(ledger_path, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    start_window(window, background=False)  # what the app runs once the window is painted
    box = window.findChild(QMessageBox, "damagedLedgerBox")
    assert box is not None and window.ledger is None
    assert "Import…" in [action.text() for action in window.file_menu.actions()]
    assert "Snooze reminders…" in [action.text() for action in window.edit_menu.actions()]
    box.finished.disconnect()  # answering would restore or quit
    box.close()


def test_restore_confirmation_says_what_happens_to_a_healthy_ledger(
    qtbot: QtBot, window: MainWindow, ledger_path: Path
) -> None:
    assert window.ledger is not None
    window.ledger.add_credit(NewCredit(source="gift_card", currency="USD", amount="5"), TODAY)
    make_backup(ledger_path, "manual", NOW)
    dialog = BackupDialog(window, now=lambda: NOW)
    qtbot.addWidget(dialog)
    question = dialog.restore_selected()
    assert question is not None
    assert "is backed up first" in question.text() and "damaged" not in question.text()
    question.button(QMessageBox.StandardButton.Cancel).click()


def test_a_damaged_ledger_clears_the_opening_status_and_the_restore_question_says_it_is_set_aside(
    qtbot: QtBot, ledger_path: Path
) -> None:
    fill(ledger_path, [f"credit {n} " for n in range(200)])
    make_backup(ledger_path, "daily", NOW)
    damage(ledger_path)
    window = MainWindow(ledger_path, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    assert window.loading_label.text() == "Opening the ledger…"
    with pytest.raises(DamagedLedgerError) as caught:
        window.open_ledger()
    box = offer_restore(window, caught.value, now=lambda: NOW)
    assert window.loading_label.text() == ""
    assert len(box.text()) < 600
    dialog = BackupDialog(window, now=lambda: NOW)
    qtbot.addWidget(dialog)
    question = dialog.restore_selected()
    assert question is not None
    assert "damaged" in question.text() and "set aside" in question.text()
    assert "backed up first" not in question.text()
    question.button(QMessageBox.StandardButton.Cancel).click()


# --- a spreadsheet's own CSV (issue 12) ----------------------------------------------------------


def test_a_spreadsheets_semicolon_file_with_symbols_and_everyday_sources_imports(
    qtbot: QtBot, window: MainWindow, transfer: TransferActions, tmp_path: Path
) -> None:
    path = tmp_path / "export from a spreadsheet.csv"
    path.write_text("Source;Currency;Amount;Region;Title\nGift card;USD;$25.00;UK;Birthday\npromo;EUR;€5;DE;Offer\n",
                    encoding="utf-8")
    dialog = transfer.start_import(path)
    assert dialog is not None
    wait_for_preview(qtbot, dialog)
    assert "2 credits ready to import" in dialog.summary.text()
    assert [dialog.model.index(row, 1).data() for row in range(2)] == ["gift_card", "promotional"]
    with qtbot.waitSignal(window.ledger_changed, timeout=10_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert window.model.total_count() == 2


def test_the_preview_highlights_refused_rows_and_lists_every_problem_of_each(
    qtbot: QtBot, transfer: TransferActions, tmp_path: Path
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text("source,currency,amount,region,title\n"
                    "gift_card,USD,25,US,Good one\n"
                    "voucher,USD,€5,XX,Bad one\n"
                    "refund,GBP,£3,GB,Good two\n", encoding="utf-8")  # fmt: skip
    dialog = transfer.start_import(path)
    assert dialog is not None
    wait_for_preview(qtbot, dialog)
    model = dialog.model
    assert [model.index(row, 0).data() for row in range(model.rowCount())] == ["2", "3", "4"]
    problems_column = PREVIEW_COLUMNS.index("Problems")
    said = model.index(1, problems_column).data()
    assert said.startswith("source: unknown source 'voucher'")
    assert "amount: '€5' is written in EUR (€), but this row's currency is USD" in said
    assert "region: region 'XX' is not a two-letter country code" in said
    assert model.index(1, 7).data() == "Bad one"  # the row as written
    assert model.index(1, 3).data(Qt.ItemDataRole.BackgroundRole) == BAD_ROW
    assert model.index(0, 3).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.index(0, problems_column).data() == ""
    listed = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert [text.split(":")[0] for text in listed] == [
        "line 3, column source", "line 3, column amount", "line 3, column region",
    ]
    assert "3 problems" in dialog.summary.text() and not dialog.import_button.isEnabled()
    dialog.problems.setCurrentRow(2)
    assert [index.row() for index in dialog.table.selectionModel().selectedRows()] == [1]
