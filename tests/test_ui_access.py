"""Every dialog by keyboard and screen reader: Tab reaches each control once, in reading order, and each control
has a name an assistive technology can say (issue 12)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from ledger.purchase_candidates import plan_for
from ledger.storage.settings import Settings
from ledger.storage.store import Ledger, NewCredit
from tests.ui_helpers import OFFSCREEN_NOISE, TODAY, make_window, plan_followed, seed
from ui.dialogs.credit_dialog import CreditDialog
from ui.dialogs.movement_dialog import MovementDialog
from ui.dialogs.passphrase_dialog import PassphraseDialog
from ui.dialogs.plan_dialog import PlanDialog
from ui.dialogs.settings_dialog import SettingsDialog
from ui.files.backup_dialog import BackupDialog
from ui.files.import_dialog import ImportDialog
from ui.reminders.reminder_service import ReminderService, install_reminders
from ui.window.main_window import MainWindow

pytestmark = OFFSCREEN_NOISE
pytest_plugins = ("tests.dbus_fixtures",)
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
# How far two controls' tops may differ and still be on one line of the dialog.
SAME_LINE = 8


def name_of(widget: QWidget) -> str:
    """What a screen reader says the control is: its accessible name, or, where Qt names a control by what it
    holds (a list box on Linux is named by its chosen item), the label that labels it (its buddy)."""
    accessible = QAccessible.queryAccessibleInterface(widget)
    assert accessible is not None
    name = accessible.text(QAccessible.Text.Name).strip()
    if name and name != accessible.text(QAccessible.Text.Value).strip():
        return name
    labelled_by = accessible.relations(QAccessible.Relation.Label)
    labels = [label.text(QAccessible.Text.Name).strip() for label, _ in labelled_by]
    return next((label for label in labels if label), "")


def value_of(widget: QWidget) -> str:
    """What a screen reader says the control holds (the chosen item, the text typed)."""
    accessible = QAccessible.queryAccessibleInterface(widget)
    assert accessible is not None
    return accessible.text(QAccessible.Text.Value).strip()


def tab_chain(qtbot: QtBot, dialog: QWidget) -> list[QWidget]:
    """The controls Tab visits, as a user pressing it sees them, from the one with focus until it comes back."""
    if not dialog.isVisible():
        dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    first = QApplication.focusWidget()
    assert first is not None and first.window() is dialog, (
        f"nothing in the dialog has the keyboard: {QApplication.activeWindow()} {first}"
    )
    chain = [first]
    stayed = 0
    for _ in range(200):
        qtbot.keyClick(chain[-1], Qt.Key.Key_Tab)
        here = QApplication.focusWidget()
        assert here is not None and here.window() is dialog, f"Tab left the dialog after {name_of(chain[-1])!r}"
        if here is chain[-1]:
            # A time field takes Tab from its hours to its minutes first; a control that never lets go traps it.
            stayed += 1
            if stayed == 5 and focusable(dialog) == {here}:
                return chain  # the only control: Tab has nowhere else to go
            assert stayed < 5, f"Tab is trapped in {name_of(here)!r} ({type(here).__name__})"
            continue
        stayed = 0
        if here is first:
            return chain
        assert here not in chain, f"Tab goes round without coming back to {name_of(first)!r}: {name_of(here)!r}"
        chain.append(here)
    raise AssertionError("Tab never came back to where it started")


def focusable(dialog: QWidget) -> set[QWidget]:
    """The controls a keyboard user should reach: shown, enabled, and taking focus by Tab."""
    return {
        widget
        for widget in dialog.findChildren(QWidget)
        if widget.isVisibleTo(dialog)
        and widget.isEnabled()
        and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        and widget.focusProxy() is None
    }


def top_left(widget: QWidget, dialog: QWidget) -> tuple[int, int]:
    point = widget.mapTo(dialog, QPoint(0, 0))
    return point.y(), point.x()


def check_dialog(qtbot: QtBot, dialog: QWidget) -> list[str]:
    """Walk the dialog by Tab; every problem a keyboard or screen-reader user would meet, in words."""
    chain = tab_chain(qtbot, dialog)
    problems = [
        f"{type(widget).__name__} holding {value_of(widget)!r} has no accessible name"
        for widget in chain
        if not name_of(widget)
    ]
    missed = focusable(dialog) - set(chain)
    problems += [f"Tab never reaches {name_of(widget)!r} ({type(widget).__name__})" for widget in missed]
    # Reading order: start at the top-left control and go round once; each step goes down, or right on its line.
    start = min(range(len(chain)), key=lambda index: top_left(chain[index], dialog))
    ordered = chain[start:] + chain[:start]
    for before, after in pairwise(ordered):
        (y0, x0), (y1, x1) = top_left(before, dialog), top_left(after, dialog)
        if y1 < y0 - SAME_LINE or (abs(y1 - y0) <= SAME_LINE and x1 < x0):
            problems.append(f"Tab goes back from {name_of(before)!r} to {name_of(after)!r}")
    return problems


def walked(qtbot: QtBot, dialog: QWidget) -> None:
    problems = check_dialog(qtbot, dialog)
    assert problems == [], "\n".join(problems)


# --- the dialogs ---------------------------------------------------------------------------------


@pytest.fixture
def window(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> MainWindow:
    seed(ledger_path, NewCredit(source="gift_card", currency="USD", amount="30", title="Birthday card",
                                expires_on=date(2025, 12, 31)))  # fmt: skip
    return make_window(qtbot, ledger_path, tmp_path / "settings.ini")


def test_the_add_dialog(qtbot: QtBot) -> None:
    dialog = CreditDialog(None, TODAY)
    qtbot.addWidget(dialog)
    walked(qtbot, dialog)


def test_the_edit_dialog_with_every_part_open(qtbot: QtBot, ledger: Ledger) -> None:
    credit_id = ledger.add_credit(
        NewCredit(source="promotional", currency="USD", amount="10", categories=("Books",), terms="Books only",
                  expires_on=date(2025, 6, 1)), TODAY)  # fmt: skip
    credit = ledger.detail(credit_id, TODAY).credit
    dialog = CreditDialog(None, TODAY, existing=credit, amount=Decimal(10))
    qtbot.addWidget(dialog)
    dialog.terms_uses.toggle.setChecked(True)
    walked(qtbot, dialog)


def test_the_spend_dialog(qtbot: QtBot) -> None:
    dialog = MovementDialog(None, kind="spend", currency="USD", limit=Decimal(30), received_on=TODAY, today=TODAY,
                            title="Birthday card")  # fmt: skip
    qtbot.addWidget(dialog)
    walked(qtbot, dialog)


@pytest.mark.parametrize("new", [False, True], ids=["unlock", "choose"])
def test_the_passphrase_dialogs(qtbot: QtBot, new: bool) -> None:
    dialog = PassphraseDialog(None, "Claim codes", "Type the passphrase that protects the claim codes.", new=new)
    qtbot.addWidget(dialog)
    walked(qtbot, dialog)


def test_the_settings_dialog(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    walked(qtbot, dialog)


def test_the_plan_dialog(qtbot: QtBot, ledger: Ledger) -> None:
    ledger.add_credit(NewCredit(source="refund", currency="USD", amount="30", title="Kettle refund"), TODAY)
    dialog = PlanDialog(None, lambda purchase: plan_for(ledger, purchase, TODAY), TODAY)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.amount, "25")
    plan_followed(qtbot, dialog)
    walked(qtbot, dialog)


def test_the_import_preview(qtbot: QtBot, ledger: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "credits.csv"
    path.write_text("source,currency,amount\ngift_card,USD,25\nvoucher,USD,5\n", encoding="utf-8")
    dialog = ImportDialog(None, ledger, path, lambda: NOW, held_credits=0)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)
    walked(qtbot, dialog)


def test_the_backups_dialog(qtbot: QtBot, window: MainWindow) -> None:
    dialog = BackupDialog(window, now=lambda: NOW)
    qtbot.addWidget(dialog)
    dialog.back_up()
    walked(qtbot, dialog)


def test_the_delete_question(qtbot: QtBot, window: MainWindow) -> None:
    window.select_credit(1)
    window.credit_actions["delete"].trigger()
    box = window.actions_.confirmation
    assert isinstance(box, QDialog)
    walked(qtbot, box)
    box.reject()


@pytest.fixture
def reminders(qtbot: QtBot, ledger_path: Path, tmp_path: Path, session_bus: str) -> Iterator[ReminderService]:
    seed(ledger_path, NewCredit(source="gift_card", currency="USD", amount="30", title="Birthday card",
                                expires_on=date(2025, 12, 31)))  # fmt: skip
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ledger_path, today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    service = install_reminders(window, now=lambda: NOW)
    window.show()
    window.open_ledger()
    yield service
    service.shutdown()


def test_the_snooze_dialog(qtbot: QtBot, reminders: ReminderService) -> None:
    assert reminders.window.select_credit(1)
    dialog = reminders.snooze_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    walked(qtbot, dialog)



# --- the main window ---------------------------------------------------------------------------------


@pytest.fixture
def everyday(qtbot: QtBot, ledger_path: Path, tmp_path: Path, session_bus: str) -> Iterator[MainWindow]:
    """The main window with reminders, on a credit with terms, notes, a spend and a checkout observation."""
    book = Ledger.open(ledger_path)
    book.add_credit(NewCredit(source="promotional", currency="USD", amount="30", title="Spring promo",
                              terms="Items sold by Amazon only.", notes="From the newsletter",
                              expires_on=date(2025, 12, 31)), TODAY)  # fmt: skip
    book.spend(1, "5", TODAY, note="Tea")
    book.record_check(1, "general_purchases", "offered")
    book.close()
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ledger_path, today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    service = install_reminders(window, now=lambda: NOW)
    window.show()
    window.open_ledger()
    assert window.select_credit(1)
    yield window
    service.shutdown()
    window.close_ledger()


def test_the_main_window_by_tab_goes_table_filters_panel_and_back_and_names_every_stop(
    qtbot: QtBot, everyday: MainWindow
) -> None:
    window, panel = everyday, everyday.detail
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.table.setFocus()
    chain = tab_chain(qtbot, window)
    nameless = [f"{type(widget).__name__} holding {value_of(widget)!r}" for widget in chain if not name_of(widget)]
    assert nameless == []
    missed = focusable(window) - set(chain)
    assert [f"{name_of(widget)} ({type(widget).__name__})" for widget in missed] == []
    # The order: the table, the search and the filters, every stop in the panel, (the tab bar) and the table again.
    assert chain[:4] == [window.table, window.search, window.status_filter, window.source_filter]
    in_panel = [widget for widget in chain[4:] if panel.isAncestorOf(widget) or widget is panel]
    assert chain[4 : 4 + len(in_panel)] == in_panel
    assert chain[4 + len(in_panel) :] in ([], [window.tabs.tabBar()])
    names = [name_of(widget) for widget in in_panel]
    for expected in ("Terms", "Notes", "Record a spend", "Snooze reminders", "Mute reminders", "I tried at checkout:",
                     "Checkout showed the credit as offered", "Recorded at checkout", "Entry history"):  # fmt: skip
        assert expected in names, names
    # What Tab does is what the focus chain says: nextInFocusChain, keeping the stops a keyboard user has.
    following, widget = [], window.table.nextInFocusChain()
    while widget is not window.table:
        if widget in focusable(window):
            following.append(widget)
        widget = widget.nextInFocusChain()
    assert following == chain[1:]


def test_choosing_a_movement_in_history_adds_its_correct_and_remove_buttons_to_the_tab_order(
    qtbot: QtBot, everyday: MainWindow
) -> None:
    history = everyday.detail.history
    history.table.setFocus()
    history.table.selectRow(0)  # the spend
    chain = tab_chain(qtbot, everyday)
    assert chain[:3] == [history.table, history.correct_button, history.remove_button]
    assert [name_of(button) for button in chain[1:3]] == [
        "Correct the chosen spend or refund", "Remove the chosen spend or refund"
    ]  # fmt: skip
