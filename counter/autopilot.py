"""An officer played by the program, for the demo and the end-to-end tests.

It uses the window as an officer would (the same actions, the same engine calls): logs in, then
calls, starts and finishes citizens at a human pace, now and then recalls a citizen, marks a
no-show or transfers a dossier to another procedure.
"""

from __future__ import annotations

import logging
import random

from PySide6.QtCore import QObject, QTimer

from counter.serve_view import CounterAction
from counter.window import CounterWindow
from shared.rules.domain import Outcome, TicketStatus

log = logging.getLogger(__name__)

OUTCOMES = (
    Outcome.DOSSIER_RECEIVED,
    Outcome.DOSSIER_RECEIVED,
    Outcome.RESULT_RETURNED,
    Outcome.GUIDANCE_ONLY,
    Outcome.DOSSIER_INCOMPLETE,
)


class CounterAutopilot(QObject):
    """Drives one CounterWindow.

    Args:
        window: the counter window.
        officer_code, pin, counter_number: who logs in where.
        pace_s: the mean time between two actions.
        seed: for a repeatable run.
    """

    def __init__(
        self,
        window: CounterWindow,
        officer_code: str,
        pin: str,
        counter_number: int,
        *,
        pace_s: float = 3.0,
        seed: int | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._login = (officer_code, pin, counter_number)
        self._pace_s = pace_s
        self._random = random.Random(seed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.step)
        window.session_started.connect(lambda _session: self._later())
        window.action_finished.connect(lambda _action: self._later())

    def start(self) -> None:
        log.info("autopilot: logging in at counter %d", self._login[2])
        self._window.login(*self._login)

    def _later(self) -> None:
        self._timer.start(int(1000 * self._pace_s * self._random.uniform(0.5, 1.5)))

    def step(self) -> None:
        """Take the next action an officer would take."""
        window = self._window
        if window.session is None:
            return
        if window.busy:
            self._later()
            return
        ticket = window.ticket
        chance = self._random.random()
        if ticket is None:
            window.act(CounterAction.CALL_NEXT)
        elif ticket.status is TicketStatus.CALLED:
            if chance < 0.07:
                window.act(CounterAction.NO_SHOW)
            elif chance < 0.15 and ticket.call_count < 2:
                window.act(CounterAction.RECALL)
            else:
                window.act(CounterAction.START)
        elif chance < 0.08:
            # Procedures open for new tickets, as read at login (no query on the GUI thread).
            others = [
                s.code for s in window.services if s.is_open and s.code != ticket.service_code
            ]
            if others:
                window.transfer_to(self._random.choice(others), "Chuyển đúng thủ tục")
            else:
                window.finish_with(self._random.choice(OUTCOMES))
        else:
            window.finish_with(self._random.choice(OUTCOMES))
        # Nobody waiting: the call finds no one and no action_finished would come back late.
        self._later()
