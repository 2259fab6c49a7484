"""Finishing a ticket: one large button per outcome, keys 1 to 4."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QPushButton, QWidget

from counter import texts
from counter.form_dialog import FormDialog
from shared.rules.domain import OUTCOME_LABELS, Outcome

OUTCOMES = (
    Outcome.DOSSIER_RECEIVED,
    Outcome.RESULT_RETURNED,
    Outcome.GUIDANCE_ONLY,
    Outcome.DOSSIER_INCOMPLETE,
)


class OutcomeDialog(FormDialog):
    """Signals:
    outcome_chosen(Outcome): the officer picked how the service ended.
    """

    outcome_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(texts.OUTCOME_TITLE, parent)
        self.ok_button.hide()
        self.buttons: dict[Outcome, QPushButton] = {}
        for key, outcome in enumerate(OUTCOMES, start=1):
            vi, en = OUTCOME_LABELS[outcome]
            button = QPushButton(f"{key}. {vi}\n{en}")
            button.setShortcut(QKeySequence(str(key)))
            button.clicked.connect(lambda _=False, o=outcome: self._choose(o))
            self.buttons[outcome] = button
            self.add_field(None, button)
        self.buttons[Outcome.DOSSIER_RECEIVED].setDefault(True)

    def _choose(self, outcome: Outcome) -> None:
        self.outcome_chosen.emit(outcome)
        self.accept()

    def _submit(self) -> bool:
        return False
