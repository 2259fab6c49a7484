"""The counter window: login, then the working screen; every database call runs off the GUI thread.

Two task runners keep the window responsive: one runs the officer's actions one after the other
(a write waiting for a busy database never blocks the screen), the other reads the queue panel, so
the panel follows the change feed even while an action waits for the write lock.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from counter import texts
from counter.call_ticket_dialog import CallTicketDialog
from counter.form_dialog import FormDialog
from counter.login_view import LoginRequest, LoginView
from counter.outcome_dialog import OutcomeDialog
from counter.pause_dialog import PauseDialog
from counter.serve_view import CounterAction, ServeView
from counter.supervisor_dialog import SupervisorAction, SupervisorDialog, SupervisorRequest
from counter.theme import STYLESHEET
from counter.transfer_dialog import TransferDialog, TransferRequest
from shared.bilingual import Text
from shared.clock import Clock
from shared.errors import MotcuaError
from shared.office.sessions import CounterSession, CounterSessions
from shared.qt.feed_watcher import FeedWatcher
from shared.qt.idle_lock import IdleLock, UnlockView
from shared.qt.login_form import BusyNotice
from shared.qt.message_bar import MessageBar, MessageKind
from shared.qt.tasks import TaskRunner
from shared.queue.engine import QueueEngine
from shared.queue.queries import CounterQueueView, QueueQueries
from shared.rules.domain import (
    ACTIVE_STATUSES,
    OUTCOME_LABELS,
    CallResult,
    CounterState,
    CounterView,
    EventKind,
    EventView,
    Outcome,
    PriorityPolicy,
    Role,
    ServiceView,
    TicketStatus,
    TicketView,
)

log = logging.getLogger(__name__)

TICK_MS = 1000
# Call next while serving asks first; a second press within this time confirms.
CONFIRM_CALL = dt.timedelta(seconds=5)


@dataclass(frozen=True, slots=True)
class _LoggedIn:
    session: CounterSession
    policy: PriorityPolicy
    services: list[ServiceView]
    counters: list[CounterView]
    idle_lock_minutes: int


class CounterWindow(QMainWindow):
    """One counter's window.

    Args:
        engine: the queue engine (every action goes through it, as from the command line).
        queries: read-side queries (queue panel, counters).
        sessions: login, logout, supervisor unlock and release.
        watcher: the change feed as signals; None in tests that drive refresh() themselves.
        clock: the time the live timers show.
        counter_number: this PC's counter from its config file, or None to choose at login.

    Signals:
        session_started(CounterSession): an officer logged in (or logged in again after a crash).
        session_ended(): back to the login screen (logout, or the counter was released).
        action_finished(CounterAction): an action's result (or error) is on the screen.
    """

    session_started = Signal(object)
    session_ended = Signal()
    action_finished = Signal(object)

    def __init__(
        self,
        engine: QueueEngine,
        queries: QueueQueries,
        sessions: CounterSessions,
        watcher: FeedWatcher | None,
        clock: Clock,
        *,
        counter_number: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self._queries = queries
        self._sessions = sessions
        self._clock = clock
        self._session: CounterSession | None = None
        self._counter: CounterView | None = None
        self._services: list[ServiceView] = []
        self._counters: list[CounterView] = []
        # Bumped by every action and login: a queue reading started before it is stale.
        self._generation = 0
        self._reading = False
        self._read_again = False
        self._released_seen = False
        self._confirm_call_at: dt.datetime | None = None
        self.dialog: FormDialog | None = None

        self.setWindowTitle(texts.WINDOW_TITLE.format(number=counter_number or "").line())
        self.setStyleSheet(STYLESHEET)
        self._actions = TaskRunner("counter-actions", self)
        self._reads = TaskRunner("counter-reads", self)
        self._actions.busy_changed.connect(self._on_actions_busy_changed)

        self.login_view = LoginView(counter_number)
        self.serve_view = ServeView()
        self.message_bar = MessageBar()
        self._stack = QStackedWidget()
        self._stack.addWidget(self.login_view)
        self._stack.addWidget(self.serve_view)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.addWidget(self._stack, 1)
        bar = QVBoxLayout()
        bar.setContentsMargins(12, 0, 12, 0)
        bar.addWidget(self.message_bar)
        layout.addLayout(bar)
        self.setCentralWidget(central)

        self.login_view.login_requested.connect(self._on_login_requested)
        self.login_view.supervisor_requested.connect(self._on_supervisor_requested)
        self.serve_view.action_requested.connect(self._on_action_requested)

        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(TICK_MS)
        self._tick_timer.timeout.connect(self.tick)
        self._busy_notice = BusyNotice(self._actions, self.message_bar, texts.BUSY, self)
        self.idle_lock = IdleLock(
            self,
            clock,
            self._stack,
            runner=self._actions,
            bar=self.message_bar,
            officer=lambda: self._session.officer.code if self._session else None,
            authenticate=lambda code, pin: sessions.authenticate(code, pin, tuple(Role)),
        )
        self.idle_lock.locking.connect(self._close_dialog)
        self.idle_lock.unlocked.connect(self.serve_view.setFocus)

        if watcher is not None:
            watcher.batch_received.connect(self._on_feed_batch)
            watcher.feed_failed.connect(self._on_feed_failed)
        self.refresh()

    # ------------------------------------------------------------------ state for tests and apps

    @property
    def locked(self) -> bool:
        """Hidden behind the officer's PIN after a while without input (shared.qt.idle_lock)."""
        return self.idle_lock.locked

    @property
    def unlock_view(self) -> UnlockView:
        return self.idle_lock.view

    @property
    def session(self) -> CounterSession | None:
        return self._session

    @property
    def counter(self) -> CounterView | None:
        return self._counter

    @property
    def services(self) -> list[ServiceView]:
        """The procedures read at login (for transfers)."""
        return self._services

    @property
    def ticket(self) -> TicketView | None:
        return self.serve_view.ticket_panel.ticket

    @property
    def busy(self) -> bool:
        return self._actions.busy

    # ------------------------------------------------------------------ Qt events

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._tick_timer.start()
        if self._session is None:
            self.login_view.focus_first()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing is not logging out: the counter stays held, as after a crash, and the same
        # officer gets it back with its ticket at the next login.
        self._tick_timer.stop()
        self._busy_notice.stop()
        self.idle_lock.stop()
        if self.dialog is not None:
            self.dialog.reject()
        self._actions.shutdown()
        self._reads.shutdown()
        super().closeEvent(event)

    # ------------------------------------------------------------------ timers and reading

    def tick(self) -> None:
        now = self._clock.now()
        self.serve_view.ticket_panel.tick(now)
        self.serve_view.queue_panel.tick(now)

    def refresh(self) -> None:
        """Read the queue panel and the counter again (after a change anywhere in the office)."""
        if self._reading:
            self._read_again = True
            return
        self._reading = True
        self._read_again = False
        session = self._session
        generation = self._generation
        if session is None:
            self._reads.submit(
                self._queries.counters,
                lambda counters: self._on_read_done(generation, counters),
                self._on_read_failed,
            )
            return
        number = session.counter.number
        self._reads.submit(
            lambda: self._queries.counter_queue(number),
            lambda view: self._on_read_done(generation, view),
            self._on_read_failed,
        )

    def _on_read_done(self, generation: int, result: Any) -> None:
        self._reading = False
        if self._read_again or generation != self._generation:
            self.refresh()
            return
        if self._session is None:
            if isinstance(result, list):
                self._counters = result
                self.login_view.set_counters(result)
            return
        if isinstance(result, CounterQueueView):
            self._apply_queue(result)

    def _on_read_failed(self, error: MotcuaError) -> None:
        self._reading = False
        log.warning("queue read failed: %s", error)
        if self._read_again:
            self.refresh()

    def _apply_queue(self, view: CounterQueueView) -> None:
        session = self._session
        assert session is not None
        counter = view.counter
        if counter.state is CounterState.CLOSED or counter.officer_code != session.officer.code:
            released = self._released_seen
            self._end_session()
            text = texts.RELEASED if released else texts.SESSION_LOST
            self.message_bar.show_text(MessageKind.ERROR, text.format(number=counter.number))
            return
        self.serve_view.queue_panel.show_queue(view)
        self._show_counter(counter)

    def _on_feed_batch(self, events: Sequence[EventView]) -> None:
        session = self._session
        if session is not None and any(
            e.kind is EventKind.COUNTER_RELEASED and e.counter_number == session.counter.number
            for e in events
        ):
            self._released_seen = True
        if session is None and not any(e.kind in _COUNTER_LIST_KINDS for e in events):
            return  # the login screen lists counters: tickets issued elsewhere change nothing
        self.refresh()

    def _on_feed_failed(self, _message: str) -> None:
        self.message_bar.show_text(MessageKind.BUSY, texts.FEED_FAILED)

    # ------------------------------------------------------------------ login and supervisor

    def _on_login_requested(self, request: LoginRequest) -> None:
        sessions, queries = self._sessions, self._queries

        def login() -> _LoggedIn:
            session = sessions.login(request.officer_code, request.pin, request.counter_number)
            office = queries.settings()
            return _LoggedIn(
                session,
                office.priority,
                queries.services(),
                queries.counters(),
                office.idle_lock_minutes,
            )

        self.message_bar.show_text(MessageKind.INFO, texts.LOGGING_IN)
        self._actions.submit(login, self._on_logged_in, self._on_login_failed)

    def _on_logged_in(self, result: _LoggedIn) -> None:
        session = result.session
        self._session = session
        self._released_seen = False
        self._generation += 1
        self._services = result.services
        self._counters = result.counters
        self.serve_view.ticket_panel.set_policy(result.policy)
        self.login_view.reset()
        self.idle_lock.start(result.idle_lock_minutes)
        self._stack.setCurrentWidget(self.serve_view)
        self.setWindowTitle(texts.WINDOW_TITLE.format(number=session.counter.number).line())
        self._show_counter(session.counter)
        ticket = session.counter.active_ticket
        if session.resumed and ticket is not None:
            status = texts.status_text(ticket.status)
            self.message_bar.show_text(
                MessageKind.INFO,
                texts.RESTORED.format(number=ticket.display_number, status=status.vi),
            )
        else:
            self.message_bar.show_text(
                MessageKind.INFO, texts.LOGGED_IN.format(name=session.officer.full_name)
            )
        self.serve_view.setFocus()
        self.session_started.emit(session)
        self.refresh()

    def _on_login_failed(self, error: MotcuaError) -> None:
        self.login_view.reset()
        self._show_error(error)

    def _on_supervisor_requested(self) -> None:
        dialog = SupervisorDialog(self)
        dialog.supervisor_requested.connect(self._on_supervisor_request)
        self._open_dialog(dialog)

    def _on_supervisor_request(self, request: SupervisorRequest) -> None:
        sessions = self._sessions
        if request.action is SupervisorAction.UNLOCK_OFFICER:
            self._actions.submit(
                lambda: sessions.unlock_officer(
                    request.supervisor_code, request.supervisor_pin, request.target
                ),
                lambda officer: self.message_bar.show_text(
                    MessageKind.INFO, texts.UNLOCKED.format(code=officer.code)
                ),
                self._show_error,
            )
        else:
            number = int(request.target)
            self._actions.submit(
                lambda: sessions.release_counter(
                    request.supervisor_code, request.supervisor_pin, number
                ),
                self._on_released,
                self._show_error,
            )

    def _on_released(self, counter: CounterView) -> None:
        self.message_bar.show_text(
            MessageKind.INFO, texts.RELEASED_BY_YOU.format(number=counter.number)
        )
        self.refresh()

    def _end_session(self) -> None:
        self.idle_lock.end()
        self._session = None
        self._counter = None
        self._generation += 1
        if self.dialog is not None:
            self.dialog.reject()
        self.serve_view.show_ticket(None, self._clock.now())
        self._stack.setCurrentWidget(self.login_view)
        self.login_view.focus_first()
        self.session_ended.emit()
        self.refresh()

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()

    # ------------------------------------------------------------------ actions

    def _on_action_requested(self, action: CounterAction) -> None:
        session = self._session
        if session is None or self._actions.busy or self.locked:
            return  # one action at a time: see ServeView.update_actions
        number = session.counter.number
        code = session.officer.code
        engine = self._engine
        confirmed = self._confirm_call_at is not None and (
            self._clock.now() - self._confirm_call_at <= CONFIRM_CALL
        )
        self._confirm_call_at = None
        if action is CounterAction.CALL_NEXT:
            ticket = self.ticket
            if ticket is not None and ticket.status is TicketStatus.SERVING and not confirmed:
                # A citizen is at the desk: Space or F1 by mistake would close their ticket.
                self._confirm_call_at = self._clock.now()
                self.message_bar.show_text(
                    MessageKind.INFO, texts.CONFIRM_CALL.format(number=ticket.display_number)
                )
                return
            self._run(action, lambda: engine.call_next(number, officer_code=code), self._on_called)
        elif action is CounterAction.RECALL:
            self._run(action, lambda: engine.recall(number), self._ticket_done(texts.RECALLED))
        elif action is CounterAction.NO_SHOW:
            self._run(
                action, lambda: engine.no_show(number), self._ticket_done(texts.MARKED_NO_SHOW)
            )
        elif action is CounterAction.START:
            self._run(action, lambda: engine.start(number), self._ticket_done(texts.STARTED))
        elif action is CounterAction.RESUME:
            self._run(action, lambda: engine.resume_counter(number), self._counter_done)
        elif action is CounterAction.LOGOUT:
            self._run(action, lambda: self._sessions.logout(number, code), self._on_logged_out)
        else:
            self._open_action_dialog(action)

    # ------------------------------------------------------------------ scripted use

    def login(self, officer_code: str, pin: str, counter_number: int) -> None:
        """Log in as the login form would (the demo's autopilot, tests)."""
        self._on_login_requested(LoginRequest(officer_code, pin, counter_number))

    def act(self, action: CounterAction) -> None:
        """Press an action that needs no form (call next, recall, no-show, start, resume...)."""
        self._on_action_requested(action)

    def finish_with(self, outcome: Outcome) -> None:
        """Finish the counter's ticket with OUTCOME, as the outcome dialog does."""
        session = self._session
        if session is None or self._actions.busy:
            return
        number, engine = session.counter.number, self._engine
        self._run(
            CounterAction.FINISH, lambda: engine.finish(number, outcome), self._finished(outcome)
        )

    def transfer_to(self, service_code: str, reason: str) -> None:
        """Send the counter's ticket to another service's queue, as the transfer dialog does."""
        session = self._session
        if session is None or self._actions.busy:
            return
        number = session.counter.number
        request = TransferRequest(to_service=service_code, to_counter=None, reason=reason)
        self._run(
            CounterAction.TRANSFER, lambda: self._transfer(number, request), self._on_transferred
        )

    def _open_action_dialog(self, action: CounterAction) -> None:
        session = self._session
        assert session is not None
        number = session.counter.number
        code = session.officer.code
        engine = self._engine
        dialog: FormDialog
        if action is CounterAction.FINISH:
            outcome_dialog = OutcomeDialog(self)
            outcome_dialog.outcome_chosen.connect(
                lambda outcome: self._run(
                    action, lambda: engine.finish(number, outcome), self._finished(outcome)
                )
            )
            dialog = outcome_dialog
        elif action is CounterAction.CALL_TICKET:
            call_dialog = CallTicketDialog(self)
            call_dialog.call_requested.connect(
                lambda display, reason: self._run(
                    action,
                    lambda: engine.call_ticket(number, display, reason, officer_code=code),
                    self._on_called,
                )
            )
            dialog = call_dialog
        elif action is CounterAction.TRANSFER:
            ticket = self.ticket
            transfer_dialog = TransferDialog(
                ticket.display_number if ticket else "",
                self._services,
                self._counters,
                number,
                parent=self,
            )
            transfer_dialog.transfer_requested.connect(
                lambda request: self._run(
                    action, lambda: self._transfer(number, request), self._on_transferred
                )
            )
            dialog = transfer_dialog
        else:
            pause_dialog = PauseDialog(self)
            pause_dialog.pause_requested.connect(
                lambda reason: self._run(
                    action, lambda: engine.pause_counter(number, reason), self._counter_done
                )
            )
            dialog = pause_dialog
        self._open_dialog(dialog)

    def _transfer(self, number: int, request: TransferRequest) -> TicketView:
        return self._engine.transfer(
            number,
            to_service=request.to_service,
            to_counter=request.to_counter,
            reason=request.reason,
        )

    def _open_dialog(self, dialog: FormDialog) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.dialog = dialog
        dialog.finished.connect(lambda _result, d=dialog: self._on_dialog_finished(d))
        dialog.open()

    def _on_dialog_finished(self, dialog: FormDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        if self._session is not None:
            self.serve_view.setFocus()

    def _run(
        self, action: CounterAction, work: Callable[[], Any], on_done: Callable[[Any], None]
    ) -> None:
        def done(result: Any) -> None:
            self._generation += 1
            _log_action(action, result, self._session)
            on_done(result)
            self.action_finished.emit(action)
            self.refresh()

        def failed(error: MotcuaError) -> None:
            self._generation += 1
            self._show_error(error)
            self.action_finished.emit(action)
            self.refresh()  # another counter may have changed what this one shows

        self._actions.submit(work, done, failed)

    def _on_called(self, result: CallResult) -> None:
        ticket = result.ticket
        if ticket is None:
            self._set_ticket(None)
            self.message_bar.show_text(MessageKind.INFO, texts.NOBODY_WAITING)
            return
        self._set_ticket(ticket)
        if result.closed_previous is not None:
            text = texts.CALLED_CLOSED.format(
                number=ticket.display_number, previous=result.closed_previous.display_number
            )
        else:
            text = texts.CALLED.format(number=ticket.display_number)
        self.message_bar.show_text(MessageKind.INFO, text)

    def _ticket_done(self, text: Text) -> Callable[[TicketView], None]:
        def show(ticket: TicketView) -> None:
            self._set_ticket(ticket if ticket.status in ACTIVE_STATUSES else None)
            self.message_bar.show_text(MessageKind.INFO, text.format(number=ticket.display_number))

        return show

    def _finished(self, outcome: Outcome) -> Callable[[TicketView], None]:
        vi, en = OUTCOME_LABELS[outcome]

        def show(ticket: TicketView) -> None:
            self._set_ticket(None)
            self.message_bar.show_text(
                MessageKind.INFO,
                texts.FINISHED.format(number=ticket.display_number, outcome=vi, outcome_en=en),
            )

        return show

    def _on_transferred(self, ticket: TicketView) -> None:
        self._set_ticket(None)
        if ticket.target_counter_number is not None:
            text = texts.TRANSFERRED_COUNTER.format(
                number=ticket.display_number, target=ticket.target_counter_number
            )
        else:
            text = texts.TRANSFERRED_SERVICE.format(
                number=ticket.display_number,
                target=f"{ticket.service_code} ({ticket.service_name_vi})",
            )
        self.message_bar.show_text(MessageKind.INFO, text)

    def _counter_done(self, counter: CounterView) -> None:
        self._show_counter(counter)
        text = texts.PAUSED if counter.state is CounterState.PAUSED else texts.RESUMED
        self.message_bar.show_text(MessageKind.INFO, text)

    def _on_logged_out(self, counter: CounterView) -> None:
        self._end_session()
        self.message_bar.show_text(MessageKind.INFO, texts.LOGGED_OUT.format(number=counter.number))

    # ------------------------------------------------------------------ showing

    def _set_ticket(self, ticket: TicketView | None) -> None:
        self.serve_view.show_ticket(ticket, self._clock.now())
        self._update_actions()

    def _show_counter(self, counter: CounterView) -> None:
        self._counter = counter
        session = self._session
        name = session.officer.full_name if session is not None else ""
        self.serve_view.show_counter(counter, name)
        self.serve_view.show_ticket(counter.active_ticket, self._clock.now())
        self._update_actions()

    def _update_actions(self) -> None:
        state = self._counter.state if self._counter is not None else CounterState.CLOSED
        self.serve_view.update_actions(state, self.ticket, busy=self._actions.busy)

    def _show_error(self, error: MotcuaError) -> None:
        self.message_bar.show_message(MessageKind.ERROR, error.vi, error.en)

    def _on_actions_busy_changed(self, busy: bool) -> None:
        self.login_view.set_busy(busy)
        self._update_actions()


_COUNTER_LIST_KINDS = frozenset(
    {
        EventKind.DATABASE_RESTORED,
        EventKind.COUNTER_OPENED,
        EventKind.COUNTER_PAUSED,
        EventKind.COUNTER_RESUMED,
        EventKind.COUNTER_CLOSED,
        EventKind.COUNTER_CHANGED,
        EventKind.COUNTER_RELEASED,
        EventKind.OFFICER_LOGGED_IN,
        EventKind.OFFICER_LOGGED_OUT,
    }
)


def _log_action(action: CounterAction, result: Any, session: CounterSession | None) -> None:
    """One log line per action done (JSON with --log-json: what end-to-end tests wait for)."""
    ticket = result.ticket if isinstance(result, CallResult) else result
    number = ticket.display_number if isinstance(ticket, TicketView) else None
    event = "ticket_called" if action is CounterAction.CALL_NEXT and number else f"counter_{action}"
    log.info(
        "%s %s",
        event,
        number or "",
        extra={
            "event": event,
            "ticket": number,
            "counter": session.counter.number if session else None,
            "officer": session.officer.code if session else None,
        },
    )
