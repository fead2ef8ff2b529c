"""A line at the top of the window: what the user holds and what expires within 30 days, per currency."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget


class SummaryBar(QWidget):
    """Balances per currency (never added across currencies) and the value expiring soon."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summaryBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.balances_label = QLabel()
        self.balances_label.setObjectName("summaryBalances")
        self.balances_label.setAccessibleName("Usable balances")
        self.expiring_label = QLabel()
        self.expiring_label.setObjectName("summaryExpiring")
        self.expiring_label.setAccessibleName("Expiring in the next 30 days")
        layout.addWidget(self.balances_label)
        layout.addStretch(1)
        layout.addWidget(self.expiring_label)

    def show_rows(self, rows: list[tuple[Any, ...]], today: date) -> None:
        """Recompute the figures from the listed credits."""
        from ledger.money import format_money  # imported once there are credits, after the first frame
        from ledger.overview import overview_of

        figures = overview_of(rows, today)
        money = " · ".join(format_money(value, currency) for currency, value in figures.balances.items())
        self.balances_label.setText(f"Usable: {money}" if money else "No usable credit yet")
        if figures.expiring_soon:
            soon = " · ".join(format_money(value, currency) for currency, value in figures.expiring_soon.items())
            count = figures.expiring_soon_count
            self.expiring_label.setText(f"⚠ Expiring in 30 days: {soon} ({count} credit{'s' if count != 1 else ''})")
            self.expiring_label.setProperty("alert", True)
        else:
            self.expiring_label.setText("Nothing expires in the next 30 days")
            self.expiring_label.setProperty("alert", False)
        self.expiring_label.style().unpolish(self.expiring_label)
        self.expiring_label.style().polish(self.expiring_label)
