"""Render README's screenshots offscreen from a demo office on a fixed morning.

    .venv/bin/python scripts/screenshots.py [--out docs]

Every picture comes from the real windows on a real demo database (in a temporary folder), so the
README shows what the apps really draw, Vietnamese diacritics included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported

from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QApplication, QWidget

from display.window import DisplayTimings, DisplayWindow
from kiosk.exit_dialog import PinChecker
from kiosk.printing import TicketOutput
from kiosk.window import KioskWindow
from shared.clock import FakeClock
from shared.office.admin import OfficeAdmin
from shared.office.config import PrinterConfig
from shared.office.demo import open_demo_office
from shared.office.sessions import CounterSessions
from shared.qt.app import application
from shared.queue.engine import QueueEngine
from shared.queue.feed import ChangeFeed
from shared.queue.queries import QueueQueries
from shared.rules.domain import Outcome, TicketStatus
from shared.storage.database import Database
from supervisor.window import SupervisorWindow

MORNING = dt.datetime(2026, 11, 30, 1, 40, tzinfo=dt.UTC)  # Monday 08:40 in Ho Chi Minh City


def demo_office(folder: Path, clock: FakeClock) -> Database:
    db = open_demo_office(folder / "demo.db", clock, fresh=True)
    engine = QueueEngine(db, clock)
    OfficeAdmin(db, clock).set_service_open("DX", False)  # the vehicle desk is closed today
    for code in ("CT", "CC", "CT", "DD", "TKQ", "CC", "CT", "XP", "DD", "CT", "HD", "CC"):
        engine.issue_ticket(code)
        clock.advance(minutes=2)
    for counter in (1, 2, 3):
        engine.call_next(counter)
        clock.advance(minutes=4)
        engine.finish(counter, Outcome.DOSSIER_RECEIVED)
    return db


def settle(app: QApplication, window: QWidget, rounds: int = 40) -> None:
    for _ in range(rounds):
        app.processEvents()


def wait_for(app: QApplication, ready: Callable[[], bool], rounds: int) -> None:
    """Run the event loop until READY() holds, for ROUNDS times 10 ms at most."""
    while not ready() and rounds:
        app.processEvents()
        QThread.msleep(10)
        rounds -= 1


def save_full_and_small(app: QApplication, window: Any, out: Path, name: str, scale: float) -> None:
    """NAME.png at the window's size (times SCALE) and NAME-1366x768.png, an office laptop's."""
    window.wait_for_tasks()
    settle(app, window)
    save(window, out / f"{name}.png", scale)
    window.resize(1366, 768)
    settle(app, window)
    save(window, out / f"{name}-1366x768.png", 1.0)


def save(window: QWidget, path: Path, scale: float) -> None:
    pixmap = window.grab()
    if scale != 1.0:
        pixmap = pixmap.scaledToWidth(
            round(pixmap.width() * scale), Qt.TransformationMode.SmoothTransformation
        )
    pixmap.save(str(path))
    print(path)


def kiosk_shots(app: QApplication, db: Database, clock: FakeClock, out: Path) -> None:
    for size, name in (((1920, 1080), "landscape"), ((1080, 1920), "portrait")):
        window = KioskWindow(
            db,
            QueueEngine(db, clock),
            clock,
            TicketOutput(PrinterConfig(kind="none")),
            kiosk_name="screenshots",
            check_pin=PinChecker(db, clock),
        )
        window.resize(*size)
        window.show()
        window.wait_for_tasks()
        settle(app, window)
        save(window, out / f"kiosk-{name}.png", 0.5)
        if name == "landscape":
            window.choose_service("CC")
            window.wait_for_tasks()
            settle(app, window)
            save(window, out / "kiosk-confirmation.png", 0.5)
        window.wait_for_tasks()
        window.close()


def display_shots(app: QApplication, db: Database, clock: FakeClock, out: Path) -> None:
    queries = QueueQueries(db, clock)
    window = DisplayWindow(queries, clock, timings=DisplayTimings(highlight_s=600))
    window.resize(1920, 1080)
    window.show()
    window.follow(ChangeFeed(db))
    window.wait_for_tasks()
    settle(app, window)
    engine = QueueEngine(db, clock)
    for counter in (4, 1, 2):  # three calls in the same second: each one is shown
        engine.call_next(counter)
    engine.pause_counter(3, "Nghỉ giải lao")
    wait_for(app, lambda: len(window.recent) >= 6, 200)
    save_full_and_small(app, window, out, "display", 0.5)
    window.shutdown()
    window.close()


# Arrivals per service in a ward office's morning (relative weights).
_MORNING_MIX = (("CT", 5), ("CC", 4), ("DD", 3), ("DX", 1), ("XP", 1), ("TKQ", 2), ("HD", 1))


def busy_morning(folder: Path, clock: FakeClock) -> Database:
    """A demo office from 07:30 to 09:45 on the real engine: four counters, a queue that grows.

    Counter 3 leaves for a meeting at 08:50, one dossier is transferred, a citizen who stepped
    out is called back out of order, and the kiosk's printer runs out of paper at 09:45.
    """
    rng = random.Random(20261130)
    clock.set(MORNING.replace(hour=0, minute=30))  # 07:30 in Ho Chi Minh City
    db = open_demo_office(folder / "morning.db", clock, fresh=True)
    engine = QueueEngine(db, clock)
    OfficeAdmin(db, clock).set_service("CC", wait_threshold_minutes=20)
    OfficeAdmin(db, clock).set_service("CT", wait_threshold_minutes=15)
    codes = [code for code, weight in _MORNING_MIX for _ in range(weight)]
    busy_until: dict[int, dt.datetime | None] = {n: None for n in (1, 2, 3, 4)}
    for minute in range(135):
        rate = 0.45 if minute < 30 else 0.6  # people queue before the doors open at 08:00
        for _ in range(sum(rng.random() < rate / 2 for _ in range(2))):
            engine.issue_ticket(rng.choice(codes), "elderly" if rng.random() < 0.08 else None)
        if minute == 80:
            if busy_until[3] is not None:
                engine.finish(3, Outcome.DOSSIER_RECEIVED)
            engine.pause_counter(3, "Họp giao ban")
        for number, until in list(busy_until.items()):
            if minute >= 30 and not (number == 3 and minute >= 80):
                busy_until[number] = _counter_minute(
                    engine, number, clock.now(), until, rng, transfer=minute == 95
                )
        clock.advance(minutes=1)
    tickets = QueueQueries(db, clock).tickets_of_day(business_day_of(clock))
    no_show = next((t for t in tickets if t.status == TicketStatus.NO_SHOW), None)
    if no_show is not None:  # counter 1 ends its ticket and calls the citizen back
        reason = "Công dân vắng mặt khi được gọi, nay quay lại"
        engine.call_ticket(1, no_show.display_number, reason)
    engine.record_printer_fault("kiosk-sanh", "hết giấy / out of paper")
    clock.advance(minutes=2)
    return db


def _counter_minute(
    engine: QueueEngine,
    number: int,
    now: dt.datetime,
    until: dt.datetime | None,
    rng: random.Random,
    *,
    transfer: bool,
) -> dt.datetime | None:
    """One minute of a counter: go on serving, or finish and call the next citizen."""
    if until is not None and now < until:
        return until
    if until is not None:
        engine.finish(number, Outcome.DOSSIER_RECEIVED)
    if transfer and number == 2:
        moved = engine.call_next(number)
        if moved.ticket is not None:
            engine.transfer(number, to_service="XP", reason="Phát hiện vi phạm cần xử phạt")
    if engine.call_next(number).ticket is None:
        return None
    if rng.random() < 0.06:
        engine.no_show(number)
        return None
    engine.start(number)
    return now + dt.timedelta(minutes=rng.uniform(3, 8))


def business_day_of(clock: FakeClock) -> dt.date:
    return clock.now().astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()


def supervisor_shots(app: QApplication, out: Path) -> None:
    """The supervisor's live view at 09:45 of a busy morning, at 1366x768 and 1920x1080."""
    clock = FakeClock(MORNING)
    with tempfile.TemporaryDirectory(prefix="motcua-morning-") as folder:
        db = busy_morning(Path(folder), clock)
        window = SupervisorWindow(
            db,
            QueueQueries(db, clock),
            CounterSessions(db, clock),
            OfficeAdmin(db, clock),
            clock,
        )
        window.resize(1920, 1080)
        window.show()
        window.login("ld01", "9999")
        wait_for(app, lambda: window.metrics is not None, 500)
        save_full_and_small(app, window, out, "supervisor", 1.0)
        window.close()
        db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = application("screenshots")
    clock = FakeClock(MORNING)
    with tempfile.TemporaryDirectory(prefix="motcua-shots-") as folder:
        db = demo_office(Path(folder), clock)
        kiosk_shots(app, db, clock, args.out)
        display_shots(app, db, clock, args.out)
        db.dispose()
    supervisor_shots(app, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
