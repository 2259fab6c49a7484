"""The audit tab: one business day's out-of-order calls, transfers, no-shows, cancellations,
releases and account lockouts, with who, where and when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from shared.insight.audit import AUDIT_KIND_LABELS, AuditEntry
from supervisor import texts
from supervisor.widgets import DataTable


class AuditView(QWidget):
    """Signals:
    day_requested(date): show the audit of this business day.
    """

    day_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[AuditEntry] = []
        self.day_edit = QDateEdit()
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("dd/MM/yyyy")
        self.show_button = QPushButton(texts.SHOW.line())
        self.show_button.clicked.connect(self._on_show_clicked)
        self.count_label = QLabel()
        self.table = DataTable(
            [
                texts.COL_TIME,
                texts.COL_KIND,
                texts.COL_WHAT,
                texts.COL_COUNTER,
                texts.COL_OFFICER,
                texts.COL_BY,
                texts.COL_REASON,
            ]
        )
        top = QHBoxLayout()
        top.addWidget(QLabel(texts.AUDIT_DAY.line()))
        top.addWidget(self.day_edit)
        top.addWidget(self.show_button)
        top.addStretch(1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def set_day(self, day: dt.date) -> None:
        self.day_edit.setDate(QDate(day.year, day.month, day.day))

    def day(self) -> dt.date:
        d = self.day_edit.date()
        return dt.date(d.year(), d.month(), d.day())

    def show_entries(self, entries: Sequence[AuditEntry]) -> None:
        self.entries = list(entries)
        self.count_label.setText(texts.AUDIT_COUNT.format(count=len(entries)).line())
        rows = []
        for e in entries:
            vi, en = AUDIT_KIND_LABELS[e.kind]
            rows.append(
                (
                    e.local_time,
                    f"{vi} / {en}",
                    f"{e.text_vi} / {e.text_en}",
                    e.counter_number,
                    e.officer_code,
                    e.by,
                    e.reason,
                )
            )
        self.table.set_rows(rows)

    def _on_show_clicked(self) -> None:
        self.day_requested.emit(self.day())
