"""Helpers shared by the unit tests and by the worker processes some of them spawn.

The tests run with pytest's default import mode, so this folder is on sys.path (and a spawned
worker inherits that path).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from shared.office.admin import OfficeAdmin
from shared.queue.queries import QueueQueries
from shared.rules.domain import EventView, TicketStatus, TicketView
from shared.rules.numbering import NumberingFormat
from shared.storage.database import Database, open_database, sqlite_url
from shared.storage.schema import upgrade

MONDAY = dt.date(2025, 3, 3)
MONDAY_0800 = dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC)  # 08:00 in Asia/Ho_Chi_Minh (UTC+7)

# code, Vietnamese name, English name, numbering
SERVICES = (
    ("CT", "Cư trú", "Residence registration", "1001-1999"),
    ("CC", "Căn cước", "ID card", "A"),
    ("DD", "Định danh điện tử", "Electronic identification", "2001-2999"),
)

ACTIVE = (TicketStatus.CALLED, TicketStatus.SERVING)


def create_database(path: Path) -> Database:
    """A new SQLite file with the current schema."""
    return create_database_at(sqlite_url(path))


def create_database_at(url: str) -> Database:
    """The database at URL (a new SQLite file, or an empty PostgreSQL database) with the schema."""
    db = open_database(url, create=True)
    upgrade(db)
    return db


def add_services(admin: OfficeAdmin, count: int = len(SERVICES)) -> list[str]:
    """Add the first COUNT of SERVICES; returns their codes."""
    for code, name_vi, name_en, numbering in SERVICES[:count]:
        admin.add_service(code, name_vi, name_en, NumberingFormat.parse(numbering))
    return [code for code, *_ in SERVICES[:count]]


def all_events(queries: QueueQueries) -> list[EventView]:
    """The whole event log, oldest first."""
    events: list[EventView] = []
    while batch := queries.events_after(events[-1].id if events else 0):
        events.extend(batch)
    return events


def active_per_counter(tickets: list[TicketView]) -> dict[int, list[str]]:
    """Counter number -> display numbers of its called or served tickets."""
    held: dict[int, list[str]] = {}
    for t in tickets:
        if t.status in ACTIVE:
            assert t.counter_number is not None, f"{t.display_number} is {t.status} at no counter"
            held.setdefault(t.counter_number, []).append(t.display_number)
    return held
