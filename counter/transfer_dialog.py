"""Transferring the counter's ticket to another service's queue or to one counter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QRadioButton, QWidget

from counter import texts
from counter.form_dialog import FormDialog
from shared.rules.domain import COUNTER_STATE_VI, CounterView, ServiceView


@dataclass(frozen=True, slots=True)
class TransferRequest:
    """Exactly one of to_service (a service code) and to_counter is set."""

    to_service: str | None
    to_counter: int | None
    reason: str | None


class TransferDialog(FormDialog):
    """Signals:
    transfer_requested(TransferRequest)
    """

    transfer_requested = Signal(object)

    def __init__(
        self,
        display_number: str,
        services: Sequence[ServiceView],
        counters: Sequence[CounterView],
        own_number: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(texts.TRANSFER_TITLE.format(number=display_number), parent)
        self.to_service_radio = QRadioButton(texts.TO_SERVICE.line())
        self.to_service_radio.setChecked(True)
        self.service_box = QComboBox()
        for service in services:
            self.service_box.addItem(f"{service.code} · {service.name_vi}", service.code)
        self.to_counter_radio = QRadioButton(texts.TO_COUNTER.line())
        self.counter_box = QComboBox()
        for counter in counters:
            if counter.number != own_number:
                state = COUNTER_STATE_VI[counter.state]
                self.counter_box.addItem(f"{counter.name} – {state}", counter.number)
        self.counter_box.setEnabled(False)
        self.to_counter_radio.toggled.connect(self.counter_box.setEnabled)
        self.to_service_radio.toggled.connect(self.service_box.setEnabled)
        self.reason_edit = QLineEdit()
        self.add_field(None, self.to_service_radio)
        self.add_field(None, self.service_box)
        self.add_field(None, self.to_counter_radio)
        self.add_field(None, self.counter_box)
        self.add_field(texts.REASON, self.reason_edit)

    def _submit(self) -> bool:
        reason = self.reason_edit.text().strip() or None
        if self.to_counter_radio.isChecked():
            number = self.counter_box.currentData()
            if number is None:
                return False
            self.transfer_requested.emit(TransferRequest(None, int(number), reason))
        else:
            code = self.service_box.currentData()
            if code is None:
                return False
            self.transfer_requested.emit(TransferRequest(str(code), None, reason))
        return True
