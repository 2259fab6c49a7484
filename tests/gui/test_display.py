"""The hall display, offscreen: every call from another process shown and highlighted in order."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from display.window import DisplayTimings, DisplayWindow
from shared.clock import FakeClock, SystemClock
from shared.office.admin import OfficeAdmin
from shared.queue.engine import QueueEngine
from shared.queue.feed import ChangeFeed
from shared.queue.queries import QueueQueries
from shared.rules.domain import EventKind, EventView
from shared.rules.numbering import NumberingFormat
from shared.storage.database import Database, open_database, sqlite_url
from shared.storage.schema import upgrade

MONDAY_0800 = dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC)
COUNTERS = (1, 2, 3, 4)


def _office(path: Path) -> str:
    url = sqlite_url(path)
    db = open_database(url, create=True)
    upgrade(db)
    clock = SystemClock()
    admin = OfficeAdmin(db, clock)
    admin.update_settings(
        {"office_name": "Công an phường Bến Thành", "notice_text": "Vui lòng giữ trật tự"}
    )
    admin.add_service("CT", "Cư trú", "Residence", NumberingFormat.parse("1001-1999"))
    admin.add_service("CC", "Căn cước", "ID card", NumberingFormat.parse("2001-2999"))
    engine = QueueEngine(db, clock)
    for number in COUNTERS:
        admin.add_counter(number)
        engine.open_counter(number)
    db.dispose()
    return url


@pytest.fixture
def url(tmp_path: Path) -> str:
    return _office(tmp_path / "display.db")


@pytest.fixture
def db(url: str) -> Iterator[Database]:
    database = open_database(url)
    yield database
    database.dispose()


@pytest.fixture
def display(qtbot: QtBot, db: Database) -> Iterator[DisplayWindow]:
    clock = FakeClock(MONDAY_0800)
    window = DisplayWindow(QueueQueries(db, clock), clock, timings=DisplayTimings(highlight_s=0.05))
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    window.follow(ChangeFeed(db))
    qtbot.waitUntil(lambda: len(window.counter_tiles) == len(COUNTERS), timeout=5000)
    yield window
    window.shutdown()


def _issue_and_call_everywhere(url: str, tickets: int) -> None:
    """Issue tickets, then every counter calls within the same instant, one process."""
    db = open_database(url)
    engine = QueueEngine(db, SystemClock())
    for index in range(tickets):
        engine.issue_ticket("CT" if index % 2 == 0 else "CC")
    for counter in COUNTERS:
        engine.call_next(counter)
    engine.recall(2)
    db.dispose()


def _run(url: str, target: object, *args: object) -> None:
    worker = mp.get_context("spawn").Process(target=target, args=(url, *args))  # type: ignore[arg-type]
    worker.start()
    worker.join(60)
    assert worker.exitcode == 0


def test_calls_from_another_process_in_one_second_are_all_shown_and_highlighted_in_order(
    qtbot: QtBot, display: DisplayWindow, url: str, db: Database
) -> None:
    shown: list[EventView] = []
    highlighted: list[EventView] = []
    display.call_shown.connect(shown.append)
    display.call_highlighted.connect(highlighted.append)
    _run(url, _issue_and_call_everywhere, 6)
    qtbot.waitUntil(lambda: len(highlighted) == 5, timeout=10_000)

    calls = [
        e
        for e in QueueQueries(db, SystemClock()).events_after(0)
        if e.kind in (EventKind.TICKET_CALLED, EventKind.TICKET_RECALLED)
    ]
    assert [e.id for e in shown] == [e.id for e in calls]
    assert [e.id for e in highlighted] == [e.id for e in calls]
    assert [(e.display_number, e.counter_number) for e in shown] == [
        ("1001", 1),
        ("2001", 2),
        ("1002", 3),
        ("2002", 4),
        ("2001", 2),  # the recall is shown and announced again
    ]
    assert highlighted[-1].kind is EventKind.TICKET_RECALLED
    # Every call is listed, newest first; each counter shows its ticket.
    assert [e.display_number for e in display.recent][:5] == [
        "2001",
        "2002",
        "1002",
        "2001",
        "1001",
    ]
    qtbot.waitUntil(lambda: display.counter_tiles[3].ticket.text() == "1002", timeout=5000)
    assert display.counter_tiles[4].ticket.text() == "2002"


def test_calls_made_before_the_display_started_are_listed_not_announced(
    qtbot: QtBot, db: Database
) -> None:
    clock = FakeClock(MONDAY_0800)
    engine = QueueEngine(db, clock)
    engine.issue_ticket("CT")
    engine.call_next(1)
    window = DisplayWindow(QueueQueries(db, clock), clock, timings=DisplayTimings(0.05))
    qtbot.addWidget(window)
    highlighted: list[EventView] = []
    window.call_highlighted.connect(highlighted.append)
    window.follow(ChangeFeed(db))
    qtbot.waitUntil(lambda: len(window.recent) == 1, timeout=5000)
    qtbot.wait(200)
    assert highlighted == []
    assert window.recent_labels[0].text().startswith("1001 → Quầy 1")
    window.shutdown()


def test_counters_show_paused_and_closed(
    qtbot: QtBot, display: DisplayWindow, db: Database
) -> None:
    engine = QueueEngine(db, SystemClock())
    engine.pause_counter(2, "Nghỉ trưa")
    engine.close_counter(3)
    qtbot.waitUntil(lambda: display.counter_tiles[2].ticket.text() == "Tạm dừng", timeout=5000)
    qtbot.waitUntil(lambda: display.counter_tiles[3].ticket.text() == "Đóng", timeout=5000)
    assert display.counter_tiles[1].ticket.text() == "—"


def test_waiting_counts_and_settings_follow_the_database(
    qtbot: QtBot, display: DisplayWindow, db: Database
) -> None:
    assert display.office.text() == "Công an phường Bến Thành"
    assert display.marquee.text() == "Vui lòng giữ trật tự"
    engine = QueueEngine(db, FakeClock(MONDAY_0800))  # the display's business day
    for _ in range(3):
        engine.issue_ticket("CT")
    qtbot.waitUntil(lambda: "Cư trú: 3" in display.waiting_label.text(), timeout=5000)
    assert "Tổng / Total: 3" in display.waiting_label.text()
    OfficeAdmin(db, SystemClock()).update_settings({"notice_text": "Hôm nay nghỉ lúc 16 giờ"})
    qtbot.waitUntil(lambda: display.marquee.text() == "Hôm nay nghỉ lúc 16 giờ", timeout=5000)


def test_the_date_and_time_are_shown_in_vietnamese(display: DisplayWindow) -> None:
    assert display.clock_label.text() == "Thứ Hai, 03/03/2025\n08:00:00"


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_the_screen_fits_full_hd_and_scales_down_to_1366x768(
    qtbot: QtBot, display: DisplayWindow, size: tuple[int, int]
) -> None:
    display.resize(*size)
    qtbot.wait(50)
    layout = display.layout()
    assert layout is not None
    hint = layout.minimumSize()
    assert hint.width() <= size[0] and hint.height() <= size[1]
    assert (display.width(), display.height()) == size
