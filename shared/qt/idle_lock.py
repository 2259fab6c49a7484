"""The idle lock of the officers' windows: after the office's idle_lock_minutes without a key, a
click or a touch, the window hides behind its officer's PIN, so nobody walking past can act under
that officer's name. Nothing is logged out: the counter keeps its ticket and its state."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from shared.bilingual import Text
from shared.clock import Clock
from shared.qt.login_form import LoginForm

LOCKED_TITLE = Text("Màn hình đã khóa", "Screen locked")
LOCKED_HINT = Text(
    "Không dùng {minutes} phút: nhập mã PIN của {code} để tiếp tục",
    "idle for {minutes} min: {code}'s PIN to go on",
)
UNLOCK = Text("Mở khóa", "Unlock")

_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class IdleWatch(QObject):
    """Notes the user's input in WINDOW and says (idle, once) when there was none for MINUTES.

    check() is called by the window's own tick timer; the time comes from CLOCK, so a test moves
    it forward instead of waiting. MINUTES 0 turns the lock off.

    Signals:
        idle(): the window has had no input for MINUTES.
    """

    idle = Signal()

    def __init__(self, window: QWidget, clock: Clock, minutes: int) -> None:
        super().__init__(window)
        self._window = window
        self._clock = clock
        self.minutes = minutes
        self._last = clock.now()
        self._fired = False
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() in _INPUT
            and isinstance(watched, QWidget)
            and (watched is self._window or self._window.isAncestorOf(watched))
        ):
            self.poke()
        return False

    def poke(self) -> None:
        """Count now as input (after a login or an unlock)."""
        self._last = self._clock.now()
        self._fired = False

    def idle_for(self) -> dt.timedelta:
        return self._clock.now() - self._last

    def check(self) -> None:
        if self.minutes <= 0 or self._fired:
            return
        if self.idle_for() >= dt.timedelta(minutes=self.minutes):
            self._fired = True
            self.idle.emit()

    def stop(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class UnlockView(LoginForm):
    """The locked window: the officer's code, fixed, and a PIN field.

    Signals:
        unlock_requested(str, str): the officer code and the PIN typed.
    """

    unlock_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        title = QLabel(
            f"{LOCKED_TITLE.vi}<br><span style='font-size:18px'>{LOCKED_TITLE.en}</span>"
        )
        title.setObjectName("loginTitle")
        hint = QLabel()
        hint.setWordWrap(True)
        hint.setMinimumWidth(520)
        super().__init__([title, hint], panel_name="panel", max_width=620, parent=parent)
        self._hint = hint
        self.code_edit.setReadOnly(True)
        self.login_button.setText(UNLOCK.line())

    def lock(self, officer_code: str, minutes: int) -> None:
        self.code_edit.setText(officer_code)
        self._hint.setText(LOCKED_HINT.format(minutes=minutes, code=officer_code).line())
        self.reset()

    def submit(self, code: str, pin: str) -> None:
        self.unlock_requested.emit(code, pin)
