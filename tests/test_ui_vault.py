"""Claim codes in the window: masked and locked, Reveal and Copy unlock on demand, idle lock, clipboard, dialogs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from ledger.storage.settings import Settings, load_settings, save_settings
from ledger.storage.store import Ledger, NewCredit
from ledger.vault.codes import reveal_code
from ledger.vault.ledger_key import Ask, key_for_sealing, never_ask, unlock
from tests.keyring_fixtures import use_no_keyring
from tests.test_vault import files_holding
from tests.ui_helpers import OFFSCREEN_NOISE, TODAY, make_window
from ui.dialogs.credit_dialog import CreditDialog
from ui.dialogs.passphrase_dialog import PassphraseDialog
from ui.dialogs.settings_dialog import SettingsDialog
from ui.files.import_dialog import ImportDialog
from ui.files.transfer_actions import TransferActions
from ui.window.credit_actions import CreditActions
from ui.window.main_window import MainWindow
from ui.window.vault_session import CLIPBOARD_CLEAR_MS, VaultSession

pytestmark = OFFSCREEN_NOISE
CODE = "GIFT-7Q4K-ZX9P-2MWL"
PASSPHRASE = "correct horse battery"
CARD = NewCredit(source="gift_card", currency="USD", amount="50", title="Birthday card", received_on=TODAY)


def seed_code(path: Path, code: str = CODE, passphrase: str | None = None) -> int:
    """A credit with a stored claim code; under `passphrase` when given (else the keyring's key)."""
    book = Ledger.open(path)
    try:
        key = key_for_sealing(book, (lambda _question: passphrase) if passphrase else never_ask)
        return book.add_credit(replace(CARD, claim_code=code), TODAY, key)
    finally:
        book.close()


@pytest.fixture
def window(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> Iterator[MainWindow]:
    shown = make_window(qtbot, ledger_path, tmp_path / "settings.ini")
    yield shown
    shown.close_ledger()


def actions(window: MainWindow) -> CreditActions:
    assert window.actions_ is not None
    return window.actions_


def vault(window: MainWindow) -> VaultSession:
    return actions(window).vault


def click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def press_ok(dialog: CreditDialog | PassphraseDialog) -> None:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled(), dialog.validate()
    ok.click()


def open_window_on(qtbot: QtBot, path: Path, tmp_path: Path, credit_id: int) -> MainWindow:
    shown = make_window(qtbot, path, tmp_path / "settings.ini")
    shown.select_credit(credit_id)
    return shown


def test_the_panel_masks_a_stored_code_and_reveal_unlocks_it_from_the_keyring(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    credit_id = seed_code(ledger_path)
    window = open_window_on(qtbot, ledger_path, tmp_path, credit_id)
    detail = window.detail
    assert detail.figures.isRowVisible(detail.code_row)
    assert CODE not in detail.code_label.text() and "locked" in detail.code_label.text()
    click(qtbot, detail.reveal_code_button)
    assert detail.code_label.text() == CODE and detail.reveal_code_button.text() == "Hide"
    click(qtbot, detail.reveal_code_button)
    assert CODE not in detail.code_label.text()
    window.close_ledger()


def test_the_claim_code_is_revealed_and_copied_by_keyboard_too(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> None:
    credit_id = seed_code(ledger_path)
    window = open_window_on(qtbot, ledger_path, tmp_path, credit_id)
    detail = window.detail
    assert detail.reveal_code_action in window.edit_menu.actions()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert detail.code_label.text() == CODE and detail.reveal_code_button.text() == "Hide"
    qtbot.keyClick(window.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert CODE not in detail.code_label.text()
    qtbot.keyClick(window.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert QGuiApplication.clipboard().text() == CODE
    vault(window).clear_clipboard()
    window.close_ledger()


def test_a_credit_without_a_code_shows_no_code_row(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> None:
    book = Ledger.open(ledger_path)
    credit_id = book.add_credit(CARD, TODAY)
    book.close()
    window = open_window_on(qtbot, ledger_path, tmp_path, credit_id)
    assert not window.detail.figures.isRowVisible(window.detail.code_row)
    window.close_ledger()


def test_copy_puts_the_code_on_the_clipboard_and_clears_it_later_only_if_it_is_still_there(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    credit_id = seed_code(ledger_path)
    window = open_window_on(qtbot, ledger_path, tmp_path, credit_id)
    session = vault(window)
    clipboard = QGuiApplication.clipboard()
    click(qtbot, window.detail.copy_code_button)
    assert clipboard.text() == CODE
    assert clipboard.mimeData().data("x-kde-passwordManagerHint").data() == b"secret"
    assert session.clipboard_timer.isActive() and session.clipboard_timer.interval() == CLIPBOARD_CLEAR_MS == 30_000
    assert CODE not in window.detail.code_label.text()  # copying does not show it
    session.clear_clipboard()  # what the timer does after 30 seconds
    assert clipboard.text() == ""
    click(qtbot, window.detail.copy_code_button)
    clipboard.setText("something the user copied since")
    session.clear_clipboard()
    assert clipboard.text() == "something the user copied since"
    window.close_ledger()


def test_without_a_keyring_reveal_asks_for_the_passphrase_and_a_wrong_one_reveals_nothing(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    use_no_keyring()
    credit_id = seed_code(ledger_path, passphrase=PASSPHRASE)
    window = open_window_on(qtbot, ledger_path, tmp_path, credit_id)
    click(qtbot, window.detail.reveal_code_button)
    dialog = vault(window).dialog
    assert isinstance(dialog, PassphraseDialog) and dialog.isVisible() and not dialog.new
    qtbot.keyClicks(dialog.first, "wrong horse battery")
    press_ok(dialog)
    box = dialog.findChild(QMessageBox)
    assert box is not None and "does not unlock the claim codes; nothing was revealed" in box.text()
    box.close()
    assert dialog.isVisible() and CODE not in window.detail.code_label.text()
    dialog.first.setText(PASSPHRASE)
    press_ok(dialog)
    assert not dialog.isVisible() and window.detail.code_label.text() == CODE
    window.close_ledger()


def test_the_codes_lock_again_after_the_idle_minutes_set(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> None:
    credit_id = seed_code(ledger_path)
    book = Ledger.open(ledger_path)
    save_settings(book, replace(load_settings(book), lock_codes_after_minutes=3))
    book.close()
    window = open_window_on(qtbot, ledger_path, tmp_path, credit_id)
    session = vault(window)
    click(qtbot, window.detail.reveal_code_button)
    assert session.key is not None and session.idle_timer.isActive() and session.idle_timer.interval() == 180_000
    session.lock()  # what the idle timer does once three minutes pass without a key or a click
    assert session.key is None and CODE not in window.detail.code_label.text()
    assert window.detail.reveal_code_button.text() == "Reveal"
    window.close_ledger()


def test_with_auto_lock_off_no_idle_timer_runs(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> None:
    credit_id = seed_code(ledger_path)
    book = Ledger.open(ledger_path)
    save_settings(book, replace(load_settings(book), lock_codes_after_minutes=0))
    book.close()
    window = open_window_on(qtbot, ledger_path, tmp_path, credit_id)
    click(qtbot, window.detail.reveal_code_button)
    assert vault(window).key is not None and not vault(window).idle_timer.isActive()
    window.close_ledger()


def test_the_settings_dialog_sets_when_codes_lock_again(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    assert dialog.lock_codes_after.value() == 10
    dialog.lock_codes_after.setValue(0)
    assert dialog.lock_codes_after.text() == "Never (until Credit Ledger quits)"
    assert dialog.chosen().lock_codes_after_minutes == 0


def test_editing_other_fields_keeps_the_stored_code_and_removing_it_is_explicit(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    credit_id = seed_code(ledger_path)
    window = open_window_on(qtbot, ledger_path, tmp_path, credit_id)
    actions(window).edit()
    dialog = actions(window).dialog
    assert isinstance(dialog, CreditDialog)
    assert dialog.claim_code.text() == "" and "A code is stored" in dialog.claim_code.placeholderText()
    dialog.title.setText("Renamed card")
    press_ok(dialog)
    assert reveal_code(window.ledger, credit_id, unlock(window.ledger, never_ask)) == CODE  # type: ignore[arg-type]
    actions(window).edit()
    dialog = actions(window).dialog
    assert isinstance(dialog, CreditDialog)
    dialog.remove_code.setChecked(True)
    assert not dialog.claim_code.isEnabled()
    press_ok(dialog)
    assert reveal_code(window.ledger, credit_id, unlock(window.ledger, never_ask)) is None  # type: ignore[arg-type]
    assert not window.detail.figures.isRowVisible(window.detail.code_row)
    window.close_ledger()


def test_a_code_typed_in_the_add_dialog_is_stored_only_sealed(qtbot: QtBot, window: MainWindow) -> None:
    actions(window).add()
    dialog = actions(window).dialog
    assert isinstance(dialog, CreditDialog)
    qtbot.keyClicks(dialog.title, "New card")
    qtbot.keyClicks(dialog.amount, "25")
    qtbot.keyClicks(dialog.claim_code, CODE)
    press_ok(dialog)
    assert not dialog.isVisible()
    credit_id = window.detail.credit_id
    assert credit_id is not None
    assert reveal_code(window.ledger, credit_id, unlock(window.ledger, never_ask)) == CODE  # type: ignore[arg-type]
    assert files_holding(window.path.parent, CODE) == []


def test_without_a_keyring_a_code_in_the_add_dialog_waits_for_a_chosen_passphrase(
    qtbot: QtBot, window: MainWindow
) -> None:
    use_no_keyring()
    actions(window).add()
    dialog = actions(window).dialog
    assert isinstance(dialog, CreditDialog)
    qtbot.keyClicks(dialog.amount, "25")
    qtbot.keyClicks(dialog.claim_code, CODE)
    press_ok(dialog)
    asked = vault(window).dialog
    assert isinstance(asked, PassphraseDialog) and asked.new and dialog.isVisible()
    assert window.model.total_count() == 0  # nothing saved while the passphrase is chosen
    qtbot.keyClicks(asked.first, PASSPHRASE)
    qtbot.keyClicks(asked.again, PASSPHRASE)
    press_ok(asked)
    assert not dialog.isVisible() and window.model.total_count() == 1
    credit_id = window.detail.credit_id
    assert credit_id is not None
    key = unlock(window.ledger, lambda _question: PASSPHRASE)  # type: ignore[arg-type]
    assert reveal_code(window.ledger, credit_id, key) == CODE  # type: ignore[arg-type]


def test_a_json_export_from_the_window_takes_the_codes_only_sealed_and_the_import_brings_them_back(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    seed_code(ledger_path)
    window = open_window_on(qtbot, ledger_path, tmp_path, 1)
    transfer = TransferActions(window)
    target = tmp_path / "out" / "ledger.json"
    target.parent.mkdir()
    box = transfer.choose_codes(target, "json")
    assert box is not None and "1 claim code" in box.text()
    include = next(button for button in box.buttons() if button.text() == "Include, encrypted…")
    include.click()
    dialog = transfer.dialog
    assert isinstance(dialog, PassphraseDialog) and dialog.new
    dialog.first.setText(PASSPHRASE)
    dialog.again.setText(PASSPHRASE)
    press_ok(dialog)
    qtbot.waitUntil(target.exists, timeout=20_000)
    assert CODE not in target.read_text(encoding="utf-8")
    assert json.loads(target.read_text(encoding="utf-8"))["claim_codes"]["kdf"] == "scrypt"
    window.close_ledger()

    other = tmp_path / "other" / "ledger.sqlite3"
    other.parent.mkdir()
    second = make_window(qtbot, other, tmp_path / "other.ini")
    importer = TransferActions(second).start_import(target)
    assert isinstance(importer, ImportDialog)
    qtbot.waitUntil(importer.import_button.isEnabled, timeout=10_000)
    click(qtbot, importer.import_button)
    asked = importer.passphrase_dialog
    assert isinstance(asked, PassphraseDialog)
    asked.first.setText("wrong horse battery")
    press_ok(asked)
    wrong = asked.findChild(QMessageBox)
    assert wrong is not None and "nothing was imported" in wrong.text()
    wrong.close()
    asked.first.setText(PASSPHRASE)
    with qtbot.waitSignal(second.ledger_changed, timeout=20_000):
        press_ok(asked)
    key = unlock(second.ledger, never_ask)  # type: ignore[arg-type]
    assert reveal_code(second.ledger, 1, key) == CODE  # type: ignore[arg-type]
    second.close_ledger()


def test_a_passphrase_dialog_for_a_new_passphrase_wants_it_twice_and_long_enough(qtbot: QtBot) -> None:
    dialog = PassphraseDialog(None, "Protect", Ask("Choose one", new=True).prompt, new=True)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.first.setText("short")
    assert not ok.isEnabled()
    dialog.first.setText(PASSPHRASE)
    dialog.again.setText(PASSPHRASE + "!")
    assert not ok.isEnabled() and "differ" in " ".join(dialog.validate())
    dialog.again.setText(PASSPHRASE)
    assert ok.isEnabled()
