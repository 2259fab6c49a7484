"""Small widgets every tab of the supervisor window uses: the message line and plain tables."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QWidget
from PySide6.QtWidgets import QTableWidgetItem as Item

from shared.bilingual import Text


class DataTable(QTableWidget):
    """A read-only table filled with text rows; numbers are right-aligned."""

    def __init__(self, headers: Sequence[Text | str], parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.set_headers(headers)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setVisible(False)
        self.setAlternatingRowColors(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)

    def set_headers(self, headers: Sequence[Text | str]) -> None:
        self.setColumnCount(len(headers))
        labels = [h if isinstance(h, str) else f"{h.vi}\n{h.en}" for h in headers]
        self.setHorizontalHeaderLabels(labels)

    def set_rows(self, rows: Sequence[Sequence[object]]) -> None:
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                text = "–" if value is None else str(value)
                item = Item(text)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.setItem(r, c, item)

    def cell_text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return "" if item is None else item.text()

    def column_texts(self, column: int) -> list[str]:
        return [self.cell_text(r, column) for r in range(self.rowCount())]
