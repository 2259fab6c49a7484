"""The reports tab: a range of days, a grouping, the table, and its CSV and Excel exports.

The table shows the cells of shared.insight.export's CSV form, so what is on screen is exactly what
every export writes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shared.insight.export import csv_text
from shared.insight.reports import GROUPING_LABELS, Grouping, Report
from supervisor import texts
from supervisor.widgets import DataTable


@dataclass(frozen=True, slots=True)
class ReportRequest:
    date_from: dt.date
    date_to: dt.date
    by: Grouping


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class ReportsView(QWidget):
    """Signals:
    report_requested(ReportRequest): run the report.
    export_requested(str, str): write the shown report as "csv" or "xlsx" to this path.
    """

    report_requested = Signal(object)
    export_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: Report | None = None
        self.from_edit = QDateEdit()
        self.to_edit = QDateEdit()
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.group_box = QComboBox()
        for grouping in Grouping:
            vi, en = GROUPING_LABELS[grouping]
            self.group_box.addItem(f"{vi} / {en}", grouping)
        self.run_button = QPushButton(texts.RUN_REPORT.line())
        self.run_button.setObjectName("primary")
        self.run_button.clicked.connect(self._on_run_clicked)
        self.csv_button = QPushButton(texts.EXPORT_CSV.line())
        self.xlsx_button = QPushButton(texts.EXPORT_XLSX.line())
        self.csv_button.clicked.connect(lambda: self._on_export_clicked("csv"))
        self.xlsx_button.clicked.connect(lambda: self._on_export_clicked("xlsx"))
        self.table = DataTable([])
        top = QHBoxLayout()
        for text, widget in (
            (texts.DATE_FROM, self.from_edit),
            (texts.DATE_TO, self.to_edit),
            (texts.GROUP_BY, self.group_box),
        ):
            top.addWidget(QLabel(text.line()))
            top.addWidget(widget)
        top.addWidget(self.run_button)
        top.addStretch(1)
        # The exports on a line of their own: one line of everything is wider than 1366 pixels.
        exports = QHBoxLayout()
        exports.addStretch(1)
        exports.addWidget(self.csv_button)
        exports.addWidget(self.xlsx_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(exports)
        layout.addWidget(self.table, 1)
        self._update_buttons()

    def set_range(self, date_from: dt.date, date_to: dt.date) -> None:
        self.from_edit.setDate(_qdate(date_from))
        self.to_edit.setDate(_qdate(date_to))

    def set_grouping(self, by: Grouping) -> None:
        self.group_box.setCurrentIndex(self.group_box.findData(by))

    def request(self) -> ReportRequest:
        return ReportRequest(
            _date(self.from_edit.date()), _date(self.to_edit.date()), self.group_box.currentData()
        )

    def show_report(self, report: Report) -> None:
        self.report = report
        rows = list(csv.reader(io.StringIO(csv_text(report))))
        self.table.set_headers([h.replace(" / ", "\n", 1) for h in rows[0]])
        self.table.set_rows(rows[1:])
        self._update_buttons()

    def table_rows(self) -> list[list[str]]:
        return [
            [self.table.cell_text(r, c) for c in range(self.table.columnCount())]
            for r in range(self.table.rowCount())
        ]

    def _update_buttons(self) -> None:
        self.csv_button.setEnabled(self.report is not None)
        self.xlsx_button.setEnabled(self.report is not None)

    def _on_run_clicked(self) -> None:
        self.report_requested.emit(self.request())

    def _on_export_clicked(self, kind: str) -> None:
        if self.report is None:
            return
        r = self.report
        name = f"bao-cao-{r.by}-{r.date_from.isoformat()}-{r.date_to.isoformat()}.{kind}"
        pattern = "CSV (*.csv)" if kind == "csv" else "Excel (*.xlsx)"
        path, _ = QFileDialog.getSaveFileName(self, texts.EXPORT_CSV.line(), name, pattern)
        if path:
            self.export_requested.emit(kind, path)
