"""Several processes on one SQLite file: no ticket is called twice, no number issued twice."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import queue
import subprocess
import sys
import traceback
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from unit_support import add_services, all_events, create_database, create_database_at

from shared.clock import SystemClock
from shared.office.admin import OfficeAdmin
from shared.office.demo import seed_demo
from shared.queue.engine import QueueEngine
from shared.queue.queries import QueueQueries
from shared.rules.domain import EventKind, EventView, TicketView
from shared.storage.database import Database, open_database, sqlite_url

pytestmark = pytest.mark.slow
BACKENDS_TOO = True  # the concurrent counters also on PostgreSQL (see conftest)

PROCESSES = 8
ROUNDS = 25
TIMEOUT_S = 60


def _counter_worker(url: str, counter: int, rounds: int, barrier: Any, results: Any) -> None:
    """One counter PC with its own kiosk: issue a ticket, call next, again and again."""
    try:
        db = open_database(url)
        try:
            engine = QueueEngine(db, SystemClock())
            codes = ("CT", "CC", "DD")
            issued, called = [], []
            barrier.wait(timeout=TIMEOUT_S)
            for i in range(rounds):
                issued.append(engine.issue_ticket(codes[(counter + i) % 3]).ticket.display_number)
                ticket = engine.call_next(counter).ticket
                if ticket is not None:
                    called.append(ticket.display_number)
        finally:
            db.dispose()
        results.put((counter, issued, called, None))
    except BaseException:
        results.put((counter, [], [], traceback.format_exc()))


def _tickets_and_events(db: Database) -> tuple[list[TicketView], list[EventView]]:
    queries = QueueQueries(db, SystemClock())
    events = all_events(queries)
    days = {e.business_day for e in events if e.kind is EventKind.TICKET_ISSUED}
    tickets = [t for day in sorted(days) for t in queries.tickets_of_day(day)]
    return tickets, events


def _assert_called_once_numbered_without_gaps(
    tickets: list[TicketView], events: list[EventView]
) -> None:
    calls = Counter(e.ticket_id for e in events if e.kind is EventKind.TICKET_CALLED)
    assert {t.id: calls[t.id] for t in tickets} == {t.id: 1 for t in tickets}
    _assert_numbered_without_gaps(tickets)


def _assert_numbered_without_gaps(tickets: list[TicketView]) -> None:
    numbers = Counter((t.business_day, t.display_number) for t in tickets)
    assert [n for n, c in numbers.items() if c > 1] == []
    sequences: dict[tuple[Any, str], list[int]] = defaultdict(list)
    for t in tickets:
        sequences[(t.business_day, t.service_code)].append(t.sequence)
    for key, seqs in sequences.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), key


def test_concurrent_counters_call_each_ticket_exactly_once(db_url: str) -> None:
    db = create_database_at(db_url)
    try:
        clock = SystemClock()
        admin, engine = OfficeAdmin(db, clock), QueueEngine(db, clock)
        add_services(admin)
        for number in range(1, PROCESSES + 1):
            admin.add_counter(number)
            engine.open_counter(number)

        ctx = mp.get_context("spawn")
        barrier = ctx.Barrier(PROCESSES)
        results = ctx.Queue()
        workers = [
            ctx.Process(
                target=_counter_worker,
                args=(db_url, number, ROUNDS, barrier, results),
            )
            for number in range(1, PROCESSES + 1)
        ]
        for w in workers:
            w.start()
        try:
            reports = [results.get(timeout=TIMEOUT_S) for _ in workers]
        except queue.Empty:
            pytest.fail("a worker process did not report in time")
        finally:
            for w in workers:
                w.join(timeout=TIMEOUT_S)
                if w.is_alive():
                    w.kill()
                    w.join()
        errors = [error for *_, error in reports if error]
        assert errors == []
        assert [w.exitcode for w in workers] == [0] * PROCESSES

        # Call whoever is still waiting, then check the whole log.
        while engine.call_next(1).ticket is not None:
            pass
        tickets, events = _tickets_and_events(db)
    finally:
        db.dispose()

    assert len(tickets) == PROCESSES * ROUNDS
    issued = [n for _, numbers, _, _ in reports for n in numbers]
    assert sorted(issued) == sorted(t.display_number for t in tickets)
    called = [n for _, _, numbers, _ in reports for n in numbers]
    assert len(called) == len(set(called))
    _assert_called_once_numbered_without_gaps(tickets, events)


def _cli(path: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "shared.cli", "--db", str(path), "--json", *args]


def test_concurrent_cli_commands_never_share_a_number_or_a_ticket(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    db = create_database(path)
    try:
        clock = SystemClock()
        seed_demo(OfficeAdmin(db, clock), QueueEngine(db, clock))  # counters 1-4 open
    finally:
        db.dispose()
    env = {k: v for k, v in os.environ.items() if k != "MOTCUA_DB"}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")  # no personal config file
    commands = [_cli(path, "issue", "CT") for _ in range(8)]
    commands += [_cli(path, "call", str(n)) for n in (1, 2, 3, 4, 1, 2)]
    procs = [
        subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path
        )
        for cmd in commands
    ]
    outputs = []
    try:
        for proc in procs:
            out, err = proc.communicate(timeout=TIMEOUT_S)
            assert proc.returncode == 0, err
            outputs.append(json.loads(out))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()

    issued = [o["ticket"]["display_number"] for o in outputs[:8]]
    assert len(set(issued)) == 8
    days = {o["ticket"]["business_day"] for o in outputs[:8]}
    if len(days) == 1:  # (the numbering restarts if the test runs across local midnight)
        assert sorted(issued) == [str(n) for n in range(1001, 1009)]
    called = [o["ticket"]["display_number"] for o in outputs[8:] if o["ticket"] is not None]
    assert len(called) == len(set(called))
    assert set(called) <= set(issued)

    db = open_database(sqlite_url(path))
    try:
        tickets, events = _tickets_and_events(db)
    finally:
        db.dispose()
    calls = Counter(e.display_number for e in events if e.kind is EventKind.TICKET_CALLED)
    assert sorted(calls.elements()) == sorted(called)
    _assert_numbered_without_gaps(tickets)
