"""The login screen: officer code, PIN, and the counter unless this PC has its own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter import texts
from shared.rules.domain import COUNTER_STATE_VI, CounterView


@dataclass(frozen=True, slots=True)
class LoginRequest:
    officer_code: str
    pin: str
    counter_number: int


class LoginView(QWidget):
    """Signals:
    login_requested(LoginRequest): the officer pressed Log in (or Enter) with every field filled.
    supervisor_requested(): open the supervisor's dialog (unlock an officer, release a counter).
    """

    login_requested = Signal(object)
    supervisor_requested = Signal()

    def __init__(self, fixed_counter: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fixed_counter = fixed_counter
        title = QLabel(
            f"{texts.LOGIN_TITLE.vi}<br><span style='font-size:18px'>{texts.LOGIN_TITLE.en}</span>"
        )
        title.setObjectName("loginTitle")
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("officerCode")
        self.pin_edit = QLineEdit()
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setObjectName("pin")
        self.counter_box = QComboBox()
        self.fixed_label = QLabel()
        self.fixed_label.setObjectName("fieldLabel")
        if fixed_counter is not None:
            self.fixed_label.setText(texts.COUNTER_FIXED.format(number=fixed_counter).line())
            self.counter_box.hide()
        else:
            self.fixed_label.hide()
        self.login_button = QPushButton(texts.LOGIN.line())
        self.login_button.setObjectName("primary")
        self.supervisor_button = QPushButton(texts.SUPERVISOR.line())
        self.login_button.clicked.connect(self._on_login_clicked)
        self.pin_edit.returnPressed.connect(self._on_login_clicked)
        self.code_edit.returnPressed.connect(self.pin_edit.setFocus)
        self.supervisor_button.clicked.connect(self.supervisor_requested)

        form = QFrame()
        form.setObjectName("panel")
        form.setMaximumWidth(620)
        fields = QVBoxLayout(form)
        fields.setContentsMargins(28, 24, 28, 24)
        fields.addWidget(title)
        for text, widget in (
            (texts.OFFICER_CODE, self.code_edit),
            (texts.PIN, self.pin_edit),
            (texts.COUNTER, self.counter_box),
        ):
            if widget is self.counter_box and fixed_counter is not None:
                continue
            label = QLabel(text.line())
            label.setObjectName("fieldLabel")
            label.setBuddy(widget)
            fields.addWidget(label)
            fields.addWidget(widget)
        fields.addWidget(self.fixed_label)
        fields.addSpacing(12)
        fields.addWidget(self.login_button)
        fields.addWidget(self.supervisor_button)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(form)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

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

    def set_busy(self, busy: bool) -> None:
        self.login_button.setEnabled(not busy)

    def reset(self) -> None:
        """Forget the PIN (after a login, a logout or a wrong PIN); keep the code."""
        self.pin_edit.clear()
        (self.pin_edit if self.code_edit.text() else self.code_edit).setFocus()

    def _on_login_clicked(self) -> None:
        if not self.login_button.isEnabled():
            return
        code = self.code_edit.text().strip()
        pin = self.pin_edit.text()
        number = self._fixed_counter
        if number is None:
            data = self.counter_box.currentData()
            number = int(data) if data is not None else None
        if not code:
            self.code_edit.setFocus()
            return
        if not pin:
            self.pin_edit.setFocus()
            return
        if number is None:
            self.counter_box.setFocus()
            return
        self.login_requested.emit(LoginRequest(code, pin, number))

    def focus_first(self) -> None:
        (self.pin_edit if self.code_edit.text() else self.code_edit).setFocus(
            Qt.FocusReason.OtherFocusReason
        )
