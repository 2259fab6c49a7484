"""The supervisor's login screen: officer code and PIN (supervisors and admins only)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from supervisor import texts


class LoginView(QWidget):
    """Signals:
    login_requested(str, str): officer code and PIN, both filled.
    """

    login_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel(texts.LOGIN_TITLE.vi)
        title.setObjectName("loginTitle")
        subtitle = QLabel(f"{texts.LOGIN_TITLE.en} · {texts.LOGIN_HINT.line()}")
        subtitle.setWordWrap(True)
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("officerCode")
        self.pin_edit = QLineEdit()
        self.pin_edit.setObjectName("pin")
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.login_button = QPushButton(texts.LOGIN.line())
        self.login_button.setObjectName("primary")
        self.login_button.clicked.connect(self._on_login_clicked)
        self.code_edit.returnPressed.connect(self.pin_edit.setFocus)
        self.pin_edit.returnPressed.connect(self._on_login_clicked)

        form = QFrame()
        form.setMaximumWidth(560)
        fields = QVBoxLayout(form)
        fields.addWidget(title)
        fields.addWidget(subtitle)
        for text, widget in ((texts.OFFICER_CODE, self.code_edit), (texts.PIN, self.pin_edit)):
            label = QLabel(text.line())
            label.setBuddy(widget)
            fields.addWidget(label)
            fields.addWidget(widget)
        fields.addSpacing(8)
        fields.addWidget(self.login_button)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(form)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def set_busy(self, busy: bool) -> None:
        self.login_button.setEnabled(not busy)

    def reset(self) -> None:
        """Forget the PIN (after a login or a refusal); keep the code."""
        self.pin_edit.clear()
        (self.pin_edit if self.code_edit.text() else self.code_edit).setFocus()

    def _on_login_clicked(self) -> None:
        if not self.login_button.isEnabled():
            return
        code = self.code_edit.text().strip()
        pin = self.pin_edit.text()
        if not code:
            self.code_edit.setFocus()
        elif not pin:
            self.pin_edit.setFocus()
        else:
            self.login_requested.emit(code, pin)
