"""The officer's login form (code and PIN in a centred panel) and the "database busy" notice that
the counter and the supervisor windows both show while an action waits for the write lock."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shared.bilingual import Text
from shared.qt.message_bar import MessageBar, MessageKind
from shared.qt.tasks import TaskRunner

OFFICER_CODE = Text("Mã cán bộ", "Officer code")
PIN = Text("Mã PIN", "PIN")
LOGIN = Text("Đăng nhập", "Log in")

# An action that has waited this long for the database says so on the message bar.
BUSY_NOTICE_MS = 400


class LoginForm(QWidget):
    """Officer code and PIN, with the app's own title above and its extra fields and buttons below.

    Log in (or Enter in the PIN field) with a field left empty puts the cursor in that field;
    with every field filled it calls submit(code, pin), which the app's view defines. While an
    action runs (set_busy) the button is off and Enter does nothing, so one press is one login.
    """

    def __init__(
        self,
        header: Sequence[QWidget],
        *,
        extra_fields: Sequence[tuple[Text, QWidget]] = (),
        notes: Sequence[QWidget] = (),
        below: Sequence[QWidget] = (),
        panel_name: str = "",
        max_width: int = 560,
        margins: tuple[int, int] | None = None,
        spacing: int = 8,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("officerCode")
        self.pin_edit = QLineEdit()
        self.pin_edit.setObjectName("pin")
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.login_button = QPushButton(LOGIN.line())
        self.login_button.setObjectName("primary")
        self.login_button.clicked.connect(self._on_login_clicked)
        self.code_edit.returnPressed.connect(self.pin_edit.setFocus)
        self.pin_edit.returnPressed.connect(self._on_login_clicked)

        form = QFrame()
        if panel_name:
            form.setObjectName(panel_name)
        form.setMaximumWidth(max_width)
        fields = QVBoxLayout(form)
        if margins is not None:
            fields.setContentsMargins(margins[0], margins[1], margins[0], margins[1])
        for widget in header:
            fields.addWidget(widget)
        for text, widget in ((OFFICER_CODE, self.code_edit), (PIN, self.pin_edit), *extra_fields):
            label = QLabel(text.line())
            label.setObjectName("fieldLabel")
            label.setBuddy(widget)
            fields.addWidget(label)
            fields.addWidget(widget)
        for widget in notes:
            fields.addWidget(widget)
        fields.addSpacing(spacing)
        fields.addWidget(self.login_button)
        for widget in below:
            fields.addWidget(widget)
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
        """Forget the PIN (after a login, a logout or a refusal); keep the code."""
        self.pin_edit.clear()
        self.focus_first()

    def focus_first(self) -> None:
        (self.pin_edit if self.code_edit.text() else self.code_edit).setFocus(
            Qt.FocusReason.OtherFocusReason
        )

    def submit(self, code: str, pin: str) -> None:
        raise NotImplementedError

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
            self.submit(code, pin)


class BusyNotice(QObject):
    """Says TEXT on BAR once an action of RUNNER has waited BUSY_NOTICE_MS, and clears it (only
    it: another message stays) when the runner is done."""

    def __init__(self, runner: TaskRunner, bar: MessageBar, text: Text, parent: QObject) -> None:
        super().__init__(parent)
        self._runner = runner
        self._bar = bar
        self._text = text
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(BUSY_NOTICE_MS)
        self._timer.timeout.connect(self._on_timeout)
        runner.busy_changed.connect(self._on_busy_changed)

    def stop(self) -> None:
        self._timer.stop()

    def _on_busy_changed(self, busy: bool) -> None:
        if busy:
            self._timer.start()
        else:
            self._timer.stop()
            if self._bar.kind is MessageKind.BUSY:
                self._bar.clear_message()

    def _on_timeout(self) -> None:
        if self._runner.busy:
            self._bar.show_text(MessageKind.BUSY, self._text)
