"""Backups of the office's SQLite file: online, while the apps run, and restored the same way.

SQLite's online backup API copies the database page by page under its own locks, so a backup taken
while counters call is a consistent snapshot, and a restore is seen by every running app at its
next read (their caches are invalidated). Files are created readable by their owner only: they
hold PIN hashes.

A PostgreSQL office backs up with the server's own tools (pg_dump): these functions refuse it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from shared.errors import DatabaseError, InvalidInputError

log = logging.getLogger(__name__)

DAILY_NAME = "motcua-{day}.db"
_DAILY = re.compile(r"^motcua-(\d{4}-\d{2}-\d{2})\.db$")
PAGES_PER_STEP = 1024  # the apps can write between two steps of a long backup


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    bytes: int
    tickets: int
    events: int


def backup(database: Path, out: Path) -> BackupInfo:
    """Copy DATABASE to OUT (replaced atomically when complete), while the apps may run.

    Raises:
        DatabaseError: the database cannot be read or OUT cannot be written.
    """
    if not database.exists():
        raise DatabaseError(
            f"Không tìm thấy cơ sở dữ liệu {database}", f"database {database} does not exist"
        )
    if out.resolve() == database.resolve():
        raise InvalidInputError(
            "Tệp sao lưu không được trùng với cơ sở dữ liệu",
            "the backup file cannot be the database itself",
        )
    if not out.parent.is_dir():
        raise InvalidInputError(
            f"Không có thư mục {out.parent}", f"the folder {out.parent} does not exist"
        )
    partial = out.with_name(out.name + ".partial")
    try:
        partial.unlink(missing_ok=True)
        _create_private(partial)
        with _connect(database, readonly=True) as source, _connect(partial) as target:
            source.backup(target, pages=PAGES_PER_STEP)
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        _fsync(partial)
        os.replace(partial, out)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise DatabaseError(
            f"Không sao lưu được vào {out}: {exc}", f"cannot back up to {out}: {exc}"
        ) from exc
    info = inspect_backup(out)
    log.info(
        "backup written",
        extra={"event": "backup_written", "path": str(out), "tickets": info.tickets},
    )
    return info


def inspect_backup(path: Path) -> BackupInfo:
    """Check that PATH is a whole motcua database; return what it holds.

    Raises:
        InvalidInputError: it is not a SQLite file, is damaged, or is not a motcua database.
    """
    if not path.is_file():
        raise InvalidInputError(f"Không có tệp {path}", f"there is no file {path}")
    try:
        with _connect(path, readonly=True) as conn:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if check != "ok" or not {"ticket", "event", "alembic_version"} <= tables:
                raise InvalidInputError(
                    f"{path} không phải bản sao lưu motcua còn nguyên vẹn",
                    f"{path} is not an intact motcua backup ({check})",
                )
            tickets = conn.execute("SELECT count(*) FROM ticket").fetchone()[0]
            events = conn.execute("SELECT count(*) FROM event").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise InvalidInputError(
            f"{path} không phải bản sao lưu motcua: {exc}",
            f"{path} is not a motcua backup: {exc}",
        ) from exc
    return BackupInfo(path, path.stat().st_size, int(tickets), int(events))


def restore(database: Path, source: Path, *, keep_current: Path | None = None) -> BackupInfo:
    """Put the content of backup SOURCE into DATABASE, online.

    The current content is first saved to KEEP_CURRENT (default: beside the database, named with
    the time), so a restore can itself be undone. Running apps see the restored data at their
    next read; the change feed's next events are those of the backup.

    Raises:
        InvalidInputError: SOURCE is not an intact motcua database.
        DatabaseError: the database cannot be written.
    """
    info = inspect_backup(source)
    last_event = 0
    if database.exists():
        last_event = _event_sequence(database)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")  # noqa: DTZ005 - a file name only
        keep = keep_current or database.with_name(f"{database.stem}-before-restore-{stamp}.db")
        backup(database, keep)
        log.info("current database kept as %s", keep)
    else:
        _create_private(database)
    try:
        with _connect(source, readonly=True) as src, _connect(database) as target:
            src.backup(target, pages=PAGES_PER_STEP)
            # New events get ids after every id the running apps have seen, so their change
            # feeds go on (they follow ids upwards) instead of waiting for the old end.
            target.execute(
                "UPDATE sqlite_sequence SET seq = ? WHERE name = 'event' AND seq < ?",
                (last_event, last_event),
            )
            target.commit()
    except sqlite3.Error as exc:
        raise DatabaseError(
            f"Không khôi phục được vào {database}: {exc}",
            f"cannot restore into {database}: {exc}",
        ) from exc
    log.info("restored", extra={"event": "database_restored", "source": str(source)})
    return info


def daily_backup(database: Path, folder: Path, today: dt.date, keep_days: int) -> Path | None:
    """Make today's backup in FOLDER unless it exists; delete daily backups older than KEEP_DAYS.

    Returns the file written, or None when today's was already there.
    """
    if keep_days < 1:
        raise InvalidInputError("Số ngày giữ phải từ 1 trở lên", "keep_days must be 1 or more")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / DAILY_NAME.format(day=today.isoformat())
    written = None
    if not target.exists():
        backup(database, target)
        written = target
    oldest_kept = today - dt.timedelta(days=keep_days - 1)
    for file in folder.iterdir():
        match = _DAILY.match(file.name)
        if match and dt.date.fromisoformat(match.group(1)) < oldest_kept:
            file.unlink()
            log.info("old backup removed: %s", file)
    return written


def _event_sequence(path: Path) -> int:
    """The last event id ever given in PATH (SQLite's AUTOINCREMENT counter)."""
    try:
        with _connect(path, readonly=True) as conn:
            row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'event'").fetchone()
    except sqlite3.Error:
        return 0  # a damaged database: restoring it is the point
    return int(row[0]) if row else 0


@contextmanager
def _connect(path: Path, *, readonly: bool = False) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection, closed at the end (sqlite3's own "with" only commits)."""
    if readonly:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    else:
        conn = sqlite3.connect(path, timeout=10)
    try:
        yield conn
    finally:
        conn.close()


def _create_private(path: Path) -> None:
    """An empty file only its owner can read (the mode of a new file, whatever the umask)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
