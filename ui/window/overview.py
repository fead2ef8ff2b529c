"""The Overview tab: balances per currency, what expires within 30 days, and a chart of the next 12 months."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ledger.money import format_money
from ledger.overview import Overview, overview_of

BAR_COLOR = QColor("#c26a00")
# Below this chart width twelve "Dec 2026" labels do not fit side by side.
NARROW_CHART = 900


class OverviewPanel(QWidget):
    """Figures per currency (never summed across currencies) and a bar chart per month for one currency."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overviewPanel")
        layout = QVBoxLayout(self)
        self.figures = QGridLayout()
        layout.addLayout(self.figures)
        chart_bar = QHBoxLayout()
        self.chart_title = QLabel("Value expiring per month, next 12 months")
        self.chart_title.setObjectName("sectionHeading")
        chart_bar.addWidget(self.chart_title)
        chart_bar.addStretch(1)
        chart_bar.addWidget(QLabel("Currency"))
        self.currency_choice = QComboBox()
        self.currency_choice.setAccessibleName("Chart currency")
        self.currency_choice.currentIndexChanged.connect(lambda _n: self._draw_chart())
        chart_bar.addWidget(self.currency_choice)
        layout.addLayout(chart_bar)
        self.chart = QChart()
        self.chart.legend().hide()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setAccessibleName("Chart of value expiring per month")
        self.chart_view.setMinimumHeight(280)
        layout.addWidget(self.chart_view, 1)
        # In the chart's place when the chosen currency has nothing expiring: an empty 0-1 chart says nothing.
        self.nothing_expiring = QLabel()
        self.nothing_expiring.setObjectName("nothingExpiring")
        self.nothing_expiring.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.nothing_expiring.setWordWrap(True)
        self.nothing_expiring.hide()
        layout.addWidget(self.nothing_expiring, 1)
        self.data: Overview | None = None
        self._series: QBarSeries | None = None
        self._bar_labels: list[tuple[int, Decimal, str]] = []
        self._label_items: list[QGraphicsSimpleTextItem] = []
        self.chart.plotAreaChanged.connect(lambda _area: self._place_bar_labels())

    def show_rows(
        self, rows: list[tuple[Any, ...]], today: date, pace_per_day: dict[str, Decimal] | None = None
    ) -> None:
        """Recompute from the listed credits (and the recent spending pace, for what is at risk) and redraw."""
        data = self.data = overview_of(rows, today, pace_per_day=pace_per_day or {})
        self._fill_figures(data)
        current = self.currency_choice.currentText()
        self.currency_choice.blockSignals(True)
        self.currency_choice.clear()
        currencies = data.currencies
        self.currency_choice.addItems(currencies)
        if current in currencies:
            self.currency_choice.setCurrentText(current)
        elif currencies:
            # Start with the currency that has the most about to expire.
            busiest = max(currencies, key=lambda code: sum(m.by_currency.get(code, 0) for m in data.months))
            self.currency_choice.setCurrentText(busiest)
        self.currency_choice.blockSignals(False)
        self._draw_chart()

    def _fill_figures(self, data: Overview) -> None:
        while self.figures.count():
            item = self.figures.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        headers = ("Currency", "Usable balance", "Expiring in the next 30 days", "At risk at your pace")
        for column, text in enumerate(headers):
            label = QLabel(text)
            label.setObjectName("sectionHeading")
            self.figures.addWidget(label, 0, column)
        for row, currency in enumerate(sorted(set(data.balances) | set(data.expiring_soon)), start=1):
            soon = data.expiring_soon.get(currency)
            risk = data.at_risk.get(currency)
            cells = (
                currency,
                format_money(data.balances.get(currency, Decimal(0)), currency),
                format_money(soon, currency) if soon else "—",
                format_money(risk, currency) if risk else "—",
            )
            for column, text in enumerate(cells):
                label = QLabel(text)
                label.setAccessibleName(f"{headers[column]} {currency}")
                if column >= 2 and text != "—":
                    label.setObjectName("alertFigure")
                if column == 3:
                    label.setToolTip(
                        "What will expire before it is spent if you go on spending these credits as in the last "
                        "90 days, the soonest-expiring first"
                    )
                self.figures.addWidget(label, row, column)
        if not data.balances:
            self.figures.addWidget(QLabel("No usable credit."), 1, 0, 1, len(headers))

    def _draw_chart(self) -> None:
        self._series = None
        self._bar_labels = []
        self._place_bar_labels()
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        data = self.data
        currency = self.currency_choice.currentText()
        values = [] if data is None or not currency else [month.by_currency.get(currency) for month in data.months]
        if data is None or not any(values):
            self._say_nothing_expires(currency)
            return
        self.nothing_expiring.hide()
        self.chart_view.show()
        bars = QBarSet(currency)
        bars.setColor(BAR_COLOR)
        # QtCharts draws with floats; the figures shown as text stay exact.
        bars.append([float(value) if value is not None else 0.0 for value in values])
        series = QBarSeries()
        series.append(bars)
        # QtCharts can only print a bar's value as a float ("32.4"); the labels are drawn by us, as money.
        series.setLabelsVisible(False)
        self.chart.addSeries(series)
        months = QBarCategoryAxis()
        # Side by side twelve "Dec 2026" need about 900 px; narrower, the year goes under the month.
        form = "%b %Y" if self.chart_view.width() >= NARROW_CHART else "%b<br>%Y"
        months.append([month.month.strftime(form) for month in data.months])
        self.chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(months)
        amounts = QValueAxis()
        amounts.setTitleText(currency)
        top = max((float(value) for value in values if value is not None), default=0.0)
        amounts.setRange(0, max(top * 1.15, 1.0))
        amounts.applyNiceNumbers()
        amounts.setLabelFormat("%.0f" if amounts.max() >= 10 else "%.2f")
        self.chart.addAxis(amounts, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(amounts)
        self._bar_labels = [
            (index, value, format_money(value, currency)) for index, value in enumerate(values) if value
        ]
        self._series = series
        self._place_bar_labels()

    def _say_nothing_expires(self, currency: str) -> None:
        what = f"No {currency} credit expires" if currency else "No credit expires"
        self.nothing_expiring.setText(
            f"{what} in the next 12 months.\nCredits without an expiry date, or expiring later, are not charted."
        )
        self.chart_view.hide()
        self.nothing_expiring.show()

    def bar_label_texts(self) -> list[str]:
        """The money printed over the bars, left to right (for tests and screen readers)."""
        return [item.text() for item in self._label_items]

    def _place_bar_labels(self) -> None:
        for item in self._label_items:
            self.chart.scene().removeItem(item)
        self._label_items = []
        if self._series is None:
            return
        for index, value, text in self._bar_labels:
            item = QGraphicsSimpleTextItem(text, self.chart)
            # Over the grid lines, on the chart's own white, so a line never strikes through the figure.
            item.setZValue(10)
            box = item.boundingRect()
            backdrop = QGraphicsRectItem(box.adjusted(-2, 0, 2, 0), item)
            backdrop.setBrush(QColor("white"))
            backdrop.setPen(Qt.PenStyle.NoPen)
            backdrop.setFlag(QGraphicsRectItem.GraphicsItemFlag.ItemStacksBehindParent)
            top = self.chart.mapToPosition(QPointF(index, float(value)), self._series)
            item.setPos(top.x() - box.width() / 2, top.y() - box.height() - 2)
            self._label_items.append(item)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        """Redraw for the new width: the month labels turn when they would not fit side by side."""
        super().resizeEvent(event)
        if self.data is not None:
            self._draw_chart()

    def month_values(self, currency: str) -> list[str]:
        """The chart's values for a currency as decimal strings ('0' for none), for tests and screen readers."""
        if self.data is None:
            return []
        return [str(month.by_currency.get(currency, 0)) for month in self.data.months]
