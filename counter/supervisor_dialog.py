"""A supervisor unlocks an officer's account or releases a counter held by a PC that died."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QRadioButton, QWidget

from counter import texts
from counter.form_dialog import FormDialog
from shared.bilingual import Text


class SupervisorAction(StrEnum):
    UNLOCK_OFFICER = "unlock_officer"
    RELEASE_COUNTER = "release_counter"


@dataclass(frozen=True, slots=True)
class SupervisorRequest:
    supervisor_code: str
    supervisor_pin: str
    action: SupervisorAction
    target: str  # the officer's code, or the counter's number


class SupervisorDialog(FormDialog):
    """Signals:
    supervisor_requested(SupervisorRequest)
    """

    supervisor_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(texts.SUPERVISOR_TITLE, parent)
        self.code_edit = QLineEdit()
        self.pin_edit = QLineEdit()
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.unlock_radio = QRadioButton(texts.UNLOCK_OFFICER.line())
        self.unlock_radio.setChecked(True)
        self.release_radio = QRadioButton(texts.RELEASE_COUNTER.line())
        self.target_edit = QLineEdit()
        self.target_edit.setPlaceholderText(f"{texts.OFFICER_CODE.vi} / {texts.COUNTER.vi}")
        self.add_field(texts.SUPERVISOR_CODE, self.code_edit)
        self.add_field(texts.PIN, self.pin_edit)
        self.add_field(None, self.unlock_radio)
        self.add_field(None, self.release_radio)
        self.add_field(None, self.target_edit)

    def _submit(self) -> bool:
        code = self.code_edit.text().strip()
        target = self.target_edit.text().strip()
        if not code or not self.pin_edit.text() or not target:
            self.show_error(Text("Điền đủ các ô", "Fill in every field"))
            return False
        action = (
            SupervisorAction.RELEASE_COUNTER
            if self.release_radio.isChecked()
            else SupervisorAction.UNLOCK_OFFICER
        )
        if action is SupervisorAction.RELEASE_COUNTER and not target.isdigit():
            self.show_error(Text("Số quầy phải là một số", "The counter must be a number"))
            return False
        self.supervisor_requested.emit(
            SupervisorRequest(code, self.pin_edit.text(), action, target)
        )
        return True
