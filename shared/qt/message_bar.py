"""The line under a window that says what just happened, or what went wrong."""

from __future__ import annotations

import html
from enum import StrEnum

from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from shared.bilingual import Text


class MessageKind(StrEnum):
    INFO = "info"
    ERROR = "error"
    BUSY = "busy"


class MessageBar(QLabel):
    """Vietnamese in bold, English smaller under it (or beside it: one_line); coloured by kind
    through the window's style sheet (#message[kind="error"]...). Empty when cleared."""

    def __init__(self, parent: QWidget | None = None, *, one_line: bool = False) -> None:
        super().__init__(parent)
        self._one_line = one_line
        self.setObjectName("message")
        self.setWordWrap(True)
        if not one_line:
            self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
            self.setMinimumHeight(64)
        self.kind: MessageKind | None = None
        self.vi = ""
        self.en = ""
        self.clear_message()

    def show_message(self, kind: MessageKind, vi: str, en: str) -> None:
        self.kind, self.vi, self.en = kind, vi, en
        self.setProperty("kind", str(kind))
        if self._one_line:
            self.setText(f"<b>{html.escape(vi)}</b> / {html.escape(en)}")
        else:
            self.setText(
                f"<b>{html.escape(vi)}</b><br><span style='font-size:14px'>{html.escape(en)}</span>"
            )
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
