"""Pausing the counter: the reason is recorded and shown to the supervisor."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from counter import texts
from counter.form_dialog import FormDialog


class PauseDialog(FormDialog):
    """Signals:
    pause_requested(str): the reason.
    """

    pause_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(texts.PAUSE_TITLE, parent)
        self.reason_box = QComboBox()
        self.reason_box.setEditable(True)
        self.reason_box.addItems(texts.PAUSE_REASONS)
        self.add_field(texts.REASON, self.reason_box)

    def _submit(self) -> bool:
        reason = self.reason_box.currentText().strip()
        if not reason:
            self.show_error(texts.REASON_REQUIRED)
            return False
        self.pause_requested.emit(reason)
        return True
