"""The scripted office morning of `motcua demo --offscreen`: every window in one process.

The kiosk, counters 1 and 2, the hall display and the supervisor share one demo database and one
fake clock (so waiting times look like a real morning in seconds). Each step acts through the
windows, waits until every window has caught up, and saves a picture of each window.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtWidgets import QWidget

from counter.serve_view import CounterAction
from counter.window import CounterWindow
from display.announcer import CallAnnouncer
from display.app import CHIME, sentence_for
from display.window import DisplayTimings, DisplayWindow
from kiosk.exit_dialog import PinChecker
from kiosk.printing import TicketOutput
from kiosk.window import KioskTimings, KioskWindow
from shared.clock import FakeClock
from shared.office.admin import OfficeAdmin
from shared.office.demo import DEMO_DATABASE, demo_printer, open_demo_office
from shared.office.sessions import CounterSessions
from shared.paths import asset_path
from shared.qt.app import application
from shared.qt.feed_watcher import FeedWatcher
from shared.queue.engine import QueueEngine
from shared.queue.feed import ChangeFeed
from shared.queue.queries import QueueQueries
from shared.rules.domain import Outcome
from shared.voice.speech import SpeechWorker
from supervisor.window import SupervisorWindow

log = logging.getLogger(__name__)

SIZES = {
    "kiosk": (1080, 1920),
    "counter1": (1366, 768),
    "counter2": (1366, 768),
    "display": (1920, 1080),
    "supervisor": (1920, 1080),
}


def opening_time() -> dt.datetime:
    """07:30 in Ho Chi Minh City today (as UTC): the office opens."""
    local_now = dt.datetime.now(dt.UTC) + dt.timedelta(hours=7)
    opening = dt.datetime.combine(local_now.date(), dt.time(7, 30))
    return (opening - dt.timedelta(hours=7)).replace(tzinfo=dt.UTC)


class Morning:
    """The windows and the steps of the morning."""

    def __init__(self, folder: Path, screenshots: Path | None) -> None:
        self.app = application("demo")
        self.clock = FakeClock(opening_time())
        self.db = open_demo_office(folder / DEMO_DATABASE, self.clock, fresh=True)
        self.screenshots = screenshots
        self.step_number = 0
        db, clock = self.db, self.clock
        self.speech = SpeechWorker(folder / "speech")
        self.speech.start()
        self.kiosk = KioskWindow(
            db,
            QueueEngine(db, clock),
            clock,
            TicketOutput(demo_printer(folder)),
            kiosk_name="kiosk-demo",
            check_pin=PinChecker(db, clock),
            timings=KioskTimings(confirm_s=3600, idle_s=3600),
        )
        self.kiosk.follow(ChangeFeed(db))
        self.counters = [self._counter(1), self._counter(2)]
        self.announcer = CallAnnouncer(
            lambda: self.display.voice, sentence_for, self.speech, asset_path(CHIME)
        )
        self.display = DisplayWindow(
            QueueQueries(db, clock), clock, self.announcer, DisplayTimings(highlight_s=1.0)
        )
        self.display.follow(ChangeFeed(db))
        watcher = FeedWatcher(ChangeFeed(db))
        self.supervisor = SupervisorWindow(
            db,
            QueueQueries(db, clock),
            CounterSessions(db, clock),
            OfficeAdmin(db, clock),
            clock,
            watcher=watcher,
        )
        watcher.setParent(self.supervisor)
        watcher.start()
        self.windows: dict[str, QWidget] = {
            "kiosk": self.kiosk,
            "counter1": self.counters[0],
            "counter2": self.counters[1],
            "display": self.display,
            "supervisor": self.supervisor,
        }
        for name, window in self.windows.items():
            window.resize(*SIZES[name])
            window.show()

    def _counter(self, number: int) -> CounterWindow:
        db, clock = self.db, self.clock
        watcher = FeedWatcher(ChangeFeed(db))
        window = CounterWindow(
            QueueEngine(db, clock),
            QueueQueries(db, clock),
            CounterSessions(db, clock),
            watcher,
            clock,
            counter_number=number,
        )
        watcher.setParent(window)
        watcher.start()
        return window

    # ------------------------------------------------------------------ waiting and pictures

    def settle(self, seconds: float = 0.6) -> None:
        """Let every window catch up: queued database calls, the change feed, repaints."""
        end = time.monotonic() + seconds
        while time.monotonic() < end or self._busy():
            self.app.processEvents()
            time.sleep(0.01)
            if time.monotonic() > end + 20:
                log.warning("a window is still busy after 20 s")
                break

    def _busy(self) -> bool:
        return any(c.busy for c in self.counters) or self.supervisor.busy

    def step(self, name: str, action: Callable[[], None], *, minutes: float = 0) -> None:
        self.clock.advance(minutes=minutes)
        action()
        self.settle()
        self.step_number += 1
        print(f"  {self.step_number:02d} {name}")
        if self.screenshots is not None:
            self.screenshots.mkdir(parents=True, exist_ok=True)
            for window_name, window in self.windows.items():
                window.grab().save(
                    str(self.screenshots / f"{self.step_number:02d}-{name}-{window_name}.png")
                )

    # ------------------------------------------------------------------ the morning

    def play(self) -> None:
        c1, c2 = self.counters
        self.step("open", lambda: None)
        self.step("counter1-logs-in", lambda: c1.login("cb01", "1111", 1))
        self.step("counter2-logs-in", lambda: c2.login("cb02", "2222", 2))
        self.step("supervisor-logs-in", lambda: self.supervisor.login("ld01", "9999"))
        for index, code in enumerate(("CT", "CC", "DD", "CT", "TKQ", "XP", "CC", "HD")):
            self.step(f"citizen-{index + 1}-takes-{code}", partial(self._take, code), minutes=2)
        self.step(
            "elderly-citizen-takes-priority",
            lambda: self._take("CT", ("elderly", "Người cao tuổi (từ 60 tuổi)", "Elderly (60+)")),
            minutes=1,
        )
        self.step("counter1-calls", lambda: c1.act(CounterAction.CALL_NEXT), minutes=1)
        self.step("counter2-calls", lambda: c2.act(CounterAction.CALL_NEXT))
        self.step("counter1-recalls", lambda: c1.act(CounterAction.RECALL), minutes=1)
        self.step("counter1-no-show", lambda: c1.act(CounterAction.NO_SHOW), minutes=2)
        self.step("counter2-starts", lambda: c2.act(CounterAction.START))
        self.step("counter1-calls-next", lambda: c1.act(CounterAction.CALL_NEXT))
        self.step("counter1-starts", lambda: c1.act(CounterAction.START), minutes=1)
        self.step(
            "counter2-transfers-to-vehicles",
            lambda: c2.transfer_to("DX", "Hồ sơ đăng ký xe"),
            minutes=4,
        )
        self.step(
            "counter1-finishes",
            lambda: c1.finish_with(Outcome.DOSSIER_RECEIVED),
            minutes=6,
        )
        self.step("both-call-next", lambda: self._both(CounterAction.CALL_NEXT))
        self.step("both-start", lambda: self._both(CounterAction.START), minutes=1)
        self.step(
            "counter1-finishes-again", lambda: c1.finish_with(Outcome.RESULT_RETURNED), minutes=5
        )
        self.step("counter2-finishes", lambda: c2.finish_with(Outcome.GUIDANCE_ONLY))
        self.step("mid-morning", lambda: None, minutes=10)

    def _both(self, action: CounterAction) -> None:
        for counter in self.counters:
            counter.act(action)

    def _take(self, code: str, priority: tuple[str, str, str] | None = None) -> None:
        self.kiosk.go_home()
        self.settle(0.2)
        if priority is not None:
            self.kiosk.choose_priority(*priority)
        self.kiosk.choose_service(code)
        self.settle(0.4)

    def close(self) -> None:
        self.kiosk.wait_for_tasks()
        self.announcer.shutdown()
        self.display.shutdown()
        for window in self.windows.values():
            window.close()
        self.speech.close()
        self.db.dispose()


def play_morning(folder: Path, screenshots: Path | None) -> int:
    morning = Morning(folder, screenshots)
    print(f"motcua demo: a scripted morning on {folder / 'motcua-demo.db'}")
    try:
        morning.play()
    finally:
        morning.close()
    tickets = sorted((folder / "tickets").glob("*.png"))
    print(f"motcua demo: {len(tickets)} tickets printed as images in {folder / 'tickets'}")
    if screenshots is not None:
        print(f"motcua demo: screenshots of every window after each step in {screenshots}")
    return 0
