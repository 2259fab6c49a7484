"""Every service's waiting count and longest wait, as the change feed reports them."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter import texts
from shared.queue.queries import CounterQueueView

_DIM = QColor("#7a8591")


class QueuePanel(QFrame):
    """A table of services: waiting count and longest wait (ticking each second).

    Services outside the counter's optional filter are shown dimmed: the officer still sees the
    whole office.

    Signals:
        updated(CounterQueueView): the table now shows this reading.
    """

    updated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self._view: CounterQueueView | None = None
        self._oldest: list[dt.datetime | None] = []

        title = QLabel(texts.QUEUE_TITLE.line())
        title.setObjectName("queueTitle")
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(
            [
                f"{texts.QUEUE_SERVICE.vi}\n{texts.QUEUE_SERVICE.en}",
                f"{texts.QUEUE_WAITING.vi}\n{texts.QUEUE_WAITING.en}",
                f"{texts.QUEUE_LONGEST.vi}\n{texts.QUEUE_LONGEST.en}",
            ]
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setWordWrap(True)
        self.total_label = QLabel()
        self.total_label.setObjectName("queueTitle")
        self.transferred_label = QLabel()
        self.filter_label = QLabel()
        self.filter_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total_label)
        layout.addWidget(self.transferred_label)
        layout.addWidget(self.filter_label)

    @property
    def view(self) -> CounterQueueView | None:
        return self._view

    def waiting(self, service_code: str) -> int | None:
        """The waiting count shown for a service (tests, accessibility)."""
        if self._view is None:
            return None
        for queue in self._view.services:
            if queue.service.code == service_code:
                return queue.waiting
        return None

    def show_queue(self, view: CounterQueueView) -> None:
        self._view = view
        served = set(view.counter.service_codes)
        self.table.setRowCount(len(view.services))
        self._oldest = []
        for row, queue in enumerate(view.services):
            here = not served or queue.service.code in served
            name = f"{queue.service.code} · {queue.service.name_vi}"
            if not here:
                name += f" {texts.QUEUE_NOT_SERVED.vi}"
            cells = (
                QTableWidgetItem(name),
                QTableWidgetItem(str(queue.waiting)),
                QTableWidgetItem(),
            )
            cells[0].setToolTip(queue.service.name_en)
            cells[1].setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            cells[2].setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            for column, cell in enumerate(cells):
                if not here:
                    cell.setForeground(_DIM)
                elif queue.waiting and column == 1:
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                self.table.setItem(row, column, cell)
            oldest = None
            if queue.waiting:
                oldest = view.at - dt.timedelta(seconds=queue.longest_wait_seconds)
            self._oldest.append(oldest)
        self.table.resizeRowsToContents()
        total = sum(q.waiting for q in view.services if not served or q.service.code in served)
        self.total_label.setText(texts.QUEUE_TOTAL.format(count=total).line())
        self.transferred_label.setText(
            texts.QUEUE_TRANSFERRED.format(count=view.transferred_here).line()
        )
        if served:
            codes = ", ".join(view.counter.service_codes)
            self.filter_label.setText(texts.QUEUE_FILTER.format(codes=codes).line())
        else:
            self.filter_label.setText(texts.QUEUE_ALL_SERVICES.line())
        self.tick(view.at)
        self.updated.emit(view)

    def tick(self, now: dt.datetime) -> None:
        for row, oldest in enumerate(self._oldest):
            item = self.table.item(row, 2)
            if item is not None:
                item.setText("–" if oldest is None else texts.since(oldest, now))
