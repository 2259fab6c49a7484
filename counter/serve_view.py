"""The working screen: the counter's ticket, the actions with their keys, the office queue."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter import texts
from counter.queue_panel import QueuePanel
from counter.ticket_panel import CurrentTicketPanel
from shared.bilingual import Text
from shared.rules.domain import CounterState, CounterView, TicketStatus, TicketView


class CounterAction(StrEnum):
    CALL_NEXT = "call_next"
    RECALL = "recall"
    NO_SHOW = "no_show"
    START = "start"
    FINISH = "finish"
    TRANSFER = "transfer"
    CALL_TICKET = "call_ticket"
    PAUSE = "pause"
    RESUME = "resume"
    LOGOUT = "logout"


# action -> (label, key shown on the button)
_BUTTONS: dict[CounterAction, tuple[Text, str]] = {
    CounterAction.RECALL: (texts.RECALL, "F2"),
    CounterAction.NO_SHOW: (texts.NO_SHOW, "F3"),
    CounterAction.START: (texts.START, "F4"),
    CounterAction.FINISH: (texts.FINISH, "F4"),
    CounterAction.CALL_TICKET: (texts.CALL_TICKET, "F5"),
    CounterAction.TRANSFER: (texts.TRANSFER, "F6"),
    CounterAction.PAUSE: (texts.PAUSE, "F7"),
    CounterAction.LOGOUT: (texts.LOGOUT, ""),
}


class ServeView(QWidget):
    """Buttons never take the keyboard focus, so Space always means "call next", never "press
    the focused button". An action whose button is disabled does nothing from its key either.

    Signals:
        action_requested(CounterAction): a button or its key was pressed.
    """

    action_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.header_label = QLabel()
        self.header_label.setObjectName("header")
        self.state_label = QLabel()
        self.state_label.setObjectName("counterState")
        self.ticket_panel = CurrentTicketPanel()
        self.queue_panel = QueuePanel()

        self.call_button = QPushButton(f"{texts.CALL_NEXT.vi}  (F1 / Space)\n{texts.CALL_NEXT.en}")
        self.call_button.setObjectName("primary")
        self.buttons: dict[CounterAction, QPushButton] = {CounterAction.CALL_NEXT: self.call_button}
        for action, (text, key) in _BUTTONS.items():
            keys = f" ({key})" if key else ""
            button = QPushButton(f"{text.vi}{keys}\n{text.en}")
            button.setObjectName(str(action))
            self.buttons[action] = button
        self.buttons[CounterAction.RESUME] = self.buttons[CounterAction.PAUSE]
        for action, button in self.buttons.items():
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            if action is not CounterAction.RESUME:
                button.clicked.connect(lambda _=False, a=action: self._on_button_clicked(a))

        self._shortcuts: list[QShortcut] = []
        self._bind("F1", CounterAction.CALL_NEXT)
        self._bind("Space", CounterAction.CALL_NEXT)
        self._bind("F2", CounterAction.RECALL)
        self._bind("F3", CounterAction.NO_SHOW)
        self._bind("F4", None)  # start, or finish once started
        self._bind("F5", CounterAction.CALL_TICKET)
        self._bind("F6", CounterAction.TRANSFER)
        self._bind("F7", CounterAction.PAUSE)
        self._build_layout()
        self._state = CounterState.CLOSED
        self.update_actions(CounterState.CLOSED, None, busy=False)

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.setSpacing(0)
        top.addWidget(self.header_label, 1)
        top.addWidget(self.state_label)

        grid = QGridLayout()
        grid.setSpacing(10)
        order = (
            CounterAction.RECALL,
            CounterAction.NO_SHOW,
            CounterAction.START,
            CounterAction.FINISH,
            CounterAction.CALL_TICKET,
            CounterAction.TRANSFER,
            CounterAction.PAUSE,
            CounterAction.LOGOUT,
        )
        for index, action in enumerate(order):
            grid.addWidget(self.buttons[action], index // 4, index % 4)

        left = QVBoxLayout()
        left.setSpacing(12)
        left.addWidget(self.ticket_panel, 1)
        left.addWidget(self.call_button)
        left.addLayout(grid)

        body = QHBoxLayout()
        body.setContentsMargins(12, 12, 12, 0)
        body.setSpacing(12)
        body.addLayout(left, 5)
        body.addWidget(self.queue_panel, 3)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(body, 1)

    # ------------------------------------------------------------------ showing

    def show_counter(self, counter: CounterView, officer_name: str) -> None:
        self.header_label.setText(
            f"{texts.COUNTER.vi} {counter.number} / {texts.COUNTER.en} {counter.number}"
            f"   ·   {officer_name} ({counter.officer_code or '–'})"
        )
        if counter.state is CounterState.PAUSED:
            state = texts.STATE_PAUSED.format(reason=counter.pause_reason or "")
        elif counter.state is CounterState.OPEN:
            state = texts.STATE_OPEN
        else:
            state = texts.STATE_CLOSED
        self.state_label.setText(f"{state.vi} / {state.en}")
        self.state_label.setProperty("paused", counter.state is CounterState.PAUSED)
        self.state_label.style().unpolish(self.state_label)
        self.state_label.style().polish(self.state_label)

    def show_ticket(self, ticket: TicketView | None, now: dt.datetime) -> None:
        self.ticket_panel.show_ticket(ticket, now)

    def update_actions(self, state: CounterState, ticket: TicketView | None, *, busy: bool) -> None:
        """Enable what makes sense now. While an action runs nothing else starts: a second
        "call next" pressed during the first would finish the citizen just called."""
        self._state = state
        status = ticket.status if ticket is not None else None
        is_open = state is CounterState.OPEN
        enabled = {
            CounterAction.CALL_NEXT: is_open,
            CounterAction.CALL_TICKET: is_open,
            CounterAction.RECALL: status is TicketStatus.CALLED,
            CounterAction.NO_SHOW: status is TicketStatus.CALLED,
            CounterAction.START: status is TicketStatus.CALLED,
            CounterAction.FINISH: status in (TicketStatus.CALLED, TicketStatus.SERVING),
            CounterAction.TRANSFER: status in (TicketStatus.CALLED, TicketStatus.SERVING),
            CounterAction.PAUSE: state is CounterState.PAUSED or (is_open and ticket is None),
            CounterAction.LOGOUT: True,
        }
        for action, on in enabled.items():
            self.buttons[action].setEnabled(on and not busy)
        pause = self.buttons[CounterAction.PAUSE]
        text = texts.RESUME if state is CounterState.PAUSED else texts.PAUSE
        pause.setText(f"{text.vi} (F7)\n{text.en}")

    # ------------------------------------------------------------------ input

    def _bind(self, key: str, action: CounterAction | None) -> None:
        shortcut = QShortcut(QKeySequence(key), self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.setAutoRepeat(False)
        shortcut.activated.connect(lambda a=action: self._on_shortcut(a))
        self._shortcuts.append(shortcut)

    def _on_shortcut(self, action: CounterAction | None) -> None:
        if action is None:
            start = self.buttons[CounterAction.START]
            action = CounterAction.START if start.isEnabled() else CounterAction.FINISH
        self._on_button_clicked(action)

    def _on_button_clicked(self, action: CounterAction) -> None:
        if action is CounterAction.PAUSE and self._state is CounterState.PAUSED:
            action = CounterAction.RESUME
        if self.buttons[action].isEnabled():
            self.action_requested.emit(action)
