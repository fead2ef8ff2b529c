"""The window's "Plan a purchase…": the plan follows what is typed, says why each credit pays or not (issue 15)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ledger.purchase_candidates import plan_for
from ledger.purchase_plan import Purchase, PurchasePlan
from ledger.storage.store import Ledger, NewCredit
from tests.ui_helpers import OFFSCREEN_NOISE, plan_followed
from ui.dialogs.plan_dialog import PlanDialog

pytestmark = OFFSCREEN_NOISE
TODAY = date(2026, 3, 1)


def test_the_plan_follows_the_purchase_and_says_why_each_credit_pays_or_not(qtbot: QtBot, ledger_path: Path) -> None:
    book = Ledger.open(ledger_path)
    received = TODAY - timedelta(days=10)
    book.add_credit(NewCredit(source="refund", currency="USD", amount="30", title="Kettle refund",
                              received_on=received, expires_on=TODAY + timedelta(days=40)), TODAY)  # fmt: skip
    book.add_credit(NewCredit(source="promotional", currency="USD", amount="10", title="Toy promo",
                              received_on=received, expires_on=TODAY + timedelta(days=5),
                              categories=["Toys"]), TODAY)  # fmt: skip
    dialog = PlanDialog(None, lambda purchase: plan_for(book, purchase, TODAY), TODAY)
    qtbot.addWidget(dialog)
    assert not dialog.record_button.isEnabled()

    qtbot.keyClicks(dialog.amount, "25")
    plan_followed(qtbot, dialog)
    cells = [[dialog.table.item(row, col).text() for col in range(2)] for row in range(dialog.table.rowCount())]
    assert cells == [["Toy promo", "Not used"], ["Kettle refund", "$25.00"]]
    assert "only pays for Toys" in dialog.table.item(0, 3).text()
    assert dialog.summary.text().startswith("Your credits pay all $25.00.")
    assert "$10.00 in USD credits would still expire unused" in dialog.summary.text()
    assert dialog.record_button.isEnabled()

    qtbot.keyClicks(dialog.category, "toys")
    plan_followed(qtbot, dialog)
    cells = [[dialog.table.item(row, col).text() for col in range(2)] for row in range(dialog.table.rowCount())]
    assert cells == [["Toy promo", "$10.00"], ["Kettle refund", "$15.00"]]
    assert "Nothing in USD credits would be left to expire" in dialog.summary.text()

    dialog.amount.setText("2.345")
    plan_followed(qtbot, dialog)
    assert "decimal" in dialog.problem.text() and not dialog.record_button.isEnabled()
    book.close()


def test_typing_an_amount_plans_once_after_the_last_key_and_no_stale_plan_can_be_recorded(
    qtbot: QtBot, ledger_path: Path
) -> None:
    book = Ledger.open(ledger_path)
    book.add_credit(NewCredit(source="refund", currency="USD", amount="500", title="Kettle refund"), TODAY)
    planned: list[int] = []

    def plan(purchase: Purchase) -> PurchasePlan:
        planned.append(purchase.amount_minor)
        return plan_for(book, purchase, TODAY)

    dialog = PlanDialog(None, plan, TODAY)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.amount, "12")
    plan_followed(qtbot, dialog)
    assert planned == [1200] and dialog.record_button.isEnabled()
    qtbot.keyClicks(dialog.amount, "3")
    # Until the plan follows, the one shown (for $12.00) cannot be recorded as if it were for $123.00.
    assert not dialog.record_button.isEnabled()
    plan_followed(qtbot, dialog)
    assert planned == [1200, 12300] and dialog.record_button.isEnabled()
    dialog.amount.clear()
    qtbot.keyClicks(dialog.amount, "123")
    plan_followed(qtbot, dialog)
    assert planned == [1200, 12300, 12300]
    book.close()


def test_recording_a_plan_spends_from_each_credit_at_once_and_one_undo_takes_it_back(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    from decimal import Decimal

    from tests.ui_helpers import make_window, seed
    from ui.window.plan_actions import install_plan_actions

    today = date(2025, 3, 10)  # the test window's day
    first, second = seed(
        ledger_path,
        NewCredit(source="refund", currency="USD", amount="20", title="Soon", expires_on=today + timedelta(days=3)),
        NewCredit(source="refund", currency="USD", amount="50", title="Later"),
    )
    window = make_window(qtbot, ledger_path, tmp_path / "settings.ini")
    plans = install_plan_actions(window)
    assert plans.action in window.edit_menu.actions()
    plans.action.trigger()
    dialog = plans.dialog
    assert dialog is not None and dialog.currency.text() == "USD"
    qtbot.keyClicks(dialog.amount, "30")
    plan_followed(qtbot, dialog)
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.ledger is not None
    assert [window.ledger.detail(i, today).balance for i in (first, second)] == [Decimal("0.00"), Decimal("40.00")]
    assert "Recorded 2 spends" in window.statusBar().currentMessage()

    window.undo_action.trigger()
    assert [window.ledger.detail(i, today).balance for i in (first, second)] == [Decimal("20.00"), Decimal("50.00")]


def test_the_overview_says_what_is_at_risk_at_the_recent_pace(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> None:
    from decimal import Decimal

    from tests.ui_helpers import make_window, seed

    today = date(2025, 3, 10)
    received = today - timedelta(days=60)
    _soon, later, _pounds = seed(
        ledger_path,
        NewCredit(source="refund", currency="USD", amount="30", received_on=received, expires_on=today + timedelta(9)),
        NewCredit(source="refund", currency="USD", amount="100", received_on=received),
        NewCredit(source="refund", currency="GBP", amount="20", region="GB", expires_on=today + timedelta(days=20)),
        today=today,
    )
    book = Ledger.open(ledger_path)
    book.spend(later, "90", today, on=today - timedelta(days=30))  # $1.00 a day over the last 90 days
    book.close()
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    overview = window.overview
    assert overview.data is not None
    # $1.00 a day spends $10.00 of the $30.00 by its day (10 days, today included); GBP is not being spent.
    assert overview.data.at_risk == {"USD": Decimal("20.00"), "GBP": Decimal("20.00")}
    shown = {label.accessibleName(): label.text() for label in overview.findChildren(QLabel)}
    assert shown["At risk at your pace USD"] == "$20.00"
    window.close_ledger()


def test_the_window_the_app_starts_offers_plan_a_purchase_beside_add_credit_and_in_the_edit_menu(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QToolBar

    from tests.ui_helpers import TODAY as WINDOW_TODAY
    from tests.ui_helpers import seed
    from ui.window.main_window import MainWindow
    from ui.window.startup import start_window

    seed(ledger_path, NewCredit(source="refund", currency="USD", amount="20", title="Kettle refund"))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ledger_path, today=lambda: WINDOW_TODAY, settings=settings)
    qtbot.addWidget(window)
    window.show()
    start_window(window, background=False)  # what the app runs once the window is painted
    bar = window.findChild(QToolBar, "filterBar")
    assert bar is not None

    def texts() -> list[str]:
        return [action.text() for action in bar.actions()]

    qtbot.waitUntil(lambda: "Plan a purchase…" in texts(), timeout=5000)
    assert texts().index("Plan a purchase…") == texts().index("Add credit…") + 1
    planning = [action for action in window.edit_menu.actions() if action.text() == "Plan a purchase…"]
    assert len(planning) == 1
    planning[0].trigger()
    dialog = window.findChild(PlanDialog)
    assert dialog is not None and dialog.isVisible() and dialog.currency.text() == "USD"
    dialog.reject()
    window.close_ledger()
