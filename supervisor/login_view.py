"""The supervisor's login screen: officer code and PIN (supervisors and admins only)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QWidget

from shared.qt.login_form import LoginForm
from supervisor import texts


class LoginView(LoginForm):
    """Signals:
    login_requested(str, str): officer code and PIN, both filled.
    """

    login_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        title = QLabel(texts.LOGIN_TITLE.vi)
        title.setObjectName("loginTitle")
        subtitle = QLabel(f"{texts.LOGIN_TITLE.en} · {texts.LOGIN_HINT.line()}")
        subtitle.setWordWrap(True)
        super().__init__([title, subtitle], parent=parent)

    def submit(self, code: str, pin: str) -> None:
        self.login_requested.emit(code, pin)
