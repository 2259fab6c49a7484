"""The supervisor window: login, then live numbers, audit, reports and (for admins) settings.

Every database call runs on a TaskRunner: reads on one (the live numbers follow the change feed
even while an action waits for the write lock), actions on the other. Events from the feed are
coalesced: a burst of calls at opening time gives one read, not one per event.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from shared.bilingual import Text
from shared.clock import Clock
from shared.errors import MotcuaError
from shared.insight.audit import AuditEntry, audit_day
from shared.insight.export import to_csv, to_xlsx
from shared.insight.metrics import LiveMetrics, live_metrics
from shared.insight.reports import Report, report
from shared.office.admin import OfficeAdmin
from shared.office.sessions import CounterSessions
from shared.qt.feed_watcher import FeedWatcher
from shared.qt.idle_lock import IdleLock, UnlockView
from shared.qt.login_form import BusyNotice
from shared.qt.message_bar import MessageBar, MessageKind
from shared.qt.tasks import TaskRunner
from shared.queue.authz import OfficerIdentity
from shared.queue.queries import QueueQueries
from shared.rules.domain import EventView, Role
from shared.rules.numbering import business_day, load_zone
from shared.rules.settings import OfficeSettings
from shared.storage.database import Database
from supervisor import texts
from supervisor.admin_view import AdminChange, AdminView
from supervisor.audit_view import AuditView
from supervisor.live_view import LiveView
from supervisor.login_view import LoginView
from supervisor.reports_view import ReportRequest, ReportsView
from supervisor.theme import STYLESHEET

log = logging.getLogger(__name__)

COALESCE_MS = 250  # events of one burst are read once
REFRESH_MS = 15_000  # waits grow without any event: read again now and then


@dataclass(frozen=True, slots=True)
class _Reading:
    metrics: LiveMetrics
    settings: OfficeSettings
    audit_day: dt.date
    audit: list[AuditEntry] | None


class SupervisorWindow(QMainWindow):
    """The supervisor's window.

    Args:
        db: the database (live numbers, audit and reports read it through shared/ functions).
        queries: read-side queries (office settings).
        sessions: authentication (supervisor or admin), unlock and release.
        admin: the configuration use cases (each checks that the acting officer is an admin).
        watcher: the change feed as signals; None in tests that call refresh() themselves.
        clock: the time the numbers are computed at.

    Signals:
        logged_in(OfficerIdentity): a supervisor or admin logged in.
        logged_out(): back to the login screen.
        live_refreshed(LiveMetrics): the live tab shows this reading.
        audit_refreshed(list): the audit tab shows these AuditEntry rows.
        report_ready(Report): the reports tab shows this report.
        action_finished(object): an action's result, or its MotcuaError, is on the screen.
    """

    logged_in = Signal(object)
    logged_out = Signal()
    live_refreshed = Signal(object)
    audit_refreshed = Signal(list)
    report_ready = Signal(object)
    action_finished = Signal(object)

    def __init__(
        self,
        db: Database,
        queries: QueueQueries,
        sessions: CounterSessions,
        admin: OfficeAdmin,
        clock: Clock,
        *,
        watcher: FeedWatcher | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._queries = queries
        self._sessions = sessions
        self._admin = admin
        self._clock = clock
        self._actor: OfficerIdentity | None = None
        self._settings = OfficeSettings()
        self._reading = False
        self._read_again = False
        self._day_checked = False
        self.metrics: LiveMetrics | None = None

        self.setWindowTitle(texts.WINDOW_TITLE.line())
        self.setStyleSheet(STYLESHEET)
        self._actions = TaskRunner("supervisor-actions", self)
        self._reads = TaskRunner("supervisor-reads", self)
        self._actions.busy_changed.connect(self._on_actions_busy_changed)
        self._build()
        self._coalesce_timer = QTimer(self)
        self._coalesce_timer.setSingleShot(True)
        self._coalesce_timer.setInterval(COALESCE_MS)
        self._coalesce_timer.timeout.connect(self.refresh)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self._busy_notice = BusyNotice(self._actions, self.message_bar, texts.BUSY, self)
        self.idle_lock = IdleLock(
            self,
            clock,
            self._stack,
            runner=self._actions,
            bar=self.message_bar,
            officer=lambda: self._actor.code if self._actor else None,
            authenticate=sessions.authenticate,
        )
        self._has_feed = watcher is not None
        if watcher is not None:
            watcher.batch_received.connect(self._on_feed_batch)
            watcher.feed_failed.connect(self._on_feed_failed)

    def _build(self) -> None:
        self.login_view = LoginView()
        self.live_view = LiveView()
        self.audit_view = AuditView()
        self.reports_view = ReportsView()
        self.admin_view = AdminView()
        self.header = QLabel()
        self.header.setObjectName("header")
        self.logout_button = QPushButton(texts.LOGOUT.line())
        self.tabs = QTabWidget()
        self.tabs.addTab(self.live_view, texts.TAB_LIVE.line())
        self.tabs.addTab(self.audit_view, texts.TAB_AUDIT.line())
        self.tabs.addTab(self.reports_view, texts.TAB_REPORTS.line())
        self.tabs.addTab(self.admin_view, texts.TAB_ADMIN.line())
        self.message_bar = MessageBar(one_line=True)

        main = QWidget()
        main_layout = QVBoxLayout(main)
        main_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.logout_button)
        main_layout.addLayout(top)
        main_layout.addWidget(self.tabs, 1)
        self._stack = QStackedWidget()
        self._stack.addWidget(self.login_view)
        self._stack.addWidget(main)
        self._main = main
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.addWidget(self._stack, 1)
        layout.addWidget(self.message_bar)
        self.setCentralWidget(central)

        self.login_view.login_requested.connect(self.login)
        self.logout_button.clicked.connect(self.logout)
        self.live_view.release_requested.connect(self._on_release_requested)
        self.live_view.unlock_requested.connect(self.unlock_officer)
        self.live_view.hint.connect(lambda text: self.message_bar.show_text(MessageKind.INFO, text))
        self.audit_view.day_requested.connect(self.show_audit)
        self.reports_view.report_requested.connect(self.run_report)
        self.reports_view.export_requested.connect(self.export_report)
        self.admin_view.change_requested.connect(self.apply_change)

    # ------------------------------------------------------------------ state

    @property
    def locked(self) -> bool:
        """Hidden behind the officer's PIN after a while without input (shared.qt.idle_lock)."""
        return self.idle_lock.locked

    @property
    def unlock_view(self) -> UnlockView:
        return self.idle_lock.view

    @property
    def actor(self) -> OfficerIdentity | None:
        return self._actor

    @property
    def busy(self) -> bool:
        return self._actions.busy or self._reads.busy

    def wait_for_tasks(self, timeout_s: float = 10.0) -> None:
        """Block until the tasks submitted so far have run (tests, screenshots)."""
        self._actions.wait_idle(timeout_s)
        self._reads.wait_idle(timeout_s)

    # ------------------------------------------------------------------ Qt events

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._actor is None:
            self.login_view.reset()
        else:
            self._refresh_timer.start()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._coalesce_timer.stop()
        self._refresh_timer.stop()
        self._busy_notice.stop()
        self.idle_lock.stop()
        self._actions.shutdown()
        self._reads.shutdown()
        super().closeEvent(event)

    # ------------------------------------------------------------------ login

    def login(self, code: str, pin: str) -> None:
        sessions = self._sessions
        self.message_bar.show_text(MessageKind.INFO, texts.LOGGING_IN)
        self._actions.submit(
            lambda: sessions.authenticate(code, pin), self._on_logged_in, self._on_login_failed
        )

    def _on_logged_in(self, actor: OfficerIdentity) -> None:
        self._actor = actor
        self.login_view.reset()
        is_admin = actor.role is Role.ADMIN
        self.tabs.setTabVisible(self.tabs.indexOf(self.admin_view), is_admin)
        self.tabs.setCurrentWidget(self.live_view)
        self._stack.setCurrentWidget(self._main)
        self.idle_lock.start(self._settings.idle_lock_minutes)
        role = texts.ROLES[str(actor.role)]
        self.message_bar.show_text(
            MessageKind.INFO,
            texts.WELCOME.format(name=actor.full_name, role=role.vi, code=actor.code),
        )
        # A first guess (the default time zone); the first reading sets the office's own day.
        today = business_day(self._clock.now(), load_zone(self._settings.time_zone))
        self.audit_view.set_day(today)
        self.reports_view.set_range(today, today)
        self._day_checked = False
        self._refresh_timer.start()
        self.logged_in.emit(actor)
        self.refresh()

    def _on_login_failed(self, error: MotcuaError) -> None:
        self.login_view.reset()
        self._show_error(error)

    def logout(self) -> None:
        self._actor = None
        self.idle_lock.end()
        self._refresh_timer.stop()
        self._coalesce_timer.stop()
        self._stack.setCurrentWidget(self.login_view)
        self.login_view.reset()
        self.message_bar.show_text(MessageKind.INFO, texts.LOGGED_OUT)
        self.logged_out.emit()

    # ------------------------------------------------------------------ reading

    def refresh(self) -> None:
        """Read the live numbers (and today's audit, if shown) again, off the GUI thread."""
        if self._actor is None:
            return
        if self._reading:
            self._read_again = True
            return
        self._reading = True
        self._read_again = False
        db, clock, queries = self._db, self._clock, self._queries
        shown_day = self.audit_view.day()

        def read() -> _Reading:
            metrics = live_metrics(db, clock)
            office = queries.settings()
            audit = audit_day(db, clock, shown_day) if shown_day == metrics.business_day else None
            return _Reading(metrics, office, shown_day, audit)

        self._reads.submit(read, self._on_read_done, self._on_read_failed)

    def _on_read_done(self, reading: _Reading) -> None:
        self._reading = False
        if self._read_again:
            self.refresh()
        if self._actor is None:
            return
        self._settings = reading.settings
        self.idle_lock.minutes = reading.settings.idle_lock_minutes
        self.metrics = reading.metrics
        if not self._day_checked:
            self._day_checked = True
            day = reading.metrics.business_day
            if day != reading.audit_day:  # the office is in another time zone
                self.reports_view.set_range(day, day)
                self.show_audit(day)
        self.live_view.show_metrics(reading.metrics)
        self._show_header()
        if not self.admin_view.settings_loaded:
            self.admin_view.show_settings(reading.settings)
        if reading.audit is not None and reading.audit_day == self.audit_view.day():
            self.audit_view.show_entries(reading.audit)
            self.audit_refreshed.emit(reading.audit)
        self.live_refreshed.emit(reading.metrics)

    def _on_read_failed(self, error: MotcuaError) -> None:
        self._reading = False
        log.warning("live read failed: %s", error)
        self._show_error(error)
        if self._read_again:
            self.refresh()

    def _show_header(self) -> None:
        actor, metrics = self._actor, self.metrics
        if actor is None or metrics is None:
            return
        zone = load_zone(self._settings.time_zone)
        at = metrics.at.astimezone(zone)
        role = texts.ROLES[str(actor.role)]
        self.header.setText(
            f"{self._settings.office_name} · {actor.full_name} ({role.vi} / {role.en}) · "
            f"{metrics.business_day.strftime('%d/%m/%Y')} · cập nhật / updated "
            f"{at.strftime('%H:%M:%S')}"
        )

    def _on_feed_batch(self, events: Sequence[EventView]) -> None:
        if self._actor is not None and events and not self._coalesce_timer.isActive():
            self._coalesce_timer.start()

    def _on_feed_failed(self, _message: str) -> None:
        self.message_bar.show_text(MessageKind.BUSY, texts.FEED_FAILED)

    def show_audit(self, day: dt.date) -> None:
        db, clock = self._db, self._clock
        self.audit_view.set_day(day)

        def shown(entries: list[AuditEntry]) -> None:
            if day == self.audit_view.day():
                self.audit_view.show_entries(entries)
                self.audit_refreshed.emit(entries)

        self._reads.submit(lambda: audit_day(db, clock, day), shown, self._show_error)

    # ------------------------------------------------------------------ reports

    def run_report(self, request: ReportRequest) -> None:
        db, clock = self._db, self._clock
        self.reports_view.set_range(request.date_from, request.date_to)
        self.reports_view.set_grouping(request.by)

        def shown(rep: Report) -> None:
            self.reports_view.show_report(rep)
            self.report_ready.emit(rep)

        # report() may first store the summaries of closed days (a short write): an action.
        self._actions.submit(
            lambda: report(db, request.date_from, request.date_to, request.by, clock=clock),
            shown,
            self._action_failed,
        )

    def export_report(self, kind: str, path: str | Path) -> None:
        """Write the report on screen as "csv" or "xlsx" to PATH (the file dialog's choice)."""
        rep = self.reports_view.report
        if rep is None:
            self.message_bar.show_text(MessageKind.ERROR, texts.NO_REPORT)
            return
        out = Path(path)

        def write() -> Path:
            try:
                (to_csv if kind == "csv" else to_xlsx)(rep, out)
            except OSError as exc:
                raise MotcuaError(
                    f"Không ghi được tệp {out}: {exc.strerror}",
                    f"cannot write {out}: {exc.strerror}",
                ) from exc
            return out

        self._run(write, lambda p: texts.EXPORTED.format(path=p))

    # ------------------------------------------------------------------ actions

    def release_counter(self, number: int) -> None:
        """Release a counter held by a dead PC (as the logged-in supervisor)."""
        actor, sessions = self._require_actor(), self._sessions
        self._run(
            lambda: sessions.release_counter_as(actor, number),
            lambda view: texts.RELEASED.format(number=view.number),
        )

    def unlock_officer(self, code: str) -> None:
        actor, sessions = self._require_actor(), self._sessions
        self._run(
            lambda: sessions.unlock_officer_as(actor, code),
            lambda officer: texts.UNLOCKED.format(code=officer.code),
        )

    def apply_change(self, change: AdminChange) -> None:
        """Make a change of the administration tab as the logged-in officer."""
        actor, admin, sessions = self._require_actor(), self._admin, self._sessions
        self._run(
            lambda: change.apply(admin, sessions, actor),
            lambda _result: Text(
                texts.SAVED.vi.format(what=change.what.vi),
                texts.SAVED.en.format(what=change.what.en),
            ),
        )

    def _on_release_requested(self, number: int) -> None:
        text = texts.RELEASE_CONFIRM.format(number=number)
        answer = QMessageBox.question(self, texts.RELEASE.line(), f"{text.vi}\n{text.en}")
        if answer == QMessageBox.StandardButton.Yes:
            self.release_counter(number)

    def _require_actor(self) -> OfficerIdentity:
        if self._actor is None:
            raise RuntimeError("nobody is logged in")
        return self._actor

    def _run(self, work: Callable[[], Any], message: Callable[[Any], Text]) -> None:
        if self.locked:
            return  # nothing is done under a locked window's officer

        def done(result: Any) -> None:
            self.message_bar.show_text(MessageKind.INFO, message(result))
            self.action_finished.emit(result)
            self._refresh_after_action()

        self._actions.submit(work, done, self._action_failed)

    def _action_failed(self, error: MotcuaError) -> None:
        self._show_error(error)
        self.action_finished.emit(error)
        self._refresh_after_action()

    def _refresh_after_action(self) -> None:
        """With the change feed, one coalesced refresh (the action's own event would start
        another one); without it, at once."""
        if self._has_feed:
            self._coalesce_timer.start()
        else:
            self.refresh()

    def _show_error(self, error: MotcuaError) -> None:
        self.message_bar.show_message(MessageKind.ERROR, error.vi, error.en)

    def _on_actions_busy_changed(self, busy: bool) -> None:
        self.login_view.set_busy(busy)
