"""Counter windows in separate processes, as on separate PCs: calls never collide, the queue panel
follows another process within 200 ms, and a killed counter gets its ticket back at login."""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from gui.counter_support import (
    WAIT_S,
    CounterHarness,
    call_repeatedly,
    fill_login,
    issue_when_told,
    make_office,
    open_counter,
    serve_and_hang,
)
from shared.clock import SystemClock
from shared.queue.engine import QueueEngine
from shared.rules.domain import TicketStatus
from shared.storage.database import open_database

SPAWN = mp.get_context("spawn")
WAIT_MS = int(WAIT_S * 1000)


@pytest.fixture
def office(tmp_path: Path) -> str:
    return make_office(tmp_path / "q.db")


@pytest.fixture
def window(qtbot: QtBot, office: str) -> Iterator[CounterHarness]:
    harness = open_counter(office, SystemClock())
    qtbot.addWidget(harness.window)
    yield harness
    harness.close()


def _login(qtbot: QtBot, harness: CounterHarness, code: str, pin: str, counter: int) -> None:
    window = harness.window
    qtbot.waitUntil(lambda: window.login_view.counter_box.count() > 0, timeout=WAIT_MS)
    fill_login(window, code, pin, counter)
    qtbot.waitUntil(lambda: window.serve_view.queue_panel.view is not None, timeout=WAIT_MS)


def test_two_counter_processes_calling_at_once_get_different_tickets(office: str) -> None:
    db = open_database(office)
    kiosk = QueueEngine(db, SystemClock())
    for _ in range(16):
        kiosk.issue_ticket("CT")
    db.dispose()
    go = SPAWN.Event()
    results = SPAWN.Queue()
    workers = [
        SPAWN.Process(target=call_repeatedly, args=(office, code, number, go, results, 8))
        for code, number in (("cb01", 1), ("cb02", 2))
    ]
    for worker in workers:
        worker.start()
    try:
        ready = [results.get(timeout=60) for _ in workers]
        assert {r[0] for r in ready} == {"ready"}
        go.set()  # both windows press F1 at the same moment, eight times each
        done = {
            counter: called for _, counter, called in (results.get(timeout=60) for _ in workers)
        }
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
    assert [w.exitcode for w in workers] == [0, 0]
    assert len(done[1]) == len(done[2]) == 8
    assert not set(done[1]) & set(done[2])
    assert sorted(done[1] + done[2]) == [str(1001 + i) for i in range(16)]


def test_the_queue_panel_shows_a_ticket_issued_by_another_process_within_200_ms(
    qtbot: QtBot, window: CounterHarness, office: str
) -> None:
    _login(qtbot, window, "cb01", "1111", 1)
    panel = window.window.serve_view.queue_panel
    assert panel.waiting("DX") == 0
    shown_at: list[float] = []
    panel.updated.connect(
        lambda view: shown_at.append(time.monotonic()) if panel.waiting("DX") == 1 else None
    )
    go = SPAWN.Event()
    issued = SPAWN.Queue()
    kiosk = SPAWN.Process(target=issue_when_told, args=(office, "DX", go, issued))
    kiosk.start()
    try:
        assert issued.get(timeout=60)[0] == "ready"
        go.set()
        # The issue asks for 200 ms. This wait starts before the kiosk process even begins its
        # transaction, so it is stricter than "after the commit"; the change feed polls every
        # 25 ms and the panel's read takes a few milliseconds.
        qtbot.waitUntil(lambda: panel.waiting("DX") == 1, timeout=200)
        _, started, number = issued.get(timeout=60)
    finally:
        kiosk.join(timeout=30)
    assert kiosk.exitcode == 0
    assert number == "4001"
    print(f"queue panel latency: {(shown_at[0] - started) * 1000:.1f} ms")  # shown with -s


def test_a_killed_counter_gets_its_ticket_back_at_the_next_login(
    qtbot: QtBot, window: CounterHarness, office: str
) -> None:
    db = open_database(office)
    QueueEngine(db, SystemClock()).issue_ticket("CT")
    db.dispose()
    ready = SPAWN.Event()
    dead = SPAWN.Process(target=serve_and_hang, args=(office, "cb01", 1, ready))
    dead.start()
    try:
        assert ready.wait(60), "the counter process did not start serving"
    finally:
        dead.kill()  # the power cut
        dead.join(timeout=30)
    assert dead.exitcode is not None
    assert dead.exitcode < 0

    _login(qtbot, window, "cb01", "1111", 1)
    restored = window.window.ticket
    assert restored is not None
    assert restored.display_number == "1001"
    assert restored.status is TicketStatus.SERVING
    assert window.window.session is not None
    assert window.window.session.resumed
    assert window.window.message_bar.vi.startswith("Đã khôi phục phiên làm việc: số 1001")
