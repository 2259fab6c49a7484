"""The Qt adapter of the change feed: one signal per event, in order, from another process."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

from pytestqt.qtbot import QtBot

from shared.clock import SystemClock
from shared.office.admin import OfficeAdmin
from shared.qt.feed_watcher import FeedWatcher
from shared.queue.engine import QueueEngine
from shared.queue.feed import ChangeFeed
from shared.rules.numbering import NumberingFormat
from shared.storage.database import open_database, sqlite_url
from shared.storage.schema import upgrade


def _issue_in_other_process(url: str, count: int) -> None:
    db = open_database(url)
    engine = QueueEngine(db, SystemClock())
    for _ in range(count):
        engine.issue_ticket("CT")
    engine.call_next(1)
    db.dispose()


def _office(path: Path) -> str:
    url = sqlite_url(path)
    db = open_database(url, create=True)
    upgrade(db)
    clock = SystemClock()
    OfficeAdmin(db, clock).add_service(
        "CT", "Cư trú", "Residence", NumberingFormat.parse("1001-1999")
    )
    OfficeAdmin(db, clock).add_counter(1)
    QueueEngine(db, clock).open_counter(1)
    db.dispose()
    return url


def test_watcher_emits_every_event_of_another_process_in_order(
    qtbot: QtBot, tmp_path: Path
) -> None:
    url = _office(tmp_path / "q.db")
    db = open_database(url)
    watcher = FeedWatcher(ChangeFeed(db))
    received = []
    watcher.event_received.connect(received.append)
    watcher.start()

    proc = mp.get_context("spawn").Process(target=_issue_in_other_process, args=(url, 5))
    proc.start()
    qtbot.waitUntil(lambda: len(received) == 6, timeout=20_000)
    proc.join(timeout=20)
    watcher.stop()
    db.dispose()

    assert proc.exitcode == 0
    assert [e.kind for e in received] == ["ticket_issued"] * 5 + ["ticket_called"]
    assert [e.display_number for e in received] == ["1001", "1002", "1003", "1004", "1005", "1001"]
    assert [e.id for e in received] == sorted(e.id for e in received)
    assert received[-1].counter_number == 1


def test_watcher_reports_a_broken_database_once_and_keeps_polling(
    qtbot: QtBot, tmp_path: Path
) -> None:
    url = _office(tmp_path / "q.db")
    db = open_database(url)
    feed = ChangeFeed(db)
    watcher = FeedWatcher(feed)
    failures: list[str] = []
    watcher.feed_failed.connect(failures.append)
    feed.close()  # the connection is gone: every poll now fails
    watcher.poll_now()
    watcher.poll_now()
    db.dispose()
    assert len(failures) == 1
