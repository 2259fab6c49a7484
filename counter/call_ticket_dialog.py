"""Calling one ticket out of order (a citizen who was away, a returning citizen): needs a reason."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from counter import texts
from counter.form_dialog import FormDialog


class CallTicketDialog(FormDialog):
    """Signals:
    call_requested(str, str): the display number and the reason.
    """

    call_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(texts.CALL_TICKET_TITLE, parent)
        self.number_edit = QLineEdit()
        self.number_edit.setPlaceholderText("1005")
        self.reason_box = QComboBox()
        self.reason_box.setEditable(True)
        self.reason_box.addItems(texts.OUT_OF_ORDER_REASONS)
        self.add_field(texts.TICKET_NUMBER, self.number_edit)
        self.add_field(texts.REASON, self.reason_box)
        self.number_edit.setFocus()

    def _submit(self) -> bool:
        number = self.number_edit.text().strip().upper()
        reason = self.reason_box.currentText().strip()
        if not number:
            self.show_error(texts.NUMBER_REQUIRED)
            return False
        if not reason:
            self.show_error(texts.REASON_REQUIRED)
            return False
        self.call_requested.emit(number, reason)
        return True
