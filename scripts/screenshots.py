"""Render README's screenshots offscreen from a demo office on a fixed morning.

    .venv/bin/python scripts/screenshots.py [--out docs]

Every picture comes from the real windows on a real demo database (in a temporary folder), so the
README shows what the apps really draw, Vietnamese diacritics included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported

from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QApplication, QWidget

from display.window import DisplayTimings, DisplayWindow
from kiosk.exit_dialog import PinChecker
from kiosk.printing import TicketOutput
from kiosk.window import KioskWindow
from shared.admin import OfficeAdmin
from shared.clock import FakeClock
from shared.config import PrinterConfig
from shared.database import Database, open_database, sqlite_url
from shared.demo import seed_demo
from shared.domain import Outcome
from shared.engine import QueueEngine
from shared.feed import ChangeFeed
from shared.qt.app import application
from shared.queries import QueueQueries
from shared.schema import upgrade

MORNING = dt.datetime(2026, 11, 30, 1, 40, tzinfo=dt.UTC)  # Monday 08:40 in Ho Chi Minh City


def demo_office(folder: Path, clock: FakeClock) -> Database:
    db = open_database(sqlite_url(folder / "demo.db"), create=True)
    upgrade(db)
    engine = QueueEngine(db, clock)
    seed_demo(OfficeAdmin(db, clock), engine)
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
    deadline = 200
    while len(window.recent) < 6 and deadline:
        app.processEvents()
        QThread.msleep(10)
        deadline -= 1
    window.wait_for_tasks()
    settle(app, window)
    save(window, out / "display.png", 0.5)
    window.resize(1366, 768)
    settle(app, window)
    save(window, out / "display-1366x768.png", 1.0)
    window.shutdown()
    window.close()


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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
