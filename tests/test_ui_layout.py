"""The window at awkward sizes and with awkward data: nothing is cut off, money never, and the table
says what its filters left."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QHeaderView, QWidget
from pytestqt.qtbot import QtBot

from ledger.storage.store import NewCredit
from tests.ui_helpers import OFFSCREEN_NOISE, TODAY, make_window, seed
from ui.labels import SOON, URGENT
from ui.window.credit_table import COL_BALANCE, COL_DAYS_LEFT, COL_EXPIRES, COL_STATUS, COL_TITLE
from ui.window.main_window import MainWindow

pytestmark = OFFSCREEN_NOISE

LONG = "X" * 64


def settle(qtbot: QtBot) -> None:
    QApplication.processEvents()
    qtbot.wait(20)


def right_edge_in(widget: QWidget, area: QWidget) -> int:
    return widget.mapTo(area, QPoint(widget.width(), 0)).x()


@pytest.fixture
def narrow(qtbot: QtBot, ledger_path: Path, tmp_path: Path) -> MainWindow:
    seed(
        ledger_path,
        NewCredit(source="refund", currency="USD", amount="25.00", title="Refund for a kettle"),
        NewCredit(source="promotional", currency="USD", amount="92000000000.00", merchant=LONG, reference=LONG,
                  title=LONG, notes=LONG, categories=("Books",), expires_on=TODAY + timedelta(days=20)),
    )
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.resize(800, 500)
    settle(qtbot)
    yield window
    window.close_ledger()


def test_the_detail_panel_fits_beside_the_help_even_with_64_letter_words(qtbot: QtBot, narrow: MainWindow) -> None:
    narrow.resize(1024, 600)
    narrow.show_help()
    narrow.select_credit(2)
    settle(qtbot)
    panel = narrow.detail
    viewport = panel.viewport()
    assert panel.widget().width() <= viewport.width()
    for row in panel.eligibility.rows.values():
        assert row.verdict_label.width() >= row.verdict_label.sizeHint().width(), row.verdict_label.text()
        assert right_edge_in(row.verdict_label, viewport) <= viewport.width()
        assert right_edge_in(row.reason_label, viewport) <= viewport.width()
    for button in (*panel.eligibility.outcome_buttons.values(), panel.archive_button):
        assert right_edge_in(button, viewport) <= viewport.width(), button.text()
    assert panel.reference_label.full_text() == LONG


def test_another_credit_is_shown_from_its_top(qtbot: QtBot, narrow: MainWindow) -> None:
    narrow.select_credit(1)
    settle(qtbot)
    bar = narrow.detail.verticalScrollBar()
    bar.setValue(bar.maximum())
    assert bar.value() > 0
    narrow.select_credit(2)
    assert bar.value() == 0


def test_the_history_note_column_still_stretches_after_a_checkout_check(qtbot: QtBot, narrow: MainWindow) -> None:
    narrow.select_credit(1)
    narrow.detail.eligibility.outcome_buttons["offered"].click()
    settle(qtbot)
    history = narrow.detail.history.table
    header = history.horizontalHeader()
    assert header.sectionResizeMode(4) == QHeaderView.ResizeMode.Stretch
    assert sum(header.sectionSize(column) for column in range(5)) == history.viewport().width()


def test_at_800_by_500_the_table_shows_balance_expiry_days_left_and_status(qtbot: QtBot, narrow: MainWindow) -> None:
    table = narrow.table
    for column in (COL_TITLE, COL_BALANCE, COL_EXPIRES, COL_DAYS_LEFT, COL_STATUS):
        assert not table.isColumnHidden(column)
        left = table.columnViewportPosition(column)
        assert left >= 0 and left + table.columnWidth(column) <= table.viewport().width(), column
    narrow.resize(1280, 760)
    settle(qtbot)
    assert narrow.column_fit.folded() == []


def test_a_huge_balance_is_never_cut(narrow: MainWindow) -> None:
    text = narrow.proxy.index(narrow.model.row_of(2), COL_BALANCE).data()
    assert text == "$92,000,000,000.00"
    assert narrow.table.columnWidth(COL_BALANCE) >= narrow.table.fontMetrics().horizontalAdvance(text) + 12


def test_a_search_without_match_says_so_and_offers_to_clear_it(qtbot: QtBot, narrow: MainWindow) -> None:
    qtbot.keyClicks(narrow.search, "nothing like this")
    feedback = narrow.filter_feedback
    assert narrow.proxy.rowCount() == 0
    assert feedback.message.isVisible()
    assert "No credits match “nothing like this”" in feedback.message_label.text()
    assert narrow.loading_label.text() == "0 of 2 credits shown"
    qtbot.mouseClick(feedback.clear_button, Qt.MouseButton.LeftButton)
    assert narrow.search.text() == ""
    assert not feedback.message.isVisible()
    assert narrow.loading_label.text() == "2 credits"


def test_the_count_leaves_out_archived_credits_like_the_table_does(qtbot: QtBot, narrow: MainWindow) -> None:
    narrow.select_credit(1)
    narrow.credit_actions["archive"].trigger()
    assert narrow.proxy.rowCount() == 1
    assert narrow.loading_label.text() == "1 credit · 1 archived not shown"


@pytest.mark.parametrize(("days", "color"), [(35, None), (48, None), (30, SOON), (8, SOON), (7, URGENT), (0, URGENT)])
def test_days_left_are_coloured_only_while_the_credit_is_expiring(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path, days: int, color: object
) -> None:
    expires = TODAY + timedelta(days=days)
    seed(ledger_path, NewCredit(source="gift_card", currency="USD", amount="5", expires_on=expires))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    cell = window.proxy.index(0, COL_DAYS_LEFT)
    assert cell.data(Qt.ItemDataRole.ForegroundRole) == color
    assert window.proxy.index(0, COL_STATUS).data() == ("Expiring" if color else "Active")
    window.close_ledger()


def test_the_overview_chart_labels_bars_with_money_and_months_with_their_year(
    qtbot: QtBot, ledger_path: Path, tmp_path: Path
) -> None:
    expires = TODAY + timedelta(days=40)
    seed(ledger_path, NewCredit(source="rewards", currency="USD", amount="32.40", expires_on=expires))
    window = make_window(qtbot, ledger_path, tmp_path / "s.ini")
    window.resize(800, 500)
    overview = window.overview
    settle(qtbot)
    assert overview.bar_label_texts() == ["$32.40"]
    months = overview.chart.axes(Qt.Orientation.Horizontal)[0].categories()
    assert months[0].replace("<br>", " ") == "Mar 2025"
    assert "<br>" in months[0]  # too narrow for "Mar 2025" side by side: the year goes underneath
    window.resize(1280, 760)
    settle(qtbot)
    assert window.overview.chart.axes(Qt.Orientation.Horizontal)[0].categories()[0] == "Mar 2025"
    window.close_ledger()
