"""Small widgets every tab of the supervisor window uses: the message line and plain tables."""

from __future__ import annotations

import html
from collections.abc import Sequence
from enum import StrEnum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableWidget, QWidget
from PySide6.QtWidgets import QTableWidgetItem as Item

from supervisor.texts import Text


class MessageKind(StrEnum):
    INFO = "info"
    ERROR = "error"
    BUSY = "busy"


class MessageBar(QLabel):
    """What just happened, or what went wrong: Vietnamese in bold, English beside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("message")
        self.setWordWrap(True)
        self.kind: MessageKind | None = None
        self.vi = ""
        self.en = ""
        self.clear_message()

    def show_message(self, kind: MessageKind, vi: str, en: str) -> None:
        self.kind, self.vi, self.en = kind, vi, en
        self.setProperty("kind", str(kind))
        self.setText(f"<b>{html.escape(vi)}</b> / {html.escape(en)}")
        self._repolish()

    def show_text(self, kind: MessageKind, text: Text) -> None:
        self.show_message(kind, text.vi, text.en)

    def clear_message(self) -> None:
        self.kind, self.vi, self.en = None, "", ""
        self.setProperty("kind", "none")
        self.setText("")
        self._repolish()

    def _repolish(self) -> None:
        self.style().unpolish(self)
        self.style().polish(self)


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
