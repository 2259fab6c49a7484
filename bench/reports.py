"""Benchmark the supervisor's live view and the reports on a large office's year of tickets.

A SQLite file is filled directly with bulk INSERTs (not through the engine): --tickets past tickets
spread over --days business days of the demo office (7 procedures, 10 counters, 12 officers;
arrivals with a morning and an early-afternoon peak, lognormal waiting and service times per
procedure, 92% served, 4% no-shows, 2% cancelled, 2% expired), each with its event rows, and one
more day, "today", filled up to 16:30 with tickets still waiting. The file is kept in the temporary
folder between runs, keyed by the parameters. Building it also summarizes every closed day into
report_day once (timed: this is what the first report after an upgrade would do).

Then live_metrics and a report for each grouping, over the last 30 days and over the whole range
(both ending today, so today's tickets are computed live each time), are timed --repeat times.

    python bench/reports.py                       # a table
    python bench/reports.py --json                # one JSON object
    python bench/reports.py --tickets 20000 --days 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from shared.clock import FakeClock
from shared.insight.metrics import live_metrics
from shared.insight.reports import Grouping, report, summarize_closed_days
from shared.office.demo import DEMO_SERVICES
from shared.storage.database import Database, open_database, sqlite_url
from shared.storage.schema import upgrade

ZONE_OFFSET = dt.timedelta(hours=7)  # Asia/Ho_Chi_Minh, the default office time zone
COUNTERS = 10
OFFICERS = 12
FIRST_DAY = dt.date(2025, 1, 6)
NOW_LOCAL = dt.time(16, 30)
# share of tickets, median service minutes
SERVICE_MIX = {
    "CT": (0.25, 8.0),
    "CC": (0.20, 10.0),
    "DD": (0.20, 6.0),
    "DX": (0.10, 12.0),
    "XP": (0.05, 7.0),
    "TKQ": (0.12, 2.0),
    "HD": (0.08, 3.0),
}
# arrivals per half hour from 07:30 to 17:00 (relative): a morning peak and a smaller one at 13:30
ARRIVAL_WEIGHTS = (6, 10, 12, 11, 9, 8, 7, 6, 4, 2, 1, 1, 5, 8, 7, 6, 5, 4, 2)
OPENING = dt.time(7, 30)
TS = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime in SQLite


def _ts(value: dt.datetime) -> str:
    return value.strftime(TS)


class _Builder:
    def __init__(self, conn: sqlite3.Connection, seed: int) -> None:
        self.conn = conn
        self.rng = random.Random(seed)
        self.ticket_id = 0
        self.event_id = 0
        self.codes = list(SERVICE_MIX)
        self.shares = [SERVICE_MIX[c][0] for c in self.codes]
        self.service_ids = {c: i + 1 for i, c in enumerate(self.codes)}
        self.pending_expiry: list[tuple[int, int]] = []  # (ticket id, service id) of yesterday

    def day(self, day: dt.date, count: int, now: dt.datetime | None) -> None:
        rng = self.rng
        start = dt.datetime.combine(day, OPENING) - ZONE_OFFSET  # naive UTC
        slots = rng.choices(range(len(ARRIVAL_WEIGHTS)), ARRIVAL_WEIGHTS, k=count)
        arrivals = sorted(start + dt.timedelta(minutes=30 * s + rng.random() * 30) for s in slots)
        if now is not None:
            arrivals = [a for a in arrivals if a <= now]
        tickets: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        iso = day.isoformat()
        for tid, sid in self.pending_expiry:
            events.append(("ticket_expired", start - dt.timedelta(minutes=30), iso, tid, None, sid))
        self.pending_expiry = []
        for counter in range(1, COUNTERS + 1):
            officer = (counter + day.toordinal()) % OFFICERS + 1
            opened = start - dt.timedelta(minutes=5)
            events.append(("counter_opened", opened, iso, None, counter, None, officer))
        sequences = dict.fromkeys(self.codes, 0)
        for issued in arrivals:
            self._ticket(
                day,
                start=start,
                issued=issued,
                sequences=sequences,
                now=now,
                tickets=tickets,
                events=events,
            )
        self.conn.executemany(
            "INSERT INTO ticket (id, business_day, issued_service_id, sequence, display_number, "
            "service_id, priority_category, status, counter_id, officer_id, issued_at, called_at, "
            "started_at, finished_at, call_count, outcome, token) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            tickets,
        )
        events.sort(key=lambda e: e[1])
        rows = []
        for event in events:
            self.event_id += 1
            kind, at, iso_day, tid, *rest = event
            # issued, cancelled, expired: (counter, service); the others (counter, service, officer)
            counter_id, service_id, officer_id = rest if len(rest) == 3 else (None, rest[1], None)
            rows.append(
                (self.event_id, kind, _ts(at), iso_day, tid, counter_id, officer_id, service_id)
            )
        self.conn.executemany(
            "INSERT INTO event (id, kind, at, business_day, ticket_id, counter_id, officer_id, "
            "service_id, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}')",
            rows,
        )

    def _ticket(
        self,
        day: dt.date,
        *,
        start: dt.datetime,
        issued: dt.datetime,
        sequences: dict[str, int],
        now: dt.datetime | None,
        tickets: list[tuple[Any, ...]],
        events: list[tuple[Any, ...]],
    ) -> None:
        """One ticket issued at ISSUED: its row and its events."""
        rng = self.rng
        iso = day.isoformat()
        peak = max(ARRIVAL_WEIGHTS)
        self.ticket_id += 1
        tid = self.ticket_id
        code = rng.choices(self.codes, self.shares)[0]
        sid = self.service_ids[code]
        sequences[code] += 1
        slot = min(len(ARRIVAL_WEIGHTS) - 1, int((issued - start).total_seconds() // 1800))
        load = 0.4 + 1.6 * ARRIVAL_WEIGHTS[slot] / peak
        wait = min(3 * 3600.0, rng.lognormvariate(math.log(600 * load), 0.6))
        called = issued + dt.timedelta(seconds=wait)
        walk = rng.lognormvariate(math.log(40), 0.4)
        service = rng.lognormvariate(math.log(SERVICE_MIX[code][1] * 60), 0.5)
        started = called + dt.timedelta(seconds=walk)
        finished = started + dt.timedelta(seconds=service)
        counter = rng.randrange(COUNTERS) + 1
        officer = (counter + day.toordinal()) % OFFICERS + 1
        priority = rng.choice(("elderly", "pregnant")) if rng.random() < 0.08 else None
        roll = rng.random()
        status = "finished"
        outcome: str | None = "dossier_received"
        times: list[dt.datetime | None] = [called, started, finished]
        if now is not None and finished > now:  # not called yet, or not finished yet: waiting
            status, outcome, times = "waiting", None, [None, None, None]
        elif roll < 0.02:
            status, outcome = "cancelled", None
            times = [None, None, issued + dt.timedelta(minutes=5 + 25 * rng.random())]
        elif roll < 0.04:
            status, outcome, times = "expired", None, [None, None, None]
            self.pending_expiry.append((tid, sid))
        elif roll < 0.08:
            status, outcome = "no_show", None
            times = [called, None, called + dt.timedelta(minutes=2)]
        on_counter = status in ("finished", "no_show")
        tickets.append(
            (
                tid,
                iso,
                sid,
                sequences[code],
                f"{code}{sequences[code]:05d}",
                sid,
                priority,
                status,
                counter if on_counter else None,
                officer if on_counter else None,
                _ts(issued),
                *(None if t is None else _ts(t) for t in times),
                1 if on_counter else 0,
                outcome,
                f"bench{tid}",
            )
        )
        events.append(("ticket_issued", issued, iso, tid, None, sid))
        if on_counter:
            events.append(("ticket_called", called, iso, tid, counter, sid, officer))
        if status == "finished":
            events.append(("service_started", started, iso, tid, counter, sid, officer))
            events.append(("ticket_finished", finished, iso, tid, counter, sid, officer))
        elif status == "no_show":
            events.append(("ticket_no_show", times[2], iso, tid, counter, sid, officer))
        elif status == "cancelled":
            events.append(("ticket_cancelled", times[2], iso, tid, None, sid))


def _seed_office(conn: sqlite3.Connection) -> None:
    for i, service in enumerate(DEMO_SERVICES, start=1):
        low, high = (int(x) for x in service.block.split("-"))
        conn.execute(
            "INSERT INTO service (id, code, name_vi, name_en, prefix, block_start, block_end, "
            "daily_cap, is_open, wait_threshold_minutes, sort_order) "
            "VALUES (?, ?, ?, ?, NULL, ?, ?, NULL, 1, 30, ?)",
            (i, service.code, service.name_vi, service.name_en, low, high, i),
        )
    for i in range(1, OFFICERS + 1):
        conn.execute(
            "INSERT INTO officer (id, code, full_name, role, pin_hash, active, failed_pin_count) "
            "VALUES (?, ?, ?, 'officer', 'x', 1, 0)",
            (i, f"cb{i:02d}", f"Cán bộ {i:02d}"),
        )
    for i in range(1, COUNTERS + 1):
        officer = (i + (FIRST_DAY.toordinal())) % OFFICERS + 1
        conn.execute(
            "INSERT INTO counter (id, number, name, state, officer_id) VALUES (?, ?, ?, 'open', ?)",
            (i, i, f"Quầy {i}", officer),
        )


def today_of(days: int) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=days)


def now_of(days: int) -> dt.datetime:
    local = dt.datetime.combine(today_of(days), NOW_LOCAL)
    return (local - ZONE_OFFSET).replace(tzinfo=dt.UTC)


def build(path: Path, tickets: int, days: int, seed: int) -> dict[str, float]:
    """Fill a new database file; returns how long building and summarizing took (seconds)."""
    db = open_database(sqlite_url(path), create=True)
    upgrade(db)
    db.dispose()
    t0 = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    _seed_office(conn)
    builder = _Builder(conn, seed)
    per_day = tickets // days
    for index in range(days):
        builder.day(FIRST_DAY + dt.timedelta(days=index), per_day, None)
    now = now_of(days).replace(tzinfo=None)
    builder.day(today_of(days), per_day, now)
    conn.execute("COMMIT")
    conn.close()
    built = time.perf_counter() - t0
    db = open_database(sqlite_url(path))
    t0 = time.perf_counter()
    summarized = summarize_closed_days(db, FakeClock(now_of(days)))
    summary_s = time.perf_counter() - t0
    db.dispose()
    return {
        "build_s": round(built, 1),
        "summarize_s": round(summary_s, 1),
        "summarized_days": summarized,
    }


def _cached(tickets: int, days: int, seed: int) -> tuple[Path, dict[str, float]]:
    folder = Path(tempfile.gettempdir()) / "motcua-bench-reports"
    folder.mkdir(exist_ok=True)
    stem = f"t{tickets}-d{days}-s{seed}-v1"
    path, info = folder / f"{stem}.db", folder / f"{stem}.json"
    if path.exists() and info.exists():
        return path, json.loads(info.read_text())
    for stale in (path, info):
        stale.unlink(missing_ok=True)
    built = build(path, tickets, days, seed)
    info.write_text(json.dumps(built))
    return path, built


def _time(repeat: int, action: Any) -> dict[str, float]:
    """Wall-clock p50 and max, and the p50 of this process's CPU time (which other programs
    running on the PC do not inflate)."""
    action()  # warm the caches once: an office PC keeps its database in memory too
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        action()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return {
        "p50_ms": round(statistics.median(wall), 1),
        "max_ms": round(max(wall), 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
    }


def run(tickets: int, days: int, seed: int, repeat: int) -> dict[str, Any]:
    path, built = _cached(tickets, days, seed)
    db: Database = open_database(sqlite_url(path))
    clock = FakeClock(now_of(days))
    today = today_of(days)
    timings: dict[str, Any] = {"live_metrics": _time(repeat, lambda: live_metrics(db, clock))}
    periods = {"month": today - dt.timedelta(days=29), "all": FIRST_DAY}
    for name, start in periods.items():
        for grouping in Grouping:
            timings[f"report_{grouping}_{name}"] = _time(
                repeat, lambda s=start, g=grouping: report(db, s, today, g, clock=clock)
            )
    full = report(db, FIRST_DAY, today, Grouping.SERVICE, clock=clock)
    db.dispose()
    return {
        "tickets": full.totals.issued,
        "days": days + 1,
        "database_mb": round(path.stat().st_size / 1e6),
        **built,
        "repeat": repeat,
        "load_average": round(os.getloadavg()[0], 1),  # other programs slow the wall clock
        "timings": timings,
        "slowest_ms": max(t["max_ms"] for t in timings.values()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--tickets", type=int, default=2_000_000, help="past tickets")
    parser.add_argument("--days", type=int, default=250, help="past business days")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)
    result = run(args.tickets, args.days, args.seed, args.repeat)
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"{result['tickets']:,} tickets over {result['days']} days, {result['database_mb']} MB; "
        f"built in {result['build_s']} s, {result['summarized_days']} days summarized in "
        f"{result['summarize_s']} s"
    )
    for name, t in result["timings"].items():
        print(
            f"  {name:<24} p50 {t['p50_ms']:>7.1f} ms   max {t['max_ms']:>7.1f} ms   "
            f"cpu p50 {t['cpu_p50_ms']:>7.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
