"""A whole office as separate processes on one database: a kiosk, two counters and the hall display.

The kiosk and the counters run their autopilots (citizens touching tiles, officers calling and
serving through the same windows and engine calls as people do); the test follows their JSON logs
and the database. Then processes are killed with SIGKILL at random moments and restarted.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from audio_support import AUDIO
from pg_support import postgres_database

from e2e.office import PINS, App, environment, kiosk_config, wait_until

ACTIVE = ("called", "serving")
ENDS_AT_A_COUNTER = {
    "ticket_finished",
    "ticket_no_show",
    "ticket_transferred",
    "ticket_cancelled",
    "ticket_expired",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "office.db")
    else:
        with postgres_database() as url:
            yield url


@pytest.fixture
def office(db_url: str, tmp_path: Path) -> Iterator[tuple[str, Path, list[App]]]:
    subprocess.run(
        [sys.executable, "-m", "motcua", "--db", db_url, "init", "--demo"],
        check=True,
        capture_output=True,
        env=environment(),
    )
    apps: list[App] = []
    yield db_url, tmp_path, apps
    for app in apps:
        app.stop()
        # Shown by pytest when the test failed: what each app said besides its JSON lines.
        events = Counter(line.get("event") for line in app.lines)
        print(f"--- {app.name}: {dict(events)}")
        for line in app.other[-30:]:
            print(f"    {line}")


def _rows(db: str, sql: str) -> list[Any]:
    """Rows of SQL on the office's database, SQLite file or PostgreSQL URL."""
    url = db if "://" in db else f"sqlite:///{db}"
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text(sql)).all())
    finally:
        engine.dispose()


def start_office(db: str, folder: Path, apps: list[App], *, pace: float) -> dict[str, App]:
    common = ["--db", db, "--log-json"]
    config = ["--config", str(kiosk_config(folder))]
    started = {
        "display": App("display", [*common, "display", "--windowed"], environment()),
        "kiosk": App(
            "kiosk",
            [*common, *config, "kiosk", "--windowed", "--name", "kiosk-1", "--autopilot", "0.3"],
            environment(),
        ),
    }
    for number, code in ((1, "cb01"), (2, "cb02")):
        args = [*common, "counter", "--counter", str(number), "--officer", code]
        started[f"counter{number}"] = App(
            f"counter{number}",
            [*args, "--autopilot", str(pace)],
            environment(MOTCUA_PIN=PINS[code]),
        )
    apps.extend(started.values())
    return started


def tickets(db: str) -> list[tuple[str, str, str, int | None]]:
    return [
        tuple(r)
        for r in _rows(
            db,
            "SELECT display_number, issued_service_id, status, counter_id FROM ticket ORDER BY id",
        )
    ]


def calls_in_log_order(db: str) -> list[tuple[str, int]]:
    rows = _rows(
        db,
        "SELECT t.display_number, c.number FROM event e JOIN ticket t ON t.id = e.ticket_id"
        " JOIN counter c ON c.id = e.counter_id"
        " WHERE e.kind IN ('ticket_called', 'ticket_recalled') ORDER BY e.id",
    )
    return [(str(n), int(c)) for n, c in rows]


def check_invariants(db: str) -> None:
    rows = tickets(db)
    numbers = [r[0] for r in rows]
    assert len(numbers) == len(set(numbers)), "a display number was issued twice"
    per_service: dict[str, list[int]] = {}
    for number, service, _status, _counter in rows:
        per_service.setdefault(service, []).append(int(number))
    for issued in per_service.values():  # no gap, no repeat, per service
        assert issued == list(range(issued[0], issued[0] + len(issued)))
    events = _rows(db, "SELECT ticket_id, kind FROM event WHERE ticket_id IS NOT NULL ORDER BY id")
    active = _rows(
        db,
        "SELECT counter_id, count(*) FROM ticket WHERE status IN ('called', 'serving')"
        " GROUP BY counter_id HAVING count(*) > 1",
    )
    # A ticket is at one counter at a time: called again only after it left the last one.
    at_a_counter: set[int] = set()
    twice = []
    for ticket_id, kind in events:
        if kind == "ticket_called":
            if ticket_id in at_a_counter:
                twice.append(ticket_id)
            at_a_counter.add(ticket_id)
        elif kind in ENDS_AT_A_COUNTER:
            at_a_counter.discard(ticket_id)
    assert twice == []
    assert active == [], "a counter holds two tickets"


def test_a_busy_morning_every_ticket_printed_every_call_shown_and_announced_in_order(
    office: tuple[str, Path, list[App]],
) -> None:
    db, folder, apps = office
    started = start_office(db, folder, apps, pace=0.4)
    kiosk, display = started["kiosk"], started["display"]
    counters = [started["counter1"], started["counter2"]]
    wait_until(lambda: len(kiosk.events("ticket_printed")) >= 12, 120, "12 printed tickets")
    wait_until(lambda: sum(len(c.events("ticket_called")) for c in counters) >= 10, 120, "10 calls")
    kiosk.stop()  # no more citizens: let the counters and the display catch up
    time.sleep(3)
    for counter in counters:
        counter.stop()
    calls = calls_in_log_order(db)
    wait_until(lambda: len(display.events("call_shown")) >= len(calls), 60, "every call shown")

    issued = [line["ticket"] for line in kiosk.events("ticket_issued")]
    printed = [line["ticket"] for line in kiosk.events("ticket_printed")]
    assert issued == printed  # every ticket printed, in order
    assert sorted(p.name for p in (folder / "tickets").iterdir()) == sorted(
        f"{rows_day}-{n}.png" for n in issued for rows_day in [_day(folder)]
    )
    assert [r[0] for r in tickets(db)] == issued  # the database holds exactly those
    shown = [(line["ticket"], line["counter"]) for line in display.events("call_shown")]
    assert shown == calls  # every call shown, in the order of the log
    if AUDIO:
        spoken = [
            (line["ticket"], line["counter"]) for line in display.events("announcement_played")
        ]
        assert spoken and spoken == calls[: len(spoken)]  # announced in order, none skipped
    check_invariants(db)


def _day(folder: Path) -> str:
    """The business day in the ticket files' names (they all share it)."""
    return next((folder / "tickets").iterdir()).name[:10]


def test_killing_any_app_at_random_moments_loses_nothing_and_duplicates_nothing(
    office: tuple[str, Path, list[App]],
) -> None:
    db, folder, apps = office
    started = start_office(db, folder, apps, pace=0.25)
    kiosk = started["kiosk"]
    chance = random.Random(2026)
    for _ in range(6):
        time.sleep(chance.uniform(0.5, 2.5))
        victim = started[chance.choice(sorted(started))]
        victim.kill()
        time.sleep(chance.uniform(0.1, 0.8))
        victim.restart()
    wait_until(lambda: all(app.alive for app in started.values()), 30, "every app running")
    # Everybody is back at work: more tickets printed and more calls made after the last kill.
    printed = len(kiosk.events("ticket_printed"))
    counters = [started["counter1"], started["counter2"]]
    called = sum(len(c.events("ticket_called")) for c in counters)
    wait_until(lambda: len(kiosk.events("ticket_printed")) >= printed + 5, 60, "kiosk back")
    wait_until(
        lambda: sum(len(c.events("ticket_called")) for c in counters) >= called + 3,
        60,
        "counters back",
    )
    kiosk.stop()
    time.sleep(2)
    for app in started.values():
        app.stop()

    # No ticket lost: every number the kiosk reported is in the database.
    in_db = {r[0] for r in tickets(db)}
    reported = {line["ticket"] for line in kiosk.events("ticket_issued")}
    assert reported <= in_db
    check_invariants(db)
    # None left called forever: each counter holds at most one, and its officer gets it back.
    held = Counter(r[3] for r in tickets(db) if r[2] in ACTIVE)
    assert all(count == 1 for count in held.values())
