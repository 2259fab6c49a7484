"""Leaving the kiosk: a PIN pad that only a supervisor's or an admin's PIN opens.

Citizens cannot leave the fullscreen kiosk; staff long-press the logo (or press Ctrl+Alt+Q on a
keyboard) and type their PIN. Five wrong PINs in a row lock the pad for five minutes.
"""

from __future__ import annotations

import datetime as dt
import math

import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk import texts
from shared.clock import Clock
from shared.errors import MotcuaError
from shared.office.security import verify_pin
from shared.qt.tasks import TaskRunner
from shared.rules.domain import Role
from shared.storage.database import Database
from shared.storage.tables import OF

MAX_WRONG = 5
LOCK_MINUTES = 5


class PinChecker:
    """Checks a PIN against the active supervisors and admins (salted scrypt hashes).

    Args:
        db: the database (read only).
        clock: for the lockout after MAX_WRONG wrong PINs.
    """

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._wrong = 0
        self._locked_until: dt.datetime | None = None

    def locked_minutes(self) -> int:
        """Minutes left of a lockout, 0 when the pad is open."""
        if self._locked_until is None:
            return 0
        left = (self._locked_until - self._clock.now()).total_seconds()
        if left <= 0:
            self._locked_until = None
            self._wrong = 0
            return 0
        return math.ceil(left / 60)

    def check(self, pin: str) -> str | None:
        """The code of the supervisor or admin whose PIN this is, or None."""
        if self.locked_minutes():
            return None
        with self._db.read_tx() as conn:
            rows = conn.execute(
                sa.select(OF.c.code, OF.c.pin_hash).where(
                    OF.c.active.is_(True), OF.c.role.in_([str(Role.SUPERVISOR), str(Role.ADMIN)])
                )
            ).all()
        for row in rows:
            if verify_pin(pin, row.pin_hash):
                self._wrong = 0
                return str(row.code)
        self._wrong += 1
        if self._wrong >= MAX_WRONG:
            self._locked_until = self._clock.now() + dt.timedelta(minutes=LOCK_MINUTES)
        return None


class ExitDialog(QDialog):
    """A large PIN pad usable with a finger."""

    def __init__(self, checker: PinChecker, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._checker = checker
        self._language = language
        self.officer_code: str | None = None
        self.setWindowTitle("motcua")
        self.setModal(True)
        layout = QVBoxLayout(self)
        title = QLabel("\n".join(texts.EXIT_TITLE.pick(language)))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin.setMaxLength(12)
        self.pin.returnPressed.connect(self.submit)
        layout.addWidget(self.pin)
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.message)
        pad = QGridLayout()
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"]
        for index, key in enumerate(keys):
            button = QPushButton(key)
            button.setMinimumSize(110, 90)
            button.clicked.connect(lambda _=False, k=key: self._key(k))
            pad.addWidget(button, index // 3, index % 3)
        layout.addLayout(pad)
        cancel = QPushButton("\n".join(texts.CANCEL.pick(language)))
        cancel.setMinimumHeight(90)
        cancel.clicked.connect(self.reject)
        layout.addWidget(cancel)
        self.setStyleSheet(
            "QDialog { background: #eceff1; } QLabel { color: #0b1f3a; font: bold 22px; }"
            "QLineEdit { font: bold 36px; min-height: 70px; }"
            "QPushButton { font: bold 30px; background: #0d47a1; color: white;"
            " border-radius: 10px; }"
        )
        self._runner = TaskRunner("kiosk-pin", self)
        self._show_lock()

    def _key(self, key: str) -> None:
        if key == "OK":
            self.submit()
        elif key == "⌫":
            self.pin.backspace()
        else:
            self.pin.insert(key)

    def _show_lock(self) -> bool:
        minutes = self._checker.locked_minutes()
        if minutes:
            big, small = texts.EXIT_LOCKED.pick(self._language)
            self.message.setText(f"{big.format(minutes=minutes)}\n{small.format(minutes=minutes)}")
        return minutes > 0

    @property
    def checking(self) -> bool:
        """A PIN is being checked (a database read and scrypt, on the dialog's own thread)."""
        return self._runner.busy

    def submit(self) -> None:
        if self.checking:
            return
        if self._show_lock():
            self.pin.clear()
            return
        pin = self.pin.text()
        self.pin.clear()
        checker = self._checker
        self._runner.submit(lambda: checker.check(pin), self._checked, self._failed)

    def _failed(self, error: MotcuaError) -> None:
        self.message.setText(f"{error.vi}\n{error.en}")

    def _checked(self, code: str | None) -> None:
        if code is None:
            if not self._show_lock():
                self.message.setText("\n".join(texts.EXIT_WRONG.pick(self._language)))
            return
        self.officer_code = code
        self.accept()
