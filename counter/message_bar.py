"""The line under the counter screen that says what just happened, or what went wrong."""

from __future__ import annotations

import html
from enum import StrEnum

from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from counter.texts import Text


class MessageKind(StrEnum):
    INFO = "info"
    ERROR = "error"
    BUSY = "busy"


class MessageBar(QLabel):
    """Vietnamese large, English smaller under it; coloured by kind. Empty when cleared."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("message")
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setMinimumHeight(64)
        self.kind: MessageKind | None = None
        self.vi = ""
        self.en = ""
        self.clear_message()

    def show_message(self, kind: MessageKind, vi: str, en: str) -> None:
        self.kind, self.vi, self.en = kind, vi, en
        self.setProperty("kind", str(kind))
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
