"""The supervisor window offscreen: login by role, live numbers, alerts, audit, reports and their
exports, administration reaching other PCs, unlock and release."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from shared.clock import FakeClock
from shared.errors import MotcuaError
from shared.insight.metrics import live_metrics
from shared.insight.reports import Grouping
from shared.office.admin import OfficeAdmin
from shared.office.demo import DEMO_SERVICES
from shared.office.sessions import CounterSessions
from shared.qt.feed_watcher import FeedWatcher
from shared.queue.authz import OfficerIdentity
from shared.queue.engine import QueueEngine
from shared.queue.feed import ChangeFeed
from shared.queue.queries import QueueQueries
from shared.rules.domain import CounterState, EventKind, Outcome, Role
from shared.rules.numbering import NumberingFormat
from shared.storage.database import Database, open_database, sqlite_url
from shared.storage.schema import upgrade
from supervisor import texts
from supervisor.reports_view import ReportRequest
from supervisor.window import SupervisorWindow

WAIT_MS = 10_000
MONDAY_0800 = dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC)  # 08:00 in Ho Chi Minh City
MONDAY = dt.date(2025, 3, 3)
PINS = {"cb01": "1111", "cb02": "2222", "ld01": "9999", "ad01": "7777"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_0800)


@pytest.fixture
def url(tmp_path: Path, clock: FakeClock) -> str:
    """The demo services, counters 1-3 (closed), two officers, a supervisor and an admin."""
    url = sqlite_url(tmp_path / "q.db")
    db = open_database(url, create=True)
    upgrade(db)
    admin = OfficeAdmin(db, clock)
    for s in DEMO_SERVICES:
        admin.add_service(s.code, s.name_vi, s.name_en, NumberingFormat.parse(s.block))
    for number in (1, 2, 3):
        admin.add_counter(number)
    admin.add_officer("cb01", "Nguyễn Văn An", Role.OFFICER, PINS["cb01"])
    admin.add_officer("cb02", "Trần Thị Bình", Role.OFFICER, PINS["cb02"])
    admin.add_officer("ld01", "Võ Minh Đức", Role.SUPERVISOR, PINS["ld01"])
    admin.add_officer("ad01", "Quản Trị Viên", Role.ADMIN, PINS["ad01"])
    db.dispose()
    return url


@dataclass
class Other:
    """Another PC on the same database: a counter, the kiosk, the command line."""

    db: Database
    engine: QueueEngine
    sessions: CounterSessions
    queries: QueueQueries


@pytest.fixture
def other(url: str, clock: FakeClock) -> Iterator[Other]:
    db = open_database(url)
    yield Other(db, QueueEngine(db, clock), CounterSessions(db, clock), QueueQueries(db, clock))
    db.dispose()


Opener = Callable[[], SupervisorWindow]


@pytest.fixture
def open_window(qtbot: QtBot, url: str, clock: FakeClock) -> Iterator[Opener]:
    opened: list[tuple[SupervisorWindow, FeedWatcher, Database]] = []

    def open_() -> SupervisorWindow:
        db = open_database(url)
        watcher = FeedWatcher(ChangeFeed(db), interval_ms=20)
        window = SupervisorWindow(
            db,
            QueueQueries(db, clock),
            CounterSessions(db, clock),
            OfficeAdmin(db, clock),
            clock,
            watcher=watcher,
        )
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        watcher.start()
        opened.append((window, watcher, db))
        return window

    yield open_
    for window, watcher, db in opened:
        watcher.stop()
        window.close()
        db.dispose()


def login(qtbot: QtBot, window: SupervisorWindow, code: str) -> None:
    window.login_view.code_edit.setText(code)
    window.login_view.pin_edit.setText(PINS[code])
    with qtbot.waitSignal(window.live_refreshed, timeout=WAIT_MS):
        window.login_view.login_button.click()


def refreshed(qtbot: QtBot, window: SupervisorWindow) -> None:
    with qtbot.waitSignal(window.live_refreshed, timeout=WAIT_MS):
        window.refresh()


def act(qtbot: QtBot, window: SupervisorWindow, do: Callable[[], None]) -> object:
    with qtbot.waitSignal(window.action_finished, timeout=WAIT_MS) as blocker:
        do()
    return blocker.args[0] if blocker.args else None


def morning(other: Other, clock: FakeClock) -> None:
    """cb01 at counter 1 and cb02 at counter 2 serve a few citizens; one does not come."""
    other.sessions.login("cb01", PINS["cb01"], 1)
    other.sessions.login("cb02", PINS["cb02"], 2)
    for code in ("CT", "CC", "CT", "DD", "CT", "CC"):
        other.engine.issue_ticket(code)
        clock.advance(minutes=2)
    for counter in (1, 2, 1):
        other.engine.call_next(counter)
        clock.advance(minutes=1)
        other.engine.start(counter)
        clock.advance(minutes=5)
        other.engine.finish(counter, Outcome.DOSSIER_RECEIVED)
    other.engine.call_next(2)
    clock.advance(minutes=3)
    other.engine.no_show(2)
    other.engine.call_next(1)
    clock.advance(minutes=2)


# ---------------------------------------------------------------------- login


def test_an_officer_is_refused_and_a_supervisor_gets_in_without_administration(
    qtbot: QtBot, open_window: Opener
) -> None:
    window = open_window()
    window.login_view.code_edit.setText("cb01")
    window.login_view.pin_edit.setText(PINS["cb01"])
    window.login_view.login_button.click()
    qtbot.waitUntil(lambda: "is an officer" in window.message_bar.en, timeout=WAIT_MS)
    assert window.actor is None
    assert window.login_view.pin_edit.text() == ""
    login(qtbot, window, "ld01")
    assert window.actor == OfficerIdentity("ld01", "Võ Minh Đức", Role.SUPERVISOR)
    assert not window.tabs.isTabVisible(window.tabs.indexOf(window.admin_view))
    assert "Võ Minh Đức" in window.header.text()


def test_an_admin_sees_the_administration_tab(qtbot: QtBot, open_window: Opener) -> None:
    window = open_window()
    login(qtbot, window, "ad01")
    assert window.tabs.isTabVisible(window.tabs.indexOf(window.admin_view))
    assert window.admin_view.office_name.text() == "Công an phường"  # the stored settings


# ---------------------------------------------------------------------- live view


def test_the_live_view_shows_the_numbers_of_shared_metrics(
    qtbot: QtBot, open_window: Opener, other: Other, clock: FakeClock
) -> None:
    morning(other, clock)
    window = open_window()
    login(qtbot, window, "ld01")
    expected = live_metrics(other.db, clock)
    assert window.metrics == expected
    view = window.live_view
    services = view.services_table
    assert services.column_texts(0)[:3] == [
        "CT – Cư trú",
        "CC – Căn cước",
        "DD – Định danh điện tử VNeID",
    ]
    for row, s in enumerate(expected.services):
        assert services.cell_text(row, 1) == str(s.waiting)
        assert services.cell_text(row, 3) == texts.duration(s.average_wait_seconds)
        assert services.cell_text(row, 4) == texts.duration(s.p90_wait_seconds)
        assert services.cell_text(row, 5) == str(s.served)
        assert services.cell_text(row, 6) == str(s.no_show)
    cc = expected.services[1]
    assert (cc.waiting, cc.served) == (1, 1)
    assert services.cell_text(1, 2) == texts.duration(cc.longest_wait_seconds) == "25:00"
    assert services.cell_text(0, 2) == "–"  # nobody waits for CT
    counters = view.counters_table
    assert counters.column_texts(1) == [
        "Đang phục vụ / Serving",
        "Đang rảnh / Idle",
        "Đóng / Closed",
    ]
    assert counters.column_texts(2) == ["cb01", "cb02", "–"]
    serving = expected.counters[0]
    assert counters.cell_text(0, 3) == serving.ticket_number
    assert counters.cell_text(0, 4) == texts.duration(serving.ticket_seconds) == "2:00"
    officers = view.officers_table
    assert officers.column_texts(0) == [o.code for o in expected.officers] == ["cb01", "cb02"]
    assert officers.column_texts(2) == ["2", "1"]
    assert officers.cell_text(0, 3) == texts.duration(expected.officers[0].average_service_seconds)
    assert officers.column_texts(4) == [texts.duration(o.idle_seconds) for o in expected.officers]
    assert view.chart.hours == expected.hours
    assert [h.arrivals for h in view.chart.hours] == [6]


def test_a_wait_over_the_threshold_and_a_printer_fault_raise_alerts(
    qtbot: QtBot, open_window: Opener, other: Other, clock: FakeClock
) -> None:
    other.engine.issue_ticket("CT")
    window = open_window()
    login(qtbot, window, "ld01")
    assert window.live_view.alerts_label.property("alerting") == "false"
    assert texts.NO_ALERTS.en in window.live_view.alerts_label.text()
    clock.advance(minutes=31)  # the threshold is 30 minutes; no event happens meanwhile
    refreshed(qtbot, window)
    label = window.live_view.alerts_label
    assert label.property("alerting") == "true"
    assert "Cư trú: có người đã chờ 31 phút (ngưỡng 30 phút)" in label.text()
    # Another PC records a printer fault: the change feed alone brings it to the screen.
    with qtbot.waitSignal(window.live_refreshed, timeout=WAIT_MS):
        other.engine.record_printer_fault("kiosk-sanh", "hết giấy")
    assert "Máy in của kiosk kiosk-sanh bị lỗi" in label.text()
    assert [a.kind for a in window.metrics.alerts] == ["long_wait", "printer_fault"]


def test_a_burst_of_events_is_read_once(qtbot: QtBot, open_window: Opener, other: Other) -> None:
    window = open_window()
    login(qtbot, window, "ld01")
    readings: list[object] = []
    window.live_refreshed.connect(readings.append)
    for _ in range(10):
        other.engine.issue_ticket("CT")
    qtbot.waitUntil(
        lambda: window.metrics is not None and window.metrics.services[0].waiting == 10,
        timeout=WAIT_MS,
    )
    assert len(readings) < 10


# ---------------------------------------------------------------------- audit


def test_the_audit_shows_an_out_of_order_call_and_a_transfer(
    qtbot: QtBot, open_window: Opener, other: Other, clock: FakeClock
) -> None:
    other.sessions.login("cb01", PINS["cb01"], 1)
    for code in ("CT", "CT", "CT"):
        other.engine.issue_ticket(code)
    window = open_window()
    login(qtbot, window, "ld01")
    window.tabs.setCurrentWidget(window.audit_view)
    clock.advance(minutes=4)
    with qtbot.waitSignal(window.audit_refreshed, timeout=WAIT_MS):
        other.engine.call_ticket(1, "1003", "Công dân quay lại nhận kết quả")
        other.engine.transfer(1, to_service="TKQ", reason="Chỉ nhận kết quả")
    qtbot.waitUntil(lambda: window.audit_view.table.rowCount() == 2, timeout=WAIT_MS)
    table = window.audit_view.table
    assert table.column_texts(0) == ["08:04:00", "08:04:00"]
    assert table.column_texts(1) == [
        "Gọi không theo thứ tự / Out-of-order call",
        "Chuyển số / Transfer",
    ]
    assert "Gọi số 1003 đến quầy 1 không theo thứ tự" in table.cell_text(0, 2)
    assert "Chuyển số 1003 từ quầy 1 sang TKQ" in table.cell_text(1, 2)
    assert table.column_texts(4) == ["cb01", "cb01"]
    assert table.column_texts(6) == ["Công dân quay lại nhận kết quả", "Chỉ nhận kết quả"]
    with qtbot.waitSignal(window.audit_refreshed, timeout=WAIT_MS):
        window.show_audit(MONDAY - dt.timedelta(days=1))
    assert table.rowCount() == 0


# ---------------------------------------------------------------------- reports


def _value(cell: object) -> object:
    """A cell as a number when it is one (a workbook keeps 20.0 as 20), else as text."""
    if cell is None or cell == "":
        return None
    try:
        return float(str(cell))
    except ValueError:
        return str(cell)


def test_the_report_is_exported_as_csv_and_xlsx_with_the_tables_numbers(
    qtbot: QtBot, open_window: Opener, other: Other, clock: FakeClock, tmp_path: Path
) -> None:
    morning(other, clock)
    window = open_window()
    login(qtbot, window, "ld01")
    with qtbot.waitSignal(window.report_ready, timeout=WAIT_MS):
        window.run_report(ReportRequest(MONDAY, MONDAY, Grouping.SERVICE))
    shown = window.reports_view.table_rows()
    assert shown[-1][0] == "Tổng / Total"
    assert shown[-1][2:4] == ["6", "3"]  # issued, served
    csv_path, xlsx_path = tmp_path / "r.csv", tmp_path / "r.xlsx"
    assert act(qtbot, window, lambda: window.export_report("csv", csv_path)) == csv_path
    assert act(qtbot, window, lambda: window.export_report("xlsx", str(xlsx_path))) == xlsx_path
    with csv_path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[1:] == shown
    from openpyxl import load_workbook  # noqa: PLC0415 - only this test reads workbooks

    sheet = load_workbook(xlsx_path).active
    assert sheet is not None
    cells = [[_value(v) for v in row] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert cells == [[_value(v) for v in row] for row in shown]
    assert texts.EXPORTED.en.format(path=xlsx_path) == window.message_bar.en


def test_an_export_to_a_missing_folder_says_so(
    qtbot: QtBot, open_window: Opener, tmp_path: Path
) -> None:
    window = open_window()
    login(qtbot, window, "ld01")
    with qtbot.waitSignal(window.report_ready, timeout=WAIT_MS):
        window.run_report(ReportRequest(MONDAY, MONDAY, Grouping.HOUR))
    error = act(qtbot, window, lambda: window.export_report("csv", tmp_path / "no" / "r.csv"))
    assert isinstance(error, MotcuaError)
    assert "cannot write" in window.message_bar.en


# ---------------------------------------------------------------------- administration


def test_a_change_in_the_admin_tab_reaches_another_pc(
    qtbot: QtBot, open_window: Opener, other: Other
) -> None:
    feed = ChangeFeed(other.db)
    feed.poll()
    window = open_window()
    login(qtbot, window, "ad01")
    view = window.admin_view
    view.service_code.setText("CT")
    view.service_threshold.setValue(12)
    view.service_cap.setValue(80)
    act(qtbot, window, view.service_save.click)
    assert "Saved: service CT" in window.message_bar.en
    ct = next(s for s in other.queries.services() if s.code == "CT")
    assert (ct.wait_threshold_minutes, ct.daily_cap) == (12, 80)
    changed = [e for e in feed.poll() if e.kind is EventKind.SERVICE_CHANGED]
    assert [(e.service_code, e.details["by"]) for e in changed] == [("CT", "ad01")]
    view.counter_number.setValue(3)
    view.counter_services.setText("DX, XP")
    act(qtbot, window, view.counter_save.click)
    assert other.queries.counter(3).service_codes == ("DX", "XP")
    view.notice_text.setText("Hôm nay làm việc đến 17 giờ")
    act(qtbot, window, view.settings_save.click)
    assert other.queries.settings().notice_text == "Hôm nay làm việc đến 17 giờ"
    view.officer_code.setText("cb09")
    view.officer_name.setText("Ngô Thị Chín")
    view.officer_pin.setText("2468")
    act(qtbot, window, view.officer_add.click)
    assert view.officer_pin.text() == ""
    assert other.sessions.login("cb09", "2468", 3).officer.full_name == "Ngô Thị Chín"


def test_a_supervisor_is_refused_by_the_engine_even_through_the_admin_tab(
    qtbot: QtBot, open_window: Opener, other: Other
) -> None:
    window = open_window()
    login(qtbot, window, "ld01")
    window.admin_view.service_code.setText("CT")
    error = act(qtbot, window, lambda: window.admin_view._on_service_open(False))
    assert isinstance(error, MotcuaError)
    assert "only an admin" in window.message_bar.en
    assert next(s for s in other.queries.services() if s.code == "CT").is_open


# ---------------------------------------------------------------------- unlock and release


def test_unlock_an_officer_and_release_a_counter_from_the_window(
    qtbot: QtBot, open_window: Opener, other: Other
) -> None:
    for _ in range(5):
        with pytest.raises(MotcuaError):
            other.sessions.login("cb01", "0000", 1)
    other.sessions.login("cb02", PINS["cb02"], 2)
    other.engine.issue_ticket("CT")
    other.engine.call_next(2)
    window = open_window()
    login(qtbot, window, "ld01")
    window.live_view.unlock_edit.setText("cb01")
    act(qtbot, window, window.live_view.unlock_button.click)
    assert window.message_bar.en == "Account cb01 unlocked"
    assert other.sessions.login("cb01", PINS["cb01"], 1).counter.number == 1
    qtbot.waitUntil(
        lambda: window.live_view.counters_table.column_texts(2)[:2] == ["cb01", "cb02"],
        timeout=WAIT_MS,
    )
    act(qtbot, window, lambda: window.release_counter(2))
    assert window.message_bar.en == "Counter 2 released"
    counter = other.queries.counter(2)
    assert (counter.state, counter.officer_code) == (CounterState.CLOSED, None)
    assert [t.status for t in other.queries.tickets_of_day(MONDAY)] == ["waiting"]
    qtbot.waitUntil(
        lambda: window.live_view.counters_table.cell_text(1, 1) == "Đóng / Closed",
        timeout=WAIT_MS,
    )


def test_an_admin_sets_and_removes_the_office_logo(
    qtbot: QtBot, open_window: Opener, other: Other, tmp_path: Path
) -> None:
    image = tmp_path / "logo.jpg"
    Image.new("RGB", (640, 480), (190, 20, 20)).save(image)
    window = open_window()
    login(qtbot, window, "ad01")
    act(qtbot, window, lambda: window.admin_view.set_logo(image))
    encoded = other.queries.settings().logo_png
    with Image.open(io.BytesIO(base64.b64decode(encoded))) as logo:
        assert logo.format == "PNG" and logo.size == (256, 192)
    act(qtbot, window, lambda: window.admin_view.set_logo(None))
    assert other.queries.settings().logo_png == ""


def test_an_idle_supervisor_window_locks_behind_the_pin(
    qtbot: QtBot, open_window: Opener, clock: FakeClock
) -> None:
    window = open_window()
    login(qtbot, window, "ld01")
    clock.advance(minutes=11)
    qtbot.waitUntil(lambda: window.locked, timeout=WAIT_MS)
    assert window.unlock_view.isVisible()
    assert window.unlock_view.code_edit.text() == "ld01"
    window.release_counter(1)  # nothing is done while locked
    qtbot.wait(300)
    assert "locked" in window.message_bar.en  # no release, no error: the lock's own line
    window.unlock_view.pin_edit.setText(PINS["ld01"])
    window.unlock_view.login_button.click()
    qtbot.waitUntil(lambda: not window.locked, timeout=WAIT_MS)
    assert window.actor is not None and window.actor.code == "ld01"
    assert window.tabs.isVisible()


def test_every_tab_fits_an_office_monitor_without_scrolling_sideways(
    qtbot: QtBot, open_window: Opener, other: Other, clock: FakeClock
) -> None:
    morning(other, clock)
    other.engine.pause_counter(2, "Họp giao ban với lãnh đạo công an phường")  # a long state
    window = open_window()  # 1366 x 768, the common office monitor
    login(qtbot, window, "ad01")  # an admin: every tab, the administration's forms too
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        qtbot.wait(50)
        hint = window.minimumSizeHint()
        assert hint.width() <= 1366 and hint.height() <= 768, (index, hint)
        assert window.width() <= 1366 and window.height() <= 768, index
    live = window.live_view
    for table in (live.services_table, live.counters_table, live.officers_table):
        assert table.horizontalScrollBar().maximum() == 0
