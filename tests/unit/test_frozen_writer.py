"""A process stopped while it holds the write lock (SIGSTOP, a PC that hangs) does not freeze the
office: every waiting writer gives up with the busy error, and the office goes on as soon as the
stopped process resumes or dies. Real processes, a real SQLite file, a real SIGSTOP."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from shared.clock import SystemClock
from shared.errors import DatabaseError
from shared.office.demo import new_office
from shared.queue.engine import QueueEngine
from shared.storage.database import open_database, sqlite_url
from shared.storage.tables import T

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGSTOP is POSIX")

WAITERS = 3


def _hold_the_lock(url: str, inside: Any, release: Any) -> None:
    """Write inside a transaction that stays open until the parent lets go."""
    db = open_database(url)
    with db.write_tx() as conn:
        conn.execute(sa.text("UPDATE counter SET name = name"))
        inside.set()
        release.wait(timeout=300)  # stopped here by the test, then continued or killed
    db.dispose()


def _issue_once(url: str, ready: Any, out: Any) -> None:
    db = open_database(url)
    engine = QueueEngine(db, SystemClock())
    ready.set()
    try:
        ticket = engine.issue_ticket("CT").ticket.display_number
        out.put(("issued", ticket))
    except DatabaseError as exc:
        out.put(("busy" if "busy" in exc.en else "error", exc.en))
    finally:
        db.dispose()


@pytest.fixture
def office(tmp_path: Path) -> str:
    url = sqlite_url(tmp_path / "office.db")
    db, _, _ = new_office(url, SystemClock(), counters=2)
    db.dispose()
    return url


def _stopped_holder(url: str) -> tuple[mp.process.BaseProcess, Any]:
    """A process inside a write transaction, stopped; and the event that ends its transaction."""
    ctx = mp.get_context("spawn")
    inside, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_the_lock, args=(url, inside, release))
    holder.start()
    assert inside.wait(timeout=60), "the holder never got into its transaction"
    assert holder.pid is not None
    os.kill(holder.pid, signal.SIGSTOP)
    return holder, release


def _waiters(url: str) -> list[tuple[str, str]]:
    """WAITERS processes in line for the lock; returns what each one got."""
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = []
    for _ in range(WAITERS):
        ready = ctx.Event()
        proc = ctx.Process(target=_issue_once, args=(url, ready, out))
        proc.start()
        assert ready.wait(timeout=60)
        procs.append(proc)
    # No answer within a minute means a waiter is stuck behind the stopped process.
    answers = [out.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
        assert proc.exitcode == 0
    return answers


def _tickets(url: str) -> list[str]:
    db = open_database(url)
    with db.read_tx() as conn:
        numbers = [n for (n,) in conn.execute(sa.select(T.c.display_number).order_by(T.c.id))]
    db.dispose()
    return numbers


def test_writers_give_up_with_the_busy_error_then_go_on_when_the_holder_resumes(
    office: str,
) -> None:
    holder, release = _stopped_holder(office)
    try:
        answers = _waiters(office)
        assert [kind for kind, _ in answers] == ["busy"] * WAITERS, answers
        assert _tickets(office) == []  # a refused issue left no ticket behind
    finally:
        assert holder.pid is not None
        os.kill(holder.pid, signal.SIGCONT)
        release.set()  # the transaction commits
    holder.join(timeout=30)
    assert holder.exitcode == 0  # its transaction committed once it was let go
    engine_db = open_database(office)
    ticket = QueueEngine(engine_db, SystemClock()).issue_ticket("CT").ticket
    engine_db.dispose()
    assert ticket.display_number == "1001"
    assert _tickets(office) == ["1001"]


def test_the_office_goes_on_when_the_stopped_holder_dies(office: str) -> None:
    holder, _ = _stopped_holder(office)
    assert holder.pid is not None
    os.kill(holder.pid, signal.SIGKILL)
    holder.join(timeout=30)
    answers = _waiters(office)
    assert sorted(kind for kind, _ in answers) == ["issued"] * WAITERS, answers
    assert _tickets(office) == ["1001", "1002", "1003"]
