"""Backups: online while another process writes, restore seen by running apps, daily retention."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import sqlite3
from pathlib import Path

import pytest
from unit_support import MONDAY, create_database

from shared.cli import main
from shared.clock import FakeClock, SystemClock
from shared.errors import ConflictError, InvalidInputError
from shared.office.admin import OfficeAdmin
from shared.queue.engine import QueueEngine
from shared.queue.feed import ChangeFeed
from shared.rules.domain import EventKind
from shared.rules.numbering import NumberingFormat
from shared.storage.backup import backup, daily_backup, inspect_backup, restore
from shared.storage.database import Database, open_database, sqlite_url


def _office(path: Path) -> Database:
    db = create_database(path)
    OfficeAdmin(db, SystemClock()).add_service(
        "CT", "Cư trú", "Residence", NumberingFormat.parse("1001-9999")
    )
    return db


def _issue_many(url: str, count: int, started: object) -> None:
    db = open_database(url)
    engine = QueueEngine(db, SystemClock())
    engine.issue_ticket("CT")
    started.set()  # type: ignore[attr-defined]
    for _ in range(count - 1):
        engine.issue_ticket("CT")
    db.dispose()


def _tickets(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT display_number FROM ticket ORDER BY id")]


def test_a_backup_taken_while_another_process_issues_is_whole_and_private(tmp_path: Path) -> None:
    path = tmp_path / "office.db"
    _office(path).dispose()
    ctx = mp.get_context("spawn")
    started = ctx.Event()
    writer = ctx.Process(target=_issue_many, args=(sqlite_url(path), 300, started))
    writer.start()
    assert started.wait(60)
    info = backup(path, tmp_path / "copy.db")
    writer.join(120)
    assert writer.exitcode == 0
    assert os.stat(tmp_path / "copy.db").st_mode & 0o777 == 0o600
    copied = _tickets(tmp_path / "copy.db")
    assert 1 <= len(copied) == info.tickets <= 300
    # A consistent snapshot: the first N numbers, no gap, no half-written ticket.
    assert copied == [str(1001 + i) for i in range(len(copied))]
    assert inspect_backup(tmp_path / "copy.db").events >= info.tickets


def test_restore_brings_the_backup_back_keeps_the_current_data_and_running_apps_follow(
    tmp_path: Path,
) -> None:
    path = tmp_path / "office.db"
    db = _office(path)
    clock = FakeClock(dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC))
    engine = QueueEngine(db, clock)
    engine.issue_ticket("CT")
    backup(path, tmp_path / "morning.db")
    engine.issue_ticket("CT")
    engine.issue_ticket("CT")
    feed = ChangeFeed(db)  # a running display, at the end of the log

    kept = tmp_path / "kept.db"
    restore(path, tmp_path / "morning.db", keep_current=kept)
    assert _tickets(path) == ["1001"]
    assert _tickets(kept) == ["1001", "1002", "1003"]  # nothing issued is lost
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    # The running apps go on: the engine numbers from the restored state, the feed sees it.
    assert engine.issue_ticket("CT").ticket.display_number == "1002"
    engine.issue_ticket("CT")
    assert [e.display_number for e in feed.poll()] == ["1002", "1003"]
    db.dispose()


def test_restore_refuses_a_file_that_is_not_an_intact_motcua_backup(tmp_path: Path) -> None:
    path = tmp_path / "office.db"
    db = _office(path)
    QueueEngine(db, SystemClock()).issue_ticket("CT")
    db.dispose()
    not_motcua = tmp_path / "other.db"
    with sqlite3.connect(not_motcua) as conn:
        conn.execute("CREATE TABLE x (y)")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    truncated = tmp_path / "half.db"
    backup(path, truncated)
    truncated.write_bytes(truncated.read_bytes()[:5000])
    for bad in (not_motcua, text, truncated, tmp_path / "missing.db"):
        with pytest.raises(InvalidInputError):
            restore(path, bad)
    assert _tickets(path) == ["1001"]


def test_backup_refuses_its_own_database_and_a_missing_folder(tmp_path: Path) -> None:
    path = tmp_path / "office.db"
    _office(path).dispose()
    with pytest.raises(InvalidInputError, match="cannot be the database itself"):
        backup(path, path)
    with pytest.raises(InvalidInputError, match="does not exist"):
        backup(path, tmp_path / "nowhere" / "copy.db")


def test_daily_backups_are_made_once_a_day_and_kept_for_the_given_days(tmp_path: Path) -> None:
    path = tmp_path / "office.db"
    _office(path).dispose()
    folder = tmp_path / "backups"
    for offset in range(10):
        daily_backup(path, folder, MONDAY + dt.timedelta(days=offset), keep_days=7)
    assert daily_backup(path, folder, MONDAY + dt.timedelta(days=9), keep_days=7) is None
    names = sorted(p.name for p in folder.iterdir())
    days = [(MONDAY + dt.timedelta(days=d)).isoformat() for d in range(3, 10)]
    assert names == [f"motcua-{day}.db" for day in days]


@pytest.mark.usefixtures("isolated_cli")
def test_a_restore_tells_the_running_apps_and_no_old_ticket_is_printed_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / "office.db"
    db = _office(path)
    engine = QueueEngine(db, SystemClock())  # the command below runs on this PC's clock too
    engine.issue_ticket("CT")
    backup(path, tmp_path / "morning.db")
    printed = engine.issue_ticket("CT").ticket  # on the kiosk's confirmation screen
    feed = ChangeFeed(db)  # a running display, at the end of the log
    assert main(["--db", str(path), "restore", str(tmp_path / "morning.db")]) == 0
    events = feed.poll()
    assert [e.kind for e in events] == [EventKind.DATABASE_RESTORED]
    assert events[0].details["tickets"] == 1
    # Another citizen's ticket now has the id the kiosk still shows.
    other = engine.issue_ticket("CT").ticket
    assert other.id == printed.id and other.token != printed.token
    with pytest.raises(ConflictError, match="restored"):
        engine.reprint(printed.id, "kiosk-sanh", printed.token)
    assert [e.kind for e in feed.poll()] == [EventKind.TICKET_ISSUED]  # no reprint recorded
    again = engine.reprint(other.id, "kiosk-sanh", other.token)
    assert again.display_number == other.display_number
    db.dispose()
