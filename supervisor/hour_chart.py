"""Today by hour: arrivals and people served as bars, the average wait as a line (QtCharts)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

from shared.insight.metrics import HourMetrics
from supervisor import texts


class HourChart(QChartView):
    """The chart of LiveMetrics.hours; show_hours() replaces what it draws."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(240)
        self.hours: tuple[HourMetrics, ...] = ()
        chart = QChart()
        chart.setTitle(texts.CHART_TITLE.line())
        title_font = QFont(chart.titleFont())
        title_font.setPointSize(11)
        title_font.setBold(True)
        chart.setTitleFont(title_font)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(0)
        self.setChart(chart)
        self._arrivals = QBarSet(texts.SERIES_ARRIVALS.line())
        self._arrivals.setColor(QColor("#5c8ad6"))
        self._served = QBarSet(texts.SERIES_SERVED.line())
        self._served.setColor(QColor("#2e9e5b"))
        self._bars = QBarSeries()
        self._bars.append(self._arrivals)
        self._bars.append(self._served)
        self._wait = QLineSeries()
        self._wait.setName(texts.SERIES_WAIT.line())
        self._wait.setPen(QPen(QColor("#c62828"), 3))
        chart.addSeries(self._bars)
        chart.addSeries(self._wait)
        self._x = QBarCategoryAxis()
        self._people = QValueAxis()
        self._people.setTitleText(texts.AXIS_PEOPLE.line())
        self._people.setLabelFormat("%d")
        self._minutes = QValueAxis()
        self._minutes.setTitleText(texts.AXIS_MINUTES.line())
        self._minutes.setLabelFormat("%d")
        chart.addAxis(self._x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self._people, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(self._minutes, Qt.AlignmentFlag.AlignRight)
        self._bars.attachAxis(self._x)
        self._bars.attachAxis(self._people)
        self._wait.attachAxis(self._x)
        self._wait.attachAxis(self._minutes)

    def show_hours(self, hours: Sequence[HourMetrics]) -> None:
        self.hours = tuple(hours)
        self._arrivals.remove(0, self._arrivals.count())
        self._served.remove(0, self._served.count())
        self._wait.clear()
        self._x.clear()
        self._x.append([f"{h.hour:02d}h" for h in hours] or ["–"])
        top_people = 1
        top_wait = 1.0
        for index, hour in enumerate(hours):
            self._arrivals.append(hour.arrivals)
            self._served.append(hour.served)
            top_people = max(top_people, hour.arrivals, hour.served)
            if hour.average_wait_seconds is not None:
                minutes = hour.average_wait_seconds / 60
                self._wait.append(index, minutes)
                top_wait = max(top_wait, minutes)
        self._people.setRange(0, _nice(top_people))
        self._minutes.setRange(0, _nice(top_wait))
        self._people.applyNiceNumbers()
        self._minutes.applyNiceNumbers()


def _nice(value: float) -> int:
    """A round upper bound for an axis (5, 10, 15, ...)."""
    return max(5, int(-(-value * 1.15 // 5)) * 5)
