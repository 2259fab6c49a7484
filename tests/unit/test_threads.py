"""One process, many threads (an app's worker threads): every write is still serialized."""

from __future__ import annotations

import threading
from pathlib import Path

from unit_support import add_services, create_database

from shared.clock import SystemClock
from shared.office.admin import OfficeAdmin
from shared.queue.engine import QueueEngine

THREADS = 24  # more than SQLAlchemy's default pool would hand out (5 + 10)
TICKETS = 8


def test_many_threads_issue_through_one_database_without_duplicates(tmp_path: Path) -> None:
    db = create_database(tmp_path / "q.db")
    clock = SystemClock()
    add_services(OfficeAdmin(db, clock), count=1)
    engine = QueueEngine(db, clock)
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work() -> None:
        try:
            start.wait(timeout=30)
            for _ in range(TICKETS):
                numbers.append(engine.issue_ticket("CT").ticket.display_number)
        except BaseException as exc:  # reported below, in the test's own thread
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    db.dispose()
    assert errors == []
    assert sorted(numbers) == [str(1001 + i) for i in range(THREADS * TICKETS)]
