"""The idle lock of the officers' windows: after the office's idle_lock_minutes without a key, a
click or a touch, the window hides behind its officer's PIN, so nobody walking past can act under
that officer's name. Nothing is logged out: the counter keeps its ticket and its state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QStackedWidget, QWidget

from shared.bilingual import Text
from shared.clock import Clock
from shared.errors import MotcuaError
from shared.qt.login_form import LoginForm
from shared.qt.message_bar import MessageBar, MessageKind
from shared.qt.tasks import TaskRunner
from shared.rules.settings import OfficeSettings

LOCKED_TITLE = Text("Màn hình đã khóa", "Screen locked")
LOCKED_HINT = Text(
    "Không dùng {minutes} phút: nhập mã PIN của {code} để tiếp tục",
    "idle for {minutes} min: {code}'s PIN to go on",
)
UNLOCK = Text("Mở khóa", "Unlock")
SCREEN_LOCKED = Text(
    "Màn hình đã khóa vì lâu không dùng: nhập mã PIN để tiếp tục",
    "Screen locked after a while without use: your PIN to go on",
)
SCREEN_UNLOCKED = Text("Đã mở khóa màn hình", "Screen unlocked")
CHECK_MS = 1000  # how often the time since the last input is looked at

_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class IdleLock(QObject):
    """Locks WINDOW behind its officer's PIN after MINUTES without input (0: never).

    The window gives its page stack, where the lock adds its UnlockView, the task runner the PIN
    check runs on (scrypt, off the GUI thread), its message bar, the officer now logged in
    (officer(), None when nobody is) and authenticate(code, pin), which raises on a wrong PIN.
    The time comes from CLOCK, so a test moves it forward instead of waiting.

    Signals:
        locking(): about to lock (the window closes its dialogs).
        unlocked(): the officer's PIN was right; the page shown before is back.
    """

    locking = Signal()
    unlocked = Signal()

    def __init__(
        self,
        window: QWidget,
        clock: Clock,
        stack: QStackedWidget,
        *,
        runner: TaskRunner,
        bar: MessageBar,
        officer: Callable[[], str | None],
        authenticate: Callable[[str, str], object],
    ) -> None:
        super().__init__(window)
        self._window, self._clock, self._stack = window, clock, stack
        self._runner, self._bar = runner, bar
        self._officer, self._authenticate = officer, authenticate
        self.minutes = OfficeSettings().idle_lock_minutes
        self.locked = False
        self._last = clock.now()
        self._back_to: QWidget | None = None
        self.view = UnlockView()
        stack.addWidget(self.view)
        self.view.unlock_requested.connect(self._on_unlock_requested)
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() in _INPUT
            and isinstance(watched, QWidget)
            and (watched is self._window or self._window.isAncestorOf(watched))
        ):
            self._last = self._clock.now()
        return False

    def start(self, minutes: int) -> None:
        """An officer logged in: count from now, for the office's MINUTES."""
        self.minutes = minutes
        self._last = self._clock.now()
        self.locked = False

    def end(self) -> None:
        """The officer's session ended (logout, release): nothing stays locked."""
        self.locked = False

    def check(self) -> None:
        if self.locked or self.minutes <= 0 or self._officer() is None:
            return
        if self._clock.now() - self._last >= dt.timedelta(minutes=self.minutes):
            self._lock()

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def _lock(self) -> None:
        code = self._officer()
        assert code is not None
        self.locking.emit()
        self.locked = True
        self._back_to = self._stack.currentWidget()
        self.view.lock(code, self.minutes)
        self._stack.setCurrentWidget(self.view)
        self._bar.show_text(MessageKind.INFO, SCREEN_LOCKED)
        self.view.focus_first()

    def _on_unlock_requested(self, code: str, pin: str) -> None:
        check = self._authenticate
        self._runner.submit(lambda: check(code, pin), self._on_unlocked, self._on_refused)

    def _on_unlocked(self, _identity: object) -> None:
        if not self.locked:
            return  # the session ended meanwhile
        self.locked = False
        self._last = self._clock.now()
        self.view.reset()
        if self._back_to is not None:
            self._stack.setCurrentWidget(self._back_to)
        self._bar.show_text(MessageKind.INFO, SCREEN_UNLOCKED)
        self.unlocked.emit()

    def _on_refused(self, error: MotcuaError) -> None:
        self.view.reset()
        self._bar.show_message(MessageKind.ERROR, error.vi, error.en)


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
