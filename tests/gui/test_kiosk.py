"""The kiosk, offscreen: touch -> ticket in the database -> print job on a loopback printer.

Every test uses a real SQLite file, the real engine and, where printing is the subject, a real TCP
printer on 127.0.0.1 whose bytes are decoded back into the ticket image and its QR code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing as mp
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gui.printer_support import GS_K, CapturingPrinter, decode_qr, free_port, raster_image
from kiosk.exit_dialog import MAX_WRONG, ExitDialog, PinChecker
from kiosk.printing import TicketOutput
from kiosk.window import CONFIRM, HOME, PRIORITY, KioskTimings, KioskWindow
from shared.clock import FakeClock, SystemClock
from shared.office.admin import OfficeAdmin
from shared.office.config import PrinterConfig
from shared.queue.engine import QueueEngine
from shared.queue.feed import ChangeFeed
from shared.queue.queries import QueueQueries
from shared.rules.domain import EventKind, IssueResult, Role, TicketView
from shared.rules.numbering import NumberingFormat
from shared.rules.settings import logo_from_file
from shared.storage.database import Database, open_database, sqlite_url
from shared.storage.schema import upgrade
from shared.storage.tables import OF

MONDAY = dt.date(2025, 3, 3)
MONDAY_0800 = dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC)  # 08:00 in Ho Chi Minh City
BASE_URL = "https://motcua.example/t/"
FAST = KioskTimings(confirm_s=0.4, confirm_after_fault_s=0.8, idle_s=0.4)
SLOW = KioskTimings(confirm_s=60, confirm_after_fault_s=60, idle_s=60)
LEFT = Qt.MouseButton.LeftButton
SUPERVISOR_PIN = "9999"
OFFICER_PIN = "1111"


def _office(path: Path) -> str:
    url = sqlite_url(path)
    db = open_database(url, create=True)
    upgrade(db)
    clock = SystemClock()
    admin = OfficeAdmin(db, clock)
    admin.update_settings({"office_name": "Công an phường Bến Thành", "lookup_base_url": BASE_URL})
    parse = NumberingFormat.parse
    admin.add_service("CT", "Cư trú", "Residence registration", parse("1001-1999"))
    admin.add_service("CC", "Căn cước", "ID card", parse("2001-2999"), daily_cap=1)
    admin.add_service("XP", "Xử phạt vi phạm hành chính", "Fines", parse("5001-5999"))
    admin.set_service_open("XP", False)
    admin.add_officer("ld01", "Trần Thị Lãnh Đạo", Role.SUPERVISOR, SUPERVISOR_PIN)
    admin.add_officer("cb01", "Nguyễn Văn Một", Role.OFFICER, OFFICER_PIN)
    engine = QueueEngine(db, clock)
    for number in (1, 2):
        admin.add_counter(number)
        engine.open_counter(number)
    db.dispose()
    return url


@pytest.fixture
def url(tmp_path: Path) -> str:
    return _office(tmp_path / "kiosk.db")


@pytest.fixture
def db(url: str) -> Iterator[Database]:
    database = open_database(url)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_0800)


@pytest.fixture
def printer() -> Iterator[CapturingPrinter]:
    server = CapturingPrinter()
    yield server
    server.close()


def network(port: int, **changes: object) -> PrinterConfig:
    config = PrinterConfig(kind="network", port=port, timeout_s=1.0, paper_width=384)
    return dataclasses.replace(config, **changes)  # type: ignore[arg-type]


MakeKiosk = Callable[..., KioskWindow]


@pytest.fixture
def make_kiosk(qtbot: QtBot, db: Database, clock: FakeClock) -> MakeKiosk:
    def make(
        config: PrinterConfig | None = None,
        *,
        timings: KioskTimings = SLOW,
        size: tuple[int, int] = (1920, 1080),
        fullscreen: bool = False,
    ) -> KioskWindow:
        window = KioskWindow(
            db,
            QueueEngine(db, clock),
            clock,
            TicketOutput(config or PrinterConfig(kind="none")),
            kiosk_name="kiosk-test",
            check_pin=PinChecker(db, clock),
            timings=timings,
            fullscreen=fullscreen,
        )
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitUntil(lambda: len(window.tiles) == 3, timeout=5000)
        return window

    return make


def tickets(db: Database, clock: FakeClock) -> list[TicketView]:
    return QueueQueries(db, clock).tickets_of_day(MONDAY)


def event_kinds(db: Database, clock: FakeClock) -> list[EventKind]:
    return [e.kind for e in QueueQueries(db, clock).events_after(0)]


def touch(qtbot: QtBot, window: KioskWindow, code: str) -> None:
    qtbot.mouseClick(window.tiles[code], LEFT)


# --- one touch, one ticket, one print job ------------------------------------------------------


@pytest.mark.parametrize("native_qr", [True, False], ids=["native-qr", "raster-qr"])
def test_a_touch_issues_a_ticket_and_prints_it_with_the_ticket_url_in_its_qr_code(
    qtbot: QtBot,
    make_kiosk: MakeKiosk,
    printer: CapturingPrinter,
    db: Database,
    clock: FakeClock,
    tmp_path: Path,
    native_qr: bool,
) -> None:
    window = make_kiosk(network(printer.port, native_qr=native_qr))
    with qtbot.waitSignal(window.ticket_printed, timeout=5000) as printed:
        touch(qtbot, window, "CT")
    issued: IssueResult = printed.args[0]
    [stored] = tickets(db, clock)
    assert stored.display_number == issued.ticket.display_number == "1001"
    assert stored.token == issued.ticket.token
    url = BASE_URL + stored.token

    qtbot.waitUntil(lambda: len(printer.jobs) == 1, timeout=5000)
    job = printer.jobs[0]
    image = raster_image(job)
    assert image.width == 384
    if native_qr:
        assert GS_K + (len(url) + 3).to_bytes(2, "little") + b"1P0" + url.encode() in job
    else:
        assert GS_K not in job
        assert decode_qr(image, tmp_path) == url

    assert window.pages.currentIndex() == CONFIRM
    assert window.number_label.text() == "1001"
    assert "Mời bạn nhận phiếu" in window.print_label.text()
    assert not window.qr_label.pixmap().isNull()
    assert window.qr_label.toolTip() == url


def test_a_double_tap_gives_one_ticket(
    qtbot: QtBot, make_kiosk: MakeKiosk, db: Database, clock: FakeClock
) -> None:
    window = make_kiosk()
    with qtbot.waitSignal(window.ticket_issued, timeout=5000):
        touch(qtbot, window, "CT")
        touch(qtbot, window, "CT")  # the second tap lands while the first is being issued
        window.choose_service("CT")
    window.wait_for_tasks()
    qtbot.wait(100)
    assert [t.display_number for t in tickets(db, clock)] == ["1001"]
    assert event_kinds(db, clock).count(EventKind.TICKET_ISSUED) == 1


def test_the_confirmation_goes_home_by_itself_and_the_next_citizen_gets_the_next_number(
    qtbot: QtBot, make_kiosk: MakeKiosk, db: Database, clock: FakeClock
) -> None:
    window = make_kiosk(timings=FAST)
    with qtbot.waitSignal(window.ticket_issued, timeout=5000):
        touch(qtbot, window, "CT")
    assert window.pages.currentIndex() == CONFIRM
    qtbot.waitUntil(lambda: window.pages.currentIndex() == HOME, timeout=5000)
    qtbot.waitUntil(window.tiles["CT"].isEnabled, timeout=5000)
    with qtbot.waitSignal(window.ticket_issued, timeout=5000):
        touch(qtbot, window, "CT")
    assert [t.display_number for t in tickets(db, clock)] == ["1001", "1002"]


def test_closed_and_capped_services_say_so_and_cannot_be_chosen(
    qtbot: QtBot, make_kiosk: MakeKiosk, db: Database, clock: FakeClock
) -> None:
    QueueEngine(db, clock).issue_ticket("CC")  # CC's daily cap is one ticket
    window = make_kiosk()
    qtbot.waitUntil(lambda: not window.tiles["CC"].isEnabled(), timeout=5000)
    assert "Đã hết số hôm nay" in window.tiles["CC"].info.text()
    assert not window.tiles["XP"].isEnabled()
    assert "Tạm ngừng nhận số" in window.tiles["XP"].info.text()
    touch(qtbot, window, "CC")
    touch(qtbot, window, "XP")
    window.choose_service("XP")
    window.wait_for_tasks()
    assert [t.service_code for t in tickets(db, clock)] == ["CC"]
    assert window.pages.currentIndex() == HOME


def test_the_priority_path_issues_a_priority_ticket(
    qtbot: QtBot, make_kiosk: MakeKiosk, db: Database, clock: FakeClock
) -> None:
    window = make_kiosk()
    qtbot.mouseClick(window.priority_button, LEFT)
    assert window.pages.currentIndex() == PRIORITY
    qtbot.mouseClick(window.category_buttons["elderly"], LEFT)
    assert window.pages.currentIndex() == HOME
    assert "Người cao tuổi" in window.prompt.text()
    with qtbot.waitSignal(window.ticket_issued, timeout=5000):
        touch(qtbot, window, "CT")
    [ticket] = tickets(db, clock)
    assert ticket.priority_category == "elderly"
    assert "Ưu tiên: Người cao tuổi" in window.service_label.text()
    window.go_home()
    assert "Người cao tuổi" not in window.prompt.text()  # the next citizen starts afresh


def test_an_idle_screen_goes_back_home(qtbot: QtBot, make_kiosk: MakeKiosk) -> None:
    window = make_kiosk(timings=FAST)
    qtbot.mouseClick(window.priority_button, LEFT)
    qtbot.mouseClick(window.category_buttons["pregnant"], LEFT)
    assert "Phụ nữ mang thai" in window.prompt.text()
    qtbot.waitUntil(lambda: "Phụ nữ mang thai" not in window.prompt.text(), timeout=5000)
    qtbot.mouseClick(window.priority_button, LEFT)
    assert window.pages.currentIndex() == PRIORITY
    qtbot.waitUntil(lambda: window.pages.currentIndex() == HOME, timeout=5000)


# --- the printer fails: the citizen still has a valid ticket ---------------------------------


def test_an_unplugged_printer_still_gives_a_valid_ticket_on_screen_and_records_the_fault(
    qtbot: QtBot, make_kiosk: MakeKiosk, db: Database, clock: FakeClock
) -> None:
    port = free_port()
    window = make_kiosk(network(port), timings=SLOW)
    with qtbot.waitSignal(window.print_failed, timeout=5000):
        touch(qtbot, window, "CT")
    [ticket] = tickets(db, clock)
    assert window.pages.currentIndex() == CONFIRM
    assert window.number_label.text() == ticket.display_number == "1001"
    assert window.qr_label.toolTip() == BASE_URL + ticket.token
    assert "máy in đang gặp sự cố" in window.print_label.text()
    assert window.reprint_button.isVisibleTo(window)
    window.wait_for_tasks()
    faults = [
        e for e in QueueQueries(db, clock).events_after(0) if e.kind is EventKind.PRINTER_FAULT
    ]
    assert [(f.ticket_id, f.details["kiosk"]) for f in faults] == [(ticket.id, "kiosk-test")]
    assert "Connection refused" in faults[0].details["detail"]

    # The kiosk keeps issuing.
    window.go_home()
    qtbot.waitUntil(window.tiles["CT"].isEnabled, timeout=5000)
    with qtbot.waitSignal(window.print_failed, timeout=5000):
        touch(qtbot, window, "CT")
    assert [t.display_number for t in tickets(db, clock)] == ["1001", "1002"]

    # The printer is plugged back in: a reprint prints the same ticket, never a new one.
    plugged = CapturingPrinter(port)
    try:
        with qtbot.waitSignal(window.ticket_printed, timeout=5000) as printed:
            qtbot.mouseClick(window.reprint_button, LEFT)
        assert printed.args[0].ticket.display_number == "1002"
        qtbot.waitUntil(lambda: len(plugged.jobs) == 1, timeout=5000)
    finally:
        plugged.close()
    window.wait_for_tasks()
    assert [t.display_number for t in tickets(db, clock)] == ["1001", "1002"]
    kinds = event_kinds(db, clock)
    assert kinds.count(EventKind.TICKET_REPRINTED) == 1
    assert kinds[-1] is EventKind.PRINTER_RESTORED


def test_a_printer_that_stops_reading_never_freezes_the_screen(
    qtbot: QtBot, make_kiosk: MakeKiosk, db: Database, clock: FakeClock
) -> None:
    # Accepts the connection but never reads: the job blocks until the printer's timeout.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        window = make_kiosk(network(server.getsockname()[1], timeout_s=2.0))
        with qtbot.waitSignal(window.ticket_issued, timeout=5000):
            touch(qtbot, window, "CT")
        # While the print thread waits, the window keeps working: it goes home and issues again.
        assert "Đang in phiếu" in window.print_label.text()
        window.go_home()
        qtbot.waitUntil(window.tiles["CT"].isEnabled, timeout=5000)
        with qtbot.waitSignal(window.ticket_issued, timeout=5000):
            touch(qtbot, window, "CT")
        assert [t.display_number for t in tickets(db, clock)] == ["1001", "1002"]
    finally:
        server.close()


# --- screens ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "columns"), [((1920, 1080), 3), ((1080, 1920), 1)], ids=["landscape", "portrait"]
)
def test_the_layout_fits_portrait_and_landscape_screens(
    qtbot: QtBot, make_kiosk: MakeKiosk, size: tuple[int, int], columns: int
) -> None:
    window = make_kiosk(size=size)
    qtbot.waitUntil(lambda: window.tiles["CT"].info.text() != "", timeout=5000)
    assert window.columns == columns
    for page in (HOME, PRIORITY, CONFIRM):
        window.pages.setCurrentIndex(page)
        layout = window.layout()
        assert layout is not None
        hint = layout.minimumSize()
        assert hint.width() <= size[0] and hint.height() <= size[1], (page, hint)
    # Touch targets: at least 20 mm on a 21.5-inch full-HD screen (about 4 px per mm).
    assert min(b.height() for b in window.tiles.values()) >= 80
    assert window.priority_button.height() >= 80
    assert window.size().width() == size[0] and window.size().height() == size[1]


def test_the_header_shows_the_office_and_the_date_in_vietnamese(
    qtbot: QtBot, make_kiosk: MakeKiosk
) -> None:
    window = make_kiosk()
    qtbot.waitUntil(lambda: window.office.text() != "", timeout=5000)
    assert window.office.text() == "Công an phường Bến Thành"
    assert window.clock_label.text().startswith("Thứ Hai, 03/03/2025 · 08:00")


def test_the_language_switch_puts_english_first(qtbot: QtBot, make_kiosk: MakeKiosk) -> None:
    window = make_kiosk()
    assert window.prompt.text().splitlines()[0] == "Mời chọn thủ tục"
    qtbot.mouseClick(window.language_button, LEFT)
    assert window.prompt.text().splitlines() == ["Please choose a procedure", "Mời chọn thủ tục"]
    assert window.tiles["CT"].name.text() == "Residence registration"
    assert window.tiles["CT"].sub.text() == "Cư trú"


def _issue_elsewhere(url: str, count: int) -> None:
    db = open_database(url)
    engine = QueueEngine(db, FakeClock(MONDAY_0800))
    for _ in range(count):
        engine.issue_ticket("CT")
    db.dispose()


def test_the_tiles_follow_tickets_issued_by_another_kiosk(
    qtbot: QtBot, make_kiosk: MakeKiosk, db: Database, url: str
) -> None:
    window = make_kiosk()
    window.follow(ChangeFeed(db))
    qtbot.waitUntil(lambda: "Đang chờ: 0 người" in window.tiles["CT"].info.text(), timeout=5000)
    worker = mp.get_context("spawn").Process(target=_issue_elsewhere, args=(url, 3))
    worker.start()
    worker.join(60)
    assert worker.exitcode == 0
    qtbot.waitUntil(lambda: "Đang chờ: 3 người" in window.tiles["CT"].info.text(), timeout=5000)


# --- leaving the kiosk ----------------------------------------------------------------------------


def test_a_fullscreen_kiosk_cannot_be_closed_without_an_admin_pin(
    qtbot: QtBot, make_kiosk: MakeKiosk
) -> None:
    window = make_kiosk(fullscreen=True)
    window.close()  # what Alt+F4 does
    assert window.isVisible()

    def answer(pin: str) -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ExitDialog)
        dialog.pin.setText(pin)
        dialog.submit()
        qtbot.waitUntil(lambda: not dialog.checking, timeout=5000)  # checked off the GUI thread
        if dialog.isVisible():
            assert "Mã PIN không đúng" in dialog.message.text()
            dialog.reject()

    QTimer.singleShot(50, lambda: answer(OFFICER_PIN))  # an officer is not enough
    window.ask_exit()
    assert window.isVisible()
    QTimer.singleShot(50, lambda: answer(SUPERVISOR_PIN))
    window.ask_exit()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)


def test_five_wrong_pins_lock_the_pad_for_five_minutes(db: Database, clock: FakeClock) -> None:
    checker = PinChecker(db, clock)
    for _ in range(MAX_WRONG):
        assert checker.check("0000") is None
    assert checker.locked_minutes() == 5
    assert checker.check(SUPERVISOR_PIN) is None  # even the right PIN, while locked
    clock.advance(minutes=5, seconds=1)
    assert checker.check(SUPERVISOR_PIN) == "ld01"


def test_a_deactivated_supervisor_cannot_open_the_kiosk(db: Database, clock: FakeClock) -> None:
    with db.write_tx() as conn:
        conn.execute(sa.update(OF).where(OF.c.code == "ld01").values(active=False))
    assert PinChecker(db, clock).check(SUPERVISOR_PIN) is None


def test_motcua_kiosk_starts_as_its_own_process_and_says_when_it_is_ready(url: str) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen(
        [sys.executable, "-m", "motcua", "--db", url, "--log-json", "kiosk", "--windowed"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stderr is not None
        for line in process.stderr:
            if '"event": "kiosk_ready"' in line:
                assert '"services": 3' in line
                break
        else:
            pytest.fail(f"the kiosk exited ({process.wait()}) without becoming ready")
    finally:
        process.kill()
        process.communicate(timeout=10)


def test_the_office_logo_from_the_settings_replaces_the_drawn_badge(
    qtbot: QtBot, make_kiosk: MakeKiosk, db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    window = make_kiosk()
    assert window.logo.text() == "CA"
    image = tmp_path / "logo.png"
    Image.new("RGB", (300, 300), (200, 0, 0)).save(image)
    OfficeAdmin(db, clock).update_settings({"logo_png": logo_from_file(image)})
    window.refresh()
    qtbot.waitUntil(lambda: not window.logo.pixmap().isNull(), timeout=5000)


def test_after_a_restore_the_kiosk_closes_the_confirmation_of_a_ticket_that_may_be_gone(
    qtbot: QtBot, make_kiosk: MakeKiosk, db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    from shared.storage.backup import backup, restore  # noqa: PLC0415

    path = Path(str(db.write.url.database))
    backup(path, tmp_path / "morning.db")  # before the kiosk's ticket
    window = make_kiosk()
    window.follow(ChangeFeed(db))
    touch(qtbot, window, "CT")
    qtbot.waitUntil(lambda: window.pages.currentIndex() == CONFIRM, timeout=5000)
    shown = tickets(db, clock)[-1]
    # `motcua restore` on another PC: the backup comes back, the event tells every app.
    restore(path, tmp_path / "morning.db")
    other = open_database(sqlite_url(path))
    QueueEngine(other, clock).record_restored("morning.db", 0)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == HOME, timeout=5000)
    # The id of the ticket that was on screen now means another citizen's ticket: the
    # engine refuses to reprint it under the old ticket's token (tests/unit/test_backup.py).
    again = QueueEngine(other, clock).issue_ticket("CT").ticket
    assert again.id == shown.id and again.token != shown.token
    other.dispose()
    assert not window.reprint_button.isVisible()
