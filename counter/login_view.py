"""The login screen: officer code, PIN, and the counter unless this PC has its own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QWidget

from counter import texts
from shared.qt.login_form import LoginForm
from shared.rules.domain import COUNTER_STATE_VI, CounterView


@dataclass(frozen=True, slots=True)
class LoginRequest:
    officer_code: str
    pin: str
    counter_number: int


class LoginView(LoginForm):
    """Signals:
    login_requested(LoginRequest): the officer pressed Log in (or Enter) with every field filled.
    supervisor_requested(): open the supervisor's dialog (unlock an officer, release a counter).
    """

    login_requested = Signal(object)
    supervisor_requested = Signal()

    def __init__(self, fixed_counter: int | None, parent: QWidget | None = None) -> None:
        title = QLabel(
            f"{texts.LOGIN_TITLE.vi}<br><span style='font-size:18px'>{texts.LOGIN_TITLE.en}</span>"
        )
        title.setObjectName("loginTitle")
        counter_box = QComboBox()
        fixed_label = QLabel()
        fixed_label.setObjectName("fieldLabel")
        if fixed_counter is not None:
            fixed_label.setText(texts.COUNTER_FIXED.format(number=fixed_counter).line())
            counter_box.hide()
        else:
            fixed_label.hide()
        supervisor_button = QPushButton(texts.SUPERVISOR.line())
        super().__init__(
            [title],
            extra_fields=[] if fixed_counter is not None else [(texts.COUNTER, counter_box)],
            notes=[fixed_label],
            below=[supervisor_button],
            panel_name="panel",
            max_width=620,
            margins=(28, 24),
            spacing=12,
            parent=parent,
        )
        self._fixed_counter = fixed_counter
        self.counter_box = counter_box
        self.fixed_label = fixed_label
        self.supervisor_button = supervisor_button
        self.supervisor_button.clicked.connect(self.supervisor_requested)

    def set_counters(self, counters: Sequence[CounterView]) -> None:
        """The counters to choose from (ignored when this PC has its own)."""
        current = self.counter_box.currentData()
        self.counter_box.clear()
        for counter in counters:
            holder = f" · {counter.officer_code}" if counter.officer_code else ""
            self.counter_box.addItem(
                f"{counter.name} – {COUNTER_STATE_VI[counter.state]}{holder}", counter.number
            )
        if current is not None:
            index = self.counter_box.findData(current)
            if index >= 0:
                self.counter_box.setCurrentIndex(index)

    def select_counter(self, number: int) -> None:
        index = self.counter_box.findData(number)
        if index >= 0:
            self.counter_box.setCurrentIndex(index)

    def submit(self, code: str, pin: str) -> None:
        number = self._fixed_counter
        if number is None:
            data = self.counter_box.currentData()
            number = int(data) if data is not None else None
        if number is None:
            self.counter_box.setFocus()
            return
        self.login_requested.emit(LoginRequest(code, pin, number))
