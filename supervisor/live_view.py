"""The live tab: alerts, queues per service, counters, today by hour and the officers."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shared.bilingual import Text
from shared.insight.metrics import CounterActivity, CounterMetrics, LiveMetrics
from supervisor import texts
from supervisor.hour_chart import HourChart
from supervisor.widgets import DataTable


def _title(text: Text) -> QLabel:
    label = QLabel(text.line())
    label.setObjectName("sectionTitle")
    return label


class LiveView(QWidget):
    """Signals:
    release_requested(int): release this counter (asked from its row in the counters table).
    unlock_requested(str): unlock this officer's account.
    """

    release_requested = Signal(int)
    unlock_requested = Signal(str)
    hint = Signal(object)  # a Text saying what is missing

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.metrics: LiveMetrics | None = None
        self.alerts_label = QLabel()
        self.alerts_label.setObjectName("alerts")
        self.alerts_label.setWordWrap(True)
        self.services_table = DataTable(
            [
                texts.COL_SERVICE,
                texts.COL_WAITING,
                texts.COL_LONGEST,
                texts.COL_AVG_WAIT,
                texts.COL_P90_WAIT,
                texts.COL_SERVED,
                texts.COL_NO_SHOW,
            ]
        )
        self.counters_table = DataTable(
            [
                texts.COL_COUNTER,
                texts.COL_STATE,
                texts.COL_OFFICER,
                texts.COL_TICKET,
                texts.COL_FOR,
                texts.COL_WAITING,
            ]
        )
        self.officers_table = DataTable(
            [
                texts.COL_OFFICER,
                texts.COL_NAME,
                texts.COL_SERVED,
                texts.COL_AVG_SERVICE,
                texts.COL_IDLE,
            ]
        )
        # A text column of each table takes what the numbers leave (cut short with "…" on a
        # 1366-pixel screen) instead of pushing the last columns out of sight.
        for table, column in (
            (self.services_table, 0),
            (self.counters_table, 1),
            (self.officers_table, 1),
        ):
            header = table.horizontalHeader()
            header.setStretchLastSection(False)
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.chart = HourChart()
        self.release_button = QPushButton(texts.RELEASE.line())
        self.release_button.clicked.connect(self._on_release_clicked)
        self.unlock_edit = QLineEdit()
        self.unlock_edit.setPlaceholderText(texts.OFFICER_CODE.line())
        self.unlock_button = QPushButton(texts.UNLOCK.line())
        self.unlock_button.clicked.connect(self._on_unlock_clicked)
        self._counter_numbers: list[int] = []

        counters_box = QVBoxLayout()
        counters_box.addWidget(_title(texts.COUNTERS))
        counters_box.addWidget(self.counters_table, 1)
        counters_box.addWidget(self.release_button)
        services_box = QVBoxLayout()
        services_box.addWidget(_title(texts.SERVICES))
        services_box.addWidget(self.services_table, 1)
        officers_box = QVBoxLayout()
        officers_box.addWidget(_title(texts.OFFICERS))
        officers_box.addWidget(self.officers_table, 1)
        unlock_row = QHBoxLayout()
        unlock_row.addWidget(self.unlock_edit, 1)
        unlock_row.addWidget(self.unlock_button)
        officers_box.addLayout(unlock_row)

        grid = QGridLayout()
        grid.addLayout(services_box, 0, 0)
        grid.addLayout(counters_box, 0, 1)
        grid.addWidget(self.chart, 1, 0)
        grid.addLayout(officers_box, 1, 1)
        grid.setColumnStretch(0, 11)
        grid.setColumnStretch(1, 9)
        grid.setRowStretch(0, 1)
        grid.setRowStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.alerts_label)
        layout.addLayout(grid, 1)
        self._show_alerts(())

    def show_metrics(self, metrics: LiveMetrics) -> None:
        self.metrics = metrics
        self._show_alerts(tuple(a.text for a in metrics.alerts))
        self.services_table.set_rows(
            [
                (
                    f"{s.code} – {s.name_vi}",
                    s.waiting,
                    texts.duration(s.longest_wait_seconds) if s.waiting else None,
                    texts.duration(s.average_wait_seconds),
                    texts.duration(s.p90_wait_seconds),
                    s.served,
                    s.no_show,
                )
                for s in metrics.services
            ]
        )
        self._counter_numbers = [c.number for c in metrics.counters]
        self.counters_table.set_rows([_counter_row(c) for c in metrics.counters])
        self.officers_table.set_rows(
            [
                (
                    o.code,
                    o.full_name,
                    o.served,
                    texts.duration(o.average_service_seconds),
                    texts.duration(o.idle_seconds),
                )
                for o in metrics.officers
            ]
        )
        self.chart.show_hours(metrics.hours)

    def _show_alerts(self, alerts: tuple[str, ...]) -> None:
        label = self.alerts_label
        if alerts:
            head = f"⚠ {texts.ALERTS.line()} ({len(alerts)})"
            body = "<br>".join(f"• {html.escape(a)}" for a in alerts)
            label.setText(f"{head}<br>{body}")
        else:
            label.setText(f"✓ {texts.NO_ALERTS.line()}")
        label.setProperty("alerting", "true" if alerts else "false")
        label.style().unpolish(label)
        label.style().polish(label)

    def selected_counter(self) -> int | None:
        row = self.counters_table.currentRow()
        if 0 <= row < len(self._counter_numbers):
            return self._counter_numbers[row]
        return None

    def _on_release_clicked(self) -> None:
        number = self.selected_counter()
        if number is None:
            self.hint.emit(texts.SELECT_COUNTER)
        else:
            self.release_requested.emit(number)

    def _on_unlock_clicked(self) -> None:
        code = self.unlock_edit.text().strip()
        if not code:
            self.hint.emit(texts.ENTER_CODE)
        else:
            self.unlock_requested.emit(code)


def _counter_row(c: CounterMetrics) -> tuple[object, ...]:
    state = texts.ACTIVITY[str(c.activity)]
    state_text = state.line()
    if c.activity is CounterActivity.PAUSED and c.pause_reason:
        state_text += f": {c.pause_reason}"
    seconds = c.ticket_seconds if c.activity is CounterActivity.SERVING else c.idle_seconds
    return (
        c.number,
        state_text,
        c.officer_code,
        c.ticket_number,
        texts.duration(seconds) if seconds is not None else None,
        c.waiting_for_it,
    )
