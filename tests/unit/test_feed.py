"""The change feed: another process's changes arrive in order, each exactly once."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
import time
import traceback
from pathlib import Path
from typing import Any

import pytest
from unit_support import MONDAY_0800

from shared.clock import FakeClock
from shared.errors import NotFoundError
from shared.queue.engine import QueueEngine
from shared.queue.feed import ChangeFeed
from shared.rules.domain import EventKind, EventView
from shared.storage.database import Database, open_database, sqlite_url

TICKETS = 20
DEADLINE_S = 60


def _issue_worker(url: str, count: int, errors: Any) -> None:
    """Another PC's kiosk: one ticket per transaction."""
    try:
        db = open_database(url)
        try:
            engine = QueueEngine(db, FakeClock(MONDAY_0800))
            for _ in range(count):
                engine.issue_ticket("CT")
        finally:
            db.dispose()
    except BaseException:
        errors.put(traceback.format_exc())


@pytest.mark.usefixtures("office")
def test_feed_follows_another_process_in_order_without_repeats(db: Database, db_path: Path) -> None:
    with ChangeFeed(db) as feed:
        ctx = mp.get_context("spawn")
        errors = ctx.Queue()
        kiosk = ctx.Process(target=_issue_worker, args=(sqlite_url(db_path), TICKETS, errors))
        kiosk.start()
        polls: list[list[EventView]] = []
        deadline = time.monotonic() + DEADLINE_S
        try:
            while sum(len(p) for p in polls) < TICKETS and time.monotonic() < deadline:
                if batch := feed.poll():
                    polls.append(batch)
                elif not kiosk.is_alive() and kiosk.exitcode != 0:
                    break
                else:
                    time.sleep(0.01)  # waiting on the other process
        finally:
            kiosk.join(timeout=DEADLINE_S)
            if kiosk.is_alive():
                kiosk.kill()
                kiosk.join()
        assert errors.empty(), errors.get()
        assert kiosk.exitcode == 0
        seen = [e for batch in polls for e in batch]
        assert [e.kind for e in seen] == [EventKind.TICKET_ISSUED] * TICKETS
        assert [e.display_number for e in seen] == [str(1001 + i) for i in range(TICKETS)]
        ids = [e.id for e in seen]
        assert ids == sorted(set(ids))  # in order, none twice across polls
        assert feed.poll() == []  # nothing new since


@pytest.mark.usefixtures("office")
def test_feed_without_a_start_begins_at_the_current_end(db: Database, engine: QueueEngine) -> None:
    engine.issue_ticket("CT")
    with ChangeFeed(db) as feed, ChangeFeed(db, from_id=0) as replay:
        assert feed.poll() == []
        past = replay.poll()
        assert [e.kind for e in past][-1] is EventKind.TICKET_ISSUED
        assert [e.kind for e in past].count(EventKind.SERVICE_CHANGED) == 3
        assert replay.poll() == []
        engine.issue_ticket("CC")
        assert [e.display_number for e in feed.poll()] == ["A001"]
        assert [e.display_number for e in replay.poll()] == ["A001"]


@pytest.mark.usefixtures("office")
def test_each_poll_returns_only_what_another_connection_committed_since(
    db: Database, db_path: Path, clock: FakeClock
) -> None:
    other_db = open_database(sqlite_url(db_path))  # another PC's connection
    try:
        other = QueueEngine(other_db, clock)
        with ChangeFeed(db) as feed:
            other.issue_ticket("CT")
            assert [e.display_number for e in feed.poll()] == ["1001"]
            assert feed.poll() == []
            with pytest.raises(NotFoundError):
                other.issue_ticket("ZZ")  # refused: rolled back, nothing to report
            assert feed.poll() == []
            other.issue_ticket("DD")
            other.issue_ticket("CC", "elderly")
            got = feed.poll()
            assert [(e.kind, e.display_number) for e in got] == [
                (EventKind.TICKET_ISSUED, "2001"),
                (EventKind.TICKET_ISSUED, "A001"),
            ]
            assert got[1].details == {"priority_category": "elderly"}
            assert feed.last_id == got[-1].id
    finally:
        other_db.dispose()


@pytest.mark.usefixtures("office")
def test_a_large_backlog_arrives_whole_and_in_order(db: Database, engine: QueueEngine) -> None:
    with ChangeFeed(db) as feed:
        for _ in range(12):
            engine.issue_ticket("CT")
        got = feed.poll(limit=5)  # more rows than one page
        assert [e.display_number for e in got] == [str(1001 + i) for i in range(12)]
        assert feed.poll(limit=5) == []


@pytest.mark.usefixtures("office")
def test_a_feed_whose_log_went_back_follows_the_new_end(db: Database, db_path: Path) -> None:
    """A log shorter than what the feed saw (a file put back by hand): later events still come."""
    engine = QueueEngine(db, FakeClock(MONDAY_0800))
    engine.issue_ticket("CT")
    engine.issue_ticket("CT")
    feed = ChangeFeed(db)
    with sqlite3.connect(db_path) as conn:  # the last two events vanish, their ids are reused
        conn.execute("DELETE FROM event WHERE id > (SELECT max(id) - 2 FROM event)")
        conn.execute("UPDATE sqlite_sequence SET seq = (SELECT max(id) FROM event)")
    assert feed.poll() == []  # sees the shorter log and goes on from its end
    engine.issue_ticket("CT")
    assert [e.kind for e in feed.poll()] == [EventKind.TICKET_ISSUED]
