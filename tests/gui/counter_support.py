"""Helpers of the counter window's tests, and the worker processes some of them spawn.

A spawned worker imports this module by name (gui.counter_support): keep it free of pytest
fixtures and of anything that needs the parent's state.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from counter.window import CounterWindow
from shared.clock import Clock, SystemClock
from shared.office.admin import OfficeAdmin
from shared.office.demo import DEMO_SERVICES
from shared.office.sessions import CounterSessions
from shared.qt.feed_watcher import FeedWatcher
from shared.queue.engine import QueueEngine
from shared.queue.feed import ChangeFeed
from shared.queue.queries import QueueQueries
from shared.rules.domain import Role
from shared.rules.numbering import NumberingFormat
from shared.storage.database import Database, open_database, sqlite_url
from shared.storage.schema import upgrade

OFFICERS = (
    ("cb01", "Nguyễn Văn An", Role.OFFICER, "1111"),
    ("cb02", "Trần Thị Bình", Role.OFFICER, "2222"),
    ("cb03", "Lê Hoàng Cường", Role.OFFICER, "3333"),
    ("ld01", "Võ Minh Đức", Role.SUPERVISOR, "9999"),
)
PINS = {code: pin for code, _, _, pin in OFFICERS}
# 08:00 in Asia/Ho_Chi_Minh on a Monday.
MONDAY_0800 = dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC)
WAIT_S = 20.0


def make_office(path: Path, clock: Clock | None = None, counters: int = 3) -> str:
    """A new SQLite file with the demo office's services, closed counters and the officers."""
    url = sqlite_url(path)
    db = open_database(url, create=True)
    upgrade(db)
    admin = OfficeAdmin(db, clock or SystemClock())
    for service in DEMO_SERVICES:
        admin.add_service(
            service.code, service.name_vi, service.name_en, NumberingFormat.parse(service.block)
        )
    for number in range(1, counters + 1):
        admin.add_counter(number)
    for code, name, role, pin in OFFICERS:
        admin.add_officer(code, name, role, pin)
    db.dispose()
    return url


@dataclass
class CounterHarness:
    """A counter window on its own Database, as on its own PC."""

    window: CounterWindow
    db: Database
    engine: QueueEngine
    watcher: FeedWatcher

    def close(self) -> None:
        self.watcher.stop()
        self.window.close()
        self.db.dispose()


def open_counter(
    url: str, clock: Clock, counter_number: int | None = None, *, watch: bool = True
) -> CounterHarness:
    db = open_database(url)
    engine = QueueEngine(db, clock)
    watcher = FeedWatcher(ChangeFeed(db))
    window = CounterWindow(
        engine,
        QueueQueries(db, clock),
        CounterSessions(db, clock),
        watcher if watch else None,
        clock,
        counter_number=counter_number,
    )
    if watch:
        watcher.start()
    window.resize(1366, 768)
    window.show()
    return CounterHarness(window, db, engine, watcher)


def fill_login(window: CounterWindow, code: str, pin: str, counter: int | None = None) -> None:
    view = window.login_view
    view.code_edit.setText(code)
    view.pin_edit.setText(pin)
    if counter is not None:
        view.select_counter(counter)
    view.login_button.click()


def activate(window: CounterWindow) -> None:
    """Make the window the active one (shortcuts only reach the active window)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    if app.activeWindow() is window:
        return
    window.activateWindow()
    _pump(app, lambda: app.activeWindow() is window)


def press(window: CounterWindow, key: Qt.Key) -> None:
    """A key as the officer types it: shortcuts go through the window's shortcut map."""
    activate(window)
    QTest.keyClick(window.serve_view, key)


# ---------------------------------------------------------------------- worker processes


def _pump(app: QApplication, done: Callable[[], bool], timeout_s: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("the counter window did not get there in time")
        app.processEvents()
        time.sleep(0.002)


def _worker_window(url: str, code: str, counter: int) -> tuple[QApplication, CounterHarness]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    harness = open_counter(url, SystemClock(), counter)
    fill_login(harness.window, code, PINS[code])
    _pump(app, lambda: harness.window.session is not None)
    return app, harness


def call_repeatedly(url: str, code: str, counter: int, go: Any, results: Any, calls: int) -> None:
    """A counter process: log in, wait for GO, press F1 CALLS times, report the numbers called."""
    app, harness = _worker_window(url, code, counter)
    window = harness.window
    results.put(("ready", counter, []))
    go.wait(WAIT_S)
    called: list[str] = []
    for _ in range(calls):
        finished: list[object] = []
        window.action_finished.connect(finished.append)
        press(window, Qt.Key.Key_F1)
        _pump(app, lambda finished=finished: bool(finished))
        window.action_finished.disconnect()
        if window.ticket is not None:
            called.append(window.ticket.display_number)
    results.put(("done", counter, called))
    harness.close()


def serve_and_hang(url: str, code: str, counter: int, ready: Any) -> None:
    """A counter process that calls and starts a ticket, then hangs until it is killed."""
    app, harness = _worker_window(url, code, counter)
    window = harness.window
    press(window, Qt.Key.Key_F1)
    _pump(app, lambda: window.ticket is not None)
    press(window, Qt.Key.Key_F4)
    _pump(app, lambda: window.ticket is not None and window.ticket.started_at is not None)
    ready.set()
    while True:  # the PC is about to lose power
        app.processEvents()
        time.sleep(0.01)


def issue_when_told(url: str, service: str, go: Any, issued: Any) -> None:
    """A kiosk process: issue one ticket when told, and say when it was committed."""
    db = open_database(url)
    engine = QueueEngine(db, SystemClock())
    engine.estimate(service)  # warm up: the connection and the office's settings
    issued.put(("ready", 0.0, ""))
    go.wait(WAIT_S)
    # Taken before the transaction: the latency the parent measures from it is an upper bound.
    started = time.monotonic()
    result = engine.issue_ticket(service)
    issued.put(("issued", started, result.ticket.display_number))
    db.dispose()
