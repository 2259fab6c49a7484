"""Fixtures of the queue core's unit tests: a real SQLite file per test and a fake clock.

The clock starts on Monday 3 March 2025 at 08:00 in Asia/Ho_Chi_Minh (01:00 UTC), the office's
default time zone, so local midnight is 17:00 UTC.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from pg_support import postgres_database
from unit_support import (
    MONDAY,
    MONDAY_0800,
    add_services,
    all_events,
    create_database_at,
)

import shared.office.config
from shared.clock import FakeClock
from shared.office.admin import OfficeAdmin
from shared.queue.engine import QueueEngine
from shared.queue.queries import QueueQueries
from shared.rules.domain import EventView, TicketView
from shared.storage.database import Database, sqlite_url


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "q.db"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Modules that set BACKENDS_TOO = True run on SQLite and on PostgreSQL (when the server of
    MOTCUA_TEST_POSTGRES is there, as .ci/run starts it; skipped otherwise)."""
    if "backend" in metafunc.fixturenames:
        both = getattr(metafunc.module, "BACKENDS_TOO", False)
        metafunc.parametrize("backend", ["sqlite", "postgresql"] if both else ["sqlite"])


@pytest.fixture
def backend() -> str:  # replaced by pytest_generate_tests
    return "sqlite"


@pytest.fixture
def db_url(backend: str, db_path: Path) -> Iterator[str]:
    """A new, empty database of the backend, for one test."""
    if backend == "sqlite":
        yield sqlite_url(db_path)
        return
    with postgres_database() as url:
        yield url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = create_database_at(db_url)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_0800)


@pytest.fixture
def engine(db: Database, clock: FakeClock) -> QueueEngine:
    return QueueEngine(db, clock)


@pytest.fixture
def admin(db: Database, clock: FakeClock) -> OfficeAdmin:
    return OfficeAdmin(db, clock)


@pytest.fixture
def queries(db: Database, clock: FakeClock) -> QueueQueries:
    return QueueQueries(db, clock)


@pytest.fixture
def add_counter(admin: OfficeAdmin, engine: QueueEngine) -> Callable[..., None]:
    """add_counter(number, services=(), open_=True): add a counter and open it."""

    def add(number: int, services: Sequence[str] = (), *, open_: bool = True) -> None:
        admin.add_counter(number, services=services)
        if open_:
            engine.open_counter(number)

    return add


@pytest.fixture
def office(admin: OfficeAdmin, add_counter: Callable[..., None]) -> None:
    """Services CT (1001-1999), CC (A001...) and DD (2001-2999); generalist counters 1 and 2."""
    add_services(admin)
    add_counter(1)
    add_counter(2)


@pytest.fixture
def events(queries: QueueQueries) -> Callable[[], list[EventView]]:
    """events(): the whole event log, oldest first."""
    return lambda: all_events(queries)


@pytest.fixture
def ticket(queries: QueueQueries) -> Callable[..., TicketView]:
    """ticket(display_number, day=MONDAY): that day's ticket with the number, as apps see it."""

    def find(number: str, day: dt.date = MONDAY) -> TicketView:
        matches = [t for t in queries.tickets_of_day(day) if t.display_number == number]
        assert len(matches) == 1, f"expected one ticket {number} on {day}, found {len(matches)}"
        return matches[0]

    return find


@pytest.fixture
def isolated_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The command line run in-process as on a fresh PC: no $MOTCUA_DB or PINs in the
    environment, no personal config file; its logging set-up is undone afterwards."""
    for name in ("MOTCUA_DB", "MOTCUA_PIN", "MOTCUA_NEW_PIN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(shared.office.config, "default_config_path", lambda: tmp_path / "none.toml")
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
