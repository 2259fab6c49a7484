"""The counter window in one process: login, every action by key and by button, messages,
live timers, lockout and supervisor actions, a busy database, two windows calling at once."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from counter.call_ticket_dialog import CallTicketDialog
from counter.outcome_dialog import OutcomeDialog
from counter.pause_dialog import PauseDialog
from counter.serve_view import CounterAction
from counter.supervisor_dialog import SupervisorDialog
from counter.transfer_dialog import TransferDialog
from gui.counter_support import (
    MONDAY_0800,
    CounterHarness,
    fill_login,
    make_office,
    open_counter,
    press,
)
from shared.clock import FakeClock
from shared.office.admin import OfficeAdmin
from shared.office.sessions import CounterSessions
from shared.qt.message_bar import MessageKind
from shared.queue.engine import QueueEngine
from shared.queue.queries import QueueQueries
from shared.rules.domain import CounterState, EventView, Outcome, TicketStatus
from shared.storage.database import open_database

WAIT_MS = 10_000

Opener = Callable[..., CounterHarness]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_0800)


@pytest.fixture
def office(tmp_path: Path, clock: FakeClock) -> str:
    return make_office(tmp_path / "q.db", clock)


@pytest.fixture
def kiosk(office: str, clock: FakeClock) -> Iterator[QueueEngine]:
    """The engine of another PC (the kiosk, the command line) on the same database."""
    db = open_database(office)
    yield QueueEngine(db, clock)
    db.dispose()


@pytest.fixture
def log(office: str, clock: FakeClock) -> Iterator[Callable[[], list[EventView]]]:
    db = open_database(office)
    queries = QueueQueries(db, clock)

    def read() -> list[EventView]:
        events: list[EventView] = []
        while batch := queries.events_after(events[-1].id if events else 0):
            events.extend(batch)
        return events

    yield read
    db.dispose()


@pytest.fixture
def opener(qtbot: QtBot, office: str, clock: FakeClock) -> Iterator[Opener]:
    opened: list[CounterHarness] = []

    def open_(counter_number: int | None = None) -> CounterHarness:
        harness = open_counter(office, clock, counter_number)
        qtbot.addWidget(harness.window)
        qtbot.waitExposed(harness.window)
        opened.append(harness)
        return harness

    yield open_
    for harness in opened:
        harness.close()


def login(qtbot: QtBot, harness: CounterHarness, code: str, pin: str, counter: int = 1) -> None:
    window = harness.window
    # The counter list is read off the GUI thread at start.
    qtbot.waitUntil(lambda: window.login_view.counter_box.count() > 0, timeout=WAIT_MS)
    fill_login(window, code, pin, counter)
    qtbot.waitUntil(lambda: window.session is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.serve_view.queue_panel.view is not None, timeout=WAIT_MS)


def act(qtbot: QtBot, harness: CounterHarness, do: Callable[[], None]) -> None:
    """Do something that starts one action, and wait until its result is on the screen."""
    with qtbot.waitSignal(harness.window.action_finished, timeout=WAIT_MS):
        do()


def key(qtbot: QtBot, harness: CounterHarness, k: Qt.Key) -> None:
    act(qtbot, harness, lambda: press(harness.window, k))


def shown(harness: CounterHarness) -> str | None:
    ticket = harness.window.ticket
    return None if ticket is None else ticket.display_number


def kinds_since(log: Callable[[], list[EventView]], last: int) -> list[str]:
    return [str(e.kind) for e in log() if e.id > last]


def last_id(log: Callable[[], list[EventView]]) -> int:
    return log()[-1].id


# ---------------------------------------------------------------------- login and actions


def test_every_action_by_its_key(
    qtbot: QtBot, opener: Opener, kiosk: QueueEngine, log: Callable[[], list[EventView]]
) -> None:
    for _ in range(3):
        kiosk.issue_ticket("CT")
    counter = opener()
    login(qtbot, counter, "cb01", "1111", 1)
    window = counter.window
    assert window.counter is not None
    assert window.counter.state is CounterState.OPEN

    key(qtbot, counter, Qt.Key.Key_F1)
    assert shown(counter) == "1001"
    assert window.message_bar.vi == "Đã gọi số 1001"

    key(qtbot, counter, Qt.Key.Key_F2)
    assert window.ticket is not None
    assert window.ticket.call_count == 2
    assert "Đã gọi 2 lần" in window.serve_view.ticket_panel.status_label.text()

    key(qtbot, counter, Qt.Key.Key_F3)
    assert window.ticket is None
    assert window.message_bar.vi == "Số 1001: vắng mặt"

    key(qtbot, counter, Qt.Key.Key_Space)
    assert shown(counter) == "1002"

    key(qtbot, counter, Qt.Key.Key_F4)
    assert window.ticket is not None
    assert window.ticket.status is TicketStatus.SERVING

    # F4 again: finish, choosing the outcome with its number key.
    press(window, Qt.Key.Key_F4)
    outcome = window.dialog
    assert isinstance(outcome, OutcomeDialog)
    outcome.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is outcome, timeout=WAIT_MS)
    act(qtbot, counter, lambda: QTest.keyClick(outcome, Qt.Key.Key_2))
    assert window.ticket is None
    assert window.message_bar.vi == "Số 1002: Đã trả kết quả"

    # F5: call the citizen who was away, out of order, with a reason.
    press(window, Qt.Key.Key_F5)
    dialog = window.dialog
    assert isinstance(dialog, CallTicketDialog)
    dialog.number_edit.setText("1001")
    dialog.reason_box.setCurrentText("Công dân quay lại")
    act(qtbot, counter, dialog.ok_button.click)
    assert shown(counter) == "1001"

    # F6: transfer to another service.
    press(window, Qt.Key.Key_F6)
    transfer = window.dialog
    assert isinstance(transfer, TransferDialog)
    transfer.service_box.setCurrentIndex(transfer.service_box.findData("DX"))
    transfer.reason_edit.setText("thủ tục xe")
    act(qtbot, counter, transfer.ok_button.click)
    assert window.ticket is None
    assert "DX" in window.message_bar.vi

    # F7: pause with a reason; call next does nothing while paused; F7 again resumes.
    press(window, Qt.Key.Key_F7)
    pause = window.dialog
    assert isinstance(pause, PauseDialog)
    pause.reason_box.setCurrentText("Họp giao ban")
    act(qtbot, counter, pause.ok_button.click)
    assert window.counter.state is CounterState.PAUSED
    assert "Họp giao ban" in window.serve_view.state_label.text()
    assert not window.serve_view.call_button.isEnabled()
    before = last_id(log)
    press(window, Qt.Key.Key_F1)
    assert not window.busy
    key(qtbot, counter, Qt.Key.Key_F7)
    assert window.counter.state is CounterState.OPEN
    assert kinds_since(log, before) == ["counter_resumed"]

    events = log()
    assert [str(e.kind) for e in events if e.counter_number == 1 and e.ticket_id] == [
        "ticket_called",
        "ticket_recalled",
        "ticket_no_show",
        "ticket_called",
        "service_started",
        "ticket_finished",
        "ticket_called",
        "ticket_transferred",
    ]
    out_of_order = [e for e in events if e.kind == "ticket_called"][-1]
    assert out_of_order.display_number == "1001"
    assert out_of_order.details["out_of_order"] is True
    assert out_of_order.details["reason"] == "Công dân quay lại"
    assert out_of_order.officer_code == "cb01"
    finished = next(e for e in events if e.kind == "ticket_finished")
    assert finished.details["outcome"] == "result_returned"
    paused = next(e for e in events if e.kind == "counter_paused")
    assert paused.details["reason"] == "Họp giao ban"


def test_every_action_by_its_button(
    qtbot: QtBot, opener: Opener, kiosk: QueueEngine, log: Callable[[], list[EventView]]
) -> None:
    for _ in range(2):
        kiosk.issue_ticket("CT")
    kiosk.open_counter(3)
    counter = opener(2)  # this PC's counter comes from its config: no choice at login
    assert not counter.window.login_view.counter_box.isVisible()
    login(qtbot, counter, "cb02", "2222")
    window = counter.window
    assert window.counter is not None
    assert window.counter.number == 2
    buttons = window.serve_view.buttons

    act(qtbot, counter, buttons[CounterAction.CALL_NEXT].click)
    assert shown(counter) == "1001"
    act(qtbot, counter, buttons[CounterAction.RECALL].click)
    act(qtbot, counter, buttons[CounterAction.START].click)
    buttons[CounterAction.FINISH].click()
    outcome = window.dialog
    assert isinstance(outcome, OutcomeDialog)
    act(qtbot, counter, outcome.buttons[Outcome.DOSSIER_RECEIVED].click)
    assert window.ticket is None

    act(qtbot, counter, buttons[CounterAction.CALL_NEXT].click)
    assert shown(counter) == "1002"
    act(qtbot, counter, buttons[CounterAction.NO_SHOW].click)
    buttons[CounterAction.CALL_TICKET].click()
    call = window.dialog
    assert isinstance(call, CallTicketDialog)
    call.number_edit.setText("1002")
    call.reason_box.setCurrentText("")
    call.ok_button.click()
    assert "Cần ghi lý do" in call.error_label.text()  # refused in the dialog, nothing sent
    call.reason_box.setCurrentText("Công dân quay lại bổ sung hồ sơ")
    act(qtbot, counter, call.ok_button.click)
    assert shown(counter) == "1002"

    buttons[CounterAction.TRANSFER].click()
    transfer = window.dialog
    assert isinstance(transfer, TransferDialog)
    transfer.to_counter_radio.setChecked(True)
    transfer.counter_box.setCurrentIndex(transfer.counter_box.findData(3))
    act(qtbot, counter, transfer.ok_button.click)
    assert window.message_bar.vi == "Đã chuyển số 1002 đến quầy 3"

    buttons[CounterAction.PAUSE].click()
    pause = window.dialog
    assert isinstance(pause, PauseDialog)
    act(qtbot, counter, pause.ok_button.click)
    assert window.counter.state is CounterState.PAUSED
    act(qtbot, counter, buttons[CounterAction.RESUME].click)
    assert window.counter.state is CounterState.OPEN

    before = last_id(log)
    with qtbot.waitSignal(window.session_ended, timeout=WAIT_MS):
        buttons[CounterAction.LOGOUT].click()
    assert window.session is None
    assert window.message_bar.vi == "Đã đăng xuất, quầy 2 đã đóng"
    assert kinds_since(log, before) == ["counter_closed", "officer_logged_out"]
    transferred = [e for e in log() if e.kind == "ticket_transferred"]
    assert transferred[-1].details == {"from_counter": 2, "reason": None, "to_counter": 3}


def test_messages_for_nobody_waiting_and_a_ticket_another_counter_called(
    qtbot: QtBot, opener: Opener, kiosk: QueueEngine, clock: FakeClock, office: str
) -> None:
    counter = opener()
    login(qtbot, counter, "cb01", "1111", 1)
    window = counter.window
    key(qtbot, counter, Qt.Key.Key_F1)
    assert window.ticket is None
    assert window.message_bar.kind is MessageKind.INFO
    assert window.message_bar.vi == "Không còn công dân chờ"
    assert window.message_bar.en == "Nobody is waiting"

    kiosk.issue_ticket("CT")
    db = open_database(office)
    CounterSessions(db, clock).login("cb03", "3333", 3)
    db.dispose()
    kiosk.call_next(3, officer_code="cb03")
    press(window, Qt.Key.Key_F5)
    dialog = window.dialog
    assert isinstance(dialog, CallTicketDialog)
    dialog.number_edit.setText("1001")
    act(qtbot, counter, dialog.ok_button.click)
    assert window.message_bar.kind is MessageKind.ERROR
    assert window.message_bar.vi == "Số 1001 đã được quầy 3 gọi"
    assert window.ticket is None


def test_logout_is_refused_while_a_ticket_is_held(
    qtbot: QtBot, opener: Opener, kiosk: QueueEngine
) -> None:
    kiosk.issue_ticket("CT")
    counter = opener()
    login(qtbot, counter, "cb01", "1111", 1)
    key(qtbot, counter, Qt.Key.Key_F1)
    act(qtbot, counter, counter.window.serve_view.buttons[CounterAction.LOGOUT].click)
    assert counter.window.session is not None
    assert counter.window.message_bar.kind is MessageKind.ERROR
    assert "trước khi đăng xuất" in counter.window.message_bar.vi


def test_the_timers_tick_every_second_from_the_injected_clock(
    qtbot: QtBot, opener: Opener, kiosk: QueueEngine, clock: FakeClock
) -> None:
    kiosk.issue_ticket("CT", "elderly")
    clock.advance(minutes=4)
    kiosk.issue_ticket("CC")
    counter = opener()
    login(qtbot, counter, "cb01", "1111", 1)
    panel = counter.window.serve_view.ticket_panel
    key(qtbot, counter, Qt.Key.Key_F1)
    assert "Người cao tuổi" in panel.priority_label.text()
    assert panel.waited_label.text() == "4:00"
    clock.advance(seconds=30)
    qtbot.waitUntil(lambda: panel.waited_label.text() == "4:30", timeout=3000)
    key(qtbot, counter, Qt.Key.Key_F4)
    clock.advance(minutes=2, seconds=5)
    qtbot.waitUntil(lambda: panel.serving_label.text() == "2:05", timeout=3000)
    assert panel.waited_label.text() == "4:30"  # waiting ended when the service started
    # The queue panel's longest wait ticks too (CC has waited since 4 minutes in).
    table = counter.window.serve_view.queue_panel.table
    qtbot.waitUntil(lambda: table.item(1, 2).text() == "2:35", timeout=3000)


# ---------------------------------------------------------------------- sessions


def test_a_held_counter_and_a_second_counter_are_refused_with_a_clear_message(
    qtbot: QtBot, opener: Opener
) -> None:
    first = opener()
    login(qtbot, first, "cb01", "1111", 1)
    second = opener()
    qtbot.waitUntil(lambda: second.window.login_view.counter_box.count() > 0, timeout=WAIT_MS)
    for code, pin, number, expected in (
        ("cb02", "2222", 1, "Quầy 1 đang do cán bộ cb01 đăng nhập"),
        ("cb01", "1111", 2, "Cán bộ cb01 đang đăng nhập ở quầy 1"),
    ):
        act_login(qtbot, second, code, pin, number)
        assert second.window.session is None
        assert second.window.message_bar.kind is MessageKind.ERROR
        assert expected in second.window.message_bar.vi


def act_login(qtbot: QtBot, harness: CounterHarness, code: str, pin: str, number: int) -> None:
    """A login attempt expected to fail: wait for its message."""
    bar = harness.window.message_bar
    bar.clear_message()
    fill_login(harness.window, code, pin, number)
    qtbot.waitUntil(lambda: bar.kind is MessageKind.ERROR, timeout=WAIT_MS)


def test_five_wrong_pins_lock_the_account_until_a_supervisor_unlocks_it(
    qtbot: QtBot, opener: Opener, log: Callable[[], list[EventView]]
) -> None:
    counter = opener()
    window = counter.window
    qtbot.waitUntil(lambda: window.login_view.counter_box.count() > 0, timeout=WAIT_MS)
    for left in (4, 3, 2, 1):
        act_login(qtbot, counter, "cb01", "0000", 1)
        assert window.message_bar.vi == f"Mã cán bộ hoặc mã PIN không đúng (còn {left} lần thử)"
        assert window.login_view.pin_edit.text() == ""
    act_login(qtbot, counter, "cb01", "0000", 1)
    assert "bị khóa" in window.message_bar.vi
    assert "5 phút" in window.message_bar.vi
    act_login(qtbot, counter, "cb01", "1111", 1)  # the right PIN: still locked
    assert "bị khóa" in window.message_bar.vi
    assert "locked" in window.message_bar.en

    window.login_view.supervisor_button.click()
    dialog = window.dialog
    assert isinstance(dialog, SupervisorDialog)
    dialog.code_edit.setText("ld01")
    dialog.pin_edit.setText("9999")
    dialog.target_edit.setText("cb01")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: window.message_bar.vi == "Đã mở khóa tài khoản cb01", timeout=WAIT_MS)
    unlocked = [e for e in log() if e.kind == "officer_unlocked"]
    assert len(unlocked) == 1
    assert unlocked[0].details["by"] == "ld01"

    login(qtbot, counter, "cb01", "1111", 1)
    assert window.session is not None


def test_a_supervisor_releases_a_counter_and_its_window_returns_to_login(
    qtbot: QtBot, opener: Opener, kiosk: QueueEngine
) -> None:
    kiosk.issue_ticket("CT")
    held = opener()
    login(qtbot, held, "cb01", "1111", 1)
    key(qtbot, held, Qt.Key.Key_F1)
    other = opener()
    qtbot.waitUntil(lambda: other.window.login_view.counter_box.count() > 0, timeout=WAIT_MS)
    other.window.login_view.supervisor_button.click()
    dialog = other.window.dialog
    assert isinstance(dialog, SupervisorDialog)
    dialog.code_edit.setText("ld01")
    dialog.pin_edit.setText("9999")
    dialog.release_radio.setChecked(True)
    dialog.target_edit.setText("1")
    with qtbot.waitSignal(held.window.session_ended, timeout=WAIT_MS):
        dialog.ok_button.click()
    assert held.window.message_bar.vi == ("Quầy 1 đã được lãnh đạo giải phóng: hãy đăng nhập lại")
    qtbot.waitUntil(lambda: other.window.message_bar.vi == "Đã giải phóng quầy 1", timeout=WAIT_MS)
    # The citizen called to the dead counter is first in line again.
    login(qtbot, other, "cb02", "2222", 2)
    key(qtbot, other, Qt.Key.Key_F1)
    assert shown(other) == "1001"


def test_logging_in_again_restores_the_active_ticket(
    qtbot: QtBot, opener: Opener, kiosk: QueueEngine
) -> None:
    kiosk.issue_ticket("CT")
    first = opener()
    login(qtbot, first, "cb01", "1111", 1)
    key(qtbot, first, Qt.Key.Key_F1)
    key(qtbot, first, Qt.Key.Key_F4)
    first.close()  # closing the window (or a crash) keeps the counter held
    again = opener()
    login(qtbot, again, "cb01", "1111", 1)
    assert shown(again) == "1001"
    assert again.window.ticket is not None
    assert again.window.ticket.status is TicketStatus.SERVING
    assert again.window.message_bar.vi.startswith("Đã khôi phục phiên làm việc: số 1001")


# ---------------------------------------------------------------------- the database


def test_the_window_keeps_running_while_the_database_is_busy(
    qtbot: QtBot, opener: Opener, kiosk: QueueEngine, tmp_path: Path
) -> None:
    kiosk.issue_ticket("CT")
    counter = opener()
    login(qtbot, counter, "cb01", "1111", 1)
    window = counter.window
    # Another program holds the write lock.
    blocker = sqlite3.connect(tmp_path / "q.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    ticks: list[int] = []
    heartbeat = QTimer()
    heartbeat.setInterval(20)
    heartbeat.timeout.connect(lambda: ticks.append(1))
    heartbeat.start()
    try:
        press(window, Qt.Key.Key_F1)
        qtbot.waitUntil(lambda: window.message_bar.kind is MessageKind.BUSY, timeout=WAIT_MS)
        assert window.message_bar.vi == "Cơ sở dữ liệu đang bận, đang thử lại…"
        assert not window.serve_view.call_button.isEnabled()
        press(window, Qt.Key.Key_F1)  # ignored: a second call would finish the first citizen
        qtbot.waitUntil(lambda: len(ticks) >= 10, timeout=WAIT_MS)  # the event loop runs
    finally:
        heartbeat.stop()
        blocker.execute("ROLLBACK")
        blocker.close()
    qtbot.waitUntil(lambda: shown(counter) == "1001", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.message_bar.vi == "Đã gọi số 1001", timeout=WAIT_MS)
    assert window.ticket is not None
    assert window.ticket.call_count == 1


def test_two_windows_calling_at_once_get_different_tickets(
    qtbot: QtBot, opener: Opener, kiosk: QueueEngine
) -> None:
    for _ in range(12):
        kiosk.issue_ticket("CT")
    one, two = opener(), opener()
    login(qtbot, one, "cb01", "1111", 1)
    login(qtbot, two, "cb02", "2222", 2)
    called: dict[int, list[str]] = {1: [], 2: []}
    for _ in range(6):
        with (
            qtbot.waitSignal(one.window.action_finished, timeout=WAIT_MS),
            qtbot.waitSignal(two.window.action_finished, timeout=WAIT_MS),
        ):
            one.window.serve_view.call_button.click()
            two.window.serve_view.call_button.click()
        for number, harness in ((1, one), (2, two)):
            ticket = harness.window.ticket
            assert ticket is not None
            called[number].append(ticket.display_number)
    assert not set(called[1]) & set(called[2])
    assert sorted(called[1] + called[2]) == [str(1001 + i) for i in range(12)]


def test_the_queue_panel_follows_the_change_feed(
    qtbot: QtBot, opener: Opener, kiosk: QueueEngine
) -> None:
    counter = opener()
    login(qtbot, counter, "cb01", "1111", 1)
    panel = counter.window.serve_view.queue_panel
    assert panel.waiting("CT") == 0
    kiosk.issue_ticket("CT")
    kiosk.issue_ticket("DX")
    qtbot.waitUntil(lambda: panel.waiting("CT") == 1 and panel.waiting("DX") == 1, timeout=WAIT_MS)
    assert "Tổng số người chờ: 2" in panel.total_label.text()


def test_a_counter_with_a_service_filter_shows_it_and_dims_the_other_services(
    qtbot: QtBot, opener: Opener, office: str, clock: FakeClock
) -> None:
    db = open_database(office)
    OfficeAdmin(db, clock).add_counter(4, services=("CT", "CC"))
    db.dispose()
    counter = opener(4)
    login(qtbot, counter, "cb01", "1111")
    panel = counter.window.serve_view.queue_panel
    assert "chỉ phục vụ: CT, CC" in panel.filter_label.text()
    rows = [panel.table.item(r, 0).text() for r in range(panel.table.rowCount())]
    assert rows[0] == "CT · Cư trú"
    assert rows[3] == "DX · Đăng ký xe (quầy không phục vụ)"


# ---------------------------------------------------------------------- the idle lock


def test_an_idle_counter_locks_behind_the_officers_pin_and_keeps_its_ticket(
    qtbot: QtBot,
    opener: Opener,
    kiosk: QueueEngine,
    clock: FakeClock,
    log: Callable[[], list[EventView]],
) -> None:
    kiosk.issue_ticket("CT")
    kiosk.issue_ticket("CC")
    counter = opener()
    window = counter.window
    login(qtbot, counter, "cb01", "1111", 1)
    key(qtbot, counter, Qt.Key.Key_F1)
    assert shown(counter) == "1001"
    clock.advance(minutes=9, seconds=50)
    window.tick()
    assert not window.locked  # the default is 10 minutes
    clock.advance(seconds=10)
    qtbot.waitUntil(lambda: window.locked, timeout=WAIT_MS)
    assert window.unlock_view.isVisible() and not window.serve_view.isVisible()
    assert window.unlock_view.code_edit.text() == "cb01"
    assert window.unlock_view.code_edit.isReadOnly()
    before = last_id(log)
    press(window, Qt.Key.Key_F1)  # somebody walking past presses Call next
    qtbot.wait(300)
    assert kinds_since(log, before) == []  # nothing was done under cb01's name
    view = window.unlock_view
    view.pin_edit.setText("2222")  # another officer's PIN
    view.login_button.click()
    qtbot.waitUntil(lambda: window.message_bar.kind is MessageKind.ERROR, timeout=WAIT_MS)
    assert window.locked
    view.pin_edit.setText("1111")
    view.login_button.click()
    qtbot.waitUntil(lambda: not window.locked, timeout=WAIT_MS)
    assert window.serve_view.isVisible()
    assert shown(counter) == "1001"  # the citizen at the desk is still there
    assert window.counter is not None and window.counter.state is CounterState.OPEN
    # Input keeps it unlocked: a key at minute 9 starts the ten minutes again.
    clock.advance(minutes=9)
    QTest.keyClick(window.serve_view, Qt.Key.Key_Shift)
    clock.advance(minutes=9)
    window.tick()
    assert not window.locked


def test_the_idle_lock_follows_the_office_setting(
    qtbot: QtBot, opener: Opener, office: str, clock: FakeClock
) -> None:
    db = open_database(office)
    OfficeAdmin(db, clock).update_settings({"idle_lock_minutes": 0})
    db.dispose()
    counter = opener()
    login(qtbot, counter, "cb01", "1111", 1)
    clock.advance(hours=3)
    counter.window.tick()
    assert not counter.window.locked  # 0: never locks


def test_call_next_while_serving_asks_once_before_closing_the_citizen_at_the_desk(
    qtbot: QtBot, opener: Opener, kiosk: QueueEngine, log: Callable[[], list[EventView]]
) -> None:
    kiosk.issue_ticket("CT")
    kiosk.issue_ticket("CC")
    counter = opener()
    window = counter.window
    login(qtbot, counter, "cb01", "1111", 1)
    key(qtbot, counter, Qt.Key.Key_F1)
    key(qtbot, counter, Qt.Key.Key_F4)  # the citizen of 1001 sits at the desk
    assert window.ticket is not None and window.ticket.status is TicketStatus.SERVING
    before = last_id(log)
    press(window, Qt.Key.Key_Space)  # by mistake
    qtbot.wait(300)
    assert kinds_since(log, before) == []  # nothing closed, nobody called
    assert shown(counter) == "1001"
    assert "lần nữa" in window.message_bar.vi and "again" in window.message_bar.en
    key(qtbot, counter, Qt.Key.Key_F1)  # the second press means it
    assert shown(counter) == "2001"
    assert kinds_since(log, before) == ["ticket_finished", "ticket_called"]
