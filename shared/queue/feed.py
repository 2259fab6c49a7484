"""The change feed: another process learns of every change, in order, without reloading state.

On SQLite a poll costs a few microseconds: PRAGMA data_version on a connection kept in autocommit
changes whenever another connection commits. Only then are the new event rows read (id > last
seen). On a server database the new rows are read directly (one indexed query).
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from shared.queue.queries import event_select, event_view, last_event_id
from shared.rules.domain import EventView
from shared.storage.database import Database
from shared.storage.tables import E

log = logging.getLogger(__name__)

POLL_INTERVAL_MS = 25


class ChangeFeed:
    """Follows the event log of one database.

    Args:
        db: the database to follow.
        from_id: the last event already known; None starts at the current end of the log, so only
            changes made from now on are reported.
    """

    def __init__(self, db: Database, from_id: int | None = None) -> None:
        self._db = db
        self._conn = db.read.connect()
        self._raw: sqlite3.Connection | None = None
        if db.is_sqlite:
            raw = self._conn.connection.driver_connection
            assert isinstance(raw, sqlite3.Connection)
            self._raw = raw
        self._data_version: int | None = None
        if from_id is None:
            from_id = last_event_id(self._conn)
            self._conn.rollback()
        self.last_id = from_id

    def _changed(self) -> bool:
        if self._raw is None:
            return True
        version = int(self._raw.execute("PRAGMA data_version").fetchone()[0])
        changed = version != self._data_version
        self._data_version = version
        return changed

    def poll(self, limit: int = 500) -> list[EventView]:
        """New events since the last poll, oldest first (empty when nothing changed)."""
        if not self._changed():
            return []
        events: list[EventView] = []
        while True:
            rows: Any = self._conn.execute(
                event_select().where(E.c.id > self.last_id).order_by(E.c.id).limit(limit)
            ).all()
            # End the read transaction at once: a snapshot kept open would freeze data_version.
            self._conn.rollback()
            batch = [event_view(r) for r in rows]
            events.extend(batch)
            if batch:
                self.last_id = batch[-1].id
            elif not events and self._raw is not None:  # restores are of SQLite files
                self._follow_a_restore()
            if len(batch) < limit:
                return events

    def _follow_a_restore(self) -> None:
        """After `motcua restore` the log can end before the last event seen: go on from its
        end, or every later event (with ids from there) would be skipped."""
        end = last_event_id(self._conn)
        self._conn.rollback()
        if end < self.last_id:
            log.warning("the event log went back from %d to %d (restored?)", self.last_id, end)
            self.last_id = end

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> ChangeFeed:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
