"""Benchmark the queue engine: issue and call-next throughput and latency with concurrent processes.

For each process count (1, 8 and 32 by default) a fresh SQLite file is set up with the demo office
and one open counter per process. Phase 1: every process issues tickets as fast as it can. Phase 2:
every process calls the next ticket to its own counter until nobody waits. Afterwards the event log
is checked: "duplicates" counts tickets called more than once plus numbers issued twice (must be 0).

    python bench/engine.py            # a table
    python bench/engine.py --json     # one JSON object per process count
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from shared.clock import SystemClock
from shared.insight.reports import nearest_rank
from shared.office.demo import DEMO_SERVICES, new_office
from shared.queue.engine import QueueEngine
from shared.queue.queries import QueueQueries
from shared.storage.database import open_database, sqlite_url


def _percentile(values: list[float], q: int) -> float:
    return nearest_rank(sorted(values), q) or 0.0


def _setup(path: Path, counters: int) -> None:
    db, _, _ = new_office(sqlite_url(path), SystemClock(), counters=counters)
    db.dispose()


READY = "ready"


def _issue_worker(url: str, count: int, start: Any, out: Any) -> None:
    db = open_database(url)
    engine = QueueEngine(db, SystemClock())
    codes = [s.code for s in DEMO_SERVICES]
    latencies = []
    out.put(READY)
    start.wait()
    for i in range(count):
        t0 = time.perf_counter()
        engine.issue_ticket(codes[i % len(codes)])
        latencies.append(time.perf_counter() - t0)
    out.put(latencies)
    db.dispose()


def _call_worker(url: str, counter: int, start: Any, out: Any) -> None:
    db = open_database(url)
    engine = QueueEngine(db, SystemClock())
    latencies = []
    out.put(READY)
    start.wait()
    while True:
        t0 = time.perf_counter()
        result = engine.call_next(counter)
        latencies.append(time.perf_counter() - t0)
        if result.ticket is None:
            break
    out.put(latencies[:-1])  # the last call found nobody waiting
    db.dispose()


def _run_phase(target: Any, args_per_process: list[tuple[Any, ...]]) -> tuple[float, list[float]]:
    ctx = mp.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=target, args=(*a, start, out)) for a in args_per_process]
    for p in procs:
        p.start()
    # The clock starts once every process has imported, connected and said so: start-up takes
    # 0.5-1 s per process here (several seconds on a loaded machine) and is not what is measured.
    for _ in procs:
        if out.get(timeout=600) != READY:
            raise SystemExit("a worker process reported before it was ready")
    t0 = time.perf_counter()
    start.set()
    latencies: list[float] = []
    for _ in procs:
        latencies.extend(out.get(timeout=600))
    elapsed = time.perf_counter() - t0
    for p in procs:
        p.join()
        if p.exitcode != 0:
            raise SystemExit(f"a worker process failed (exit code {p.exitcode})")
    return elapsed, latencies


def _duplicates(url: str) -> tuple[int, int, int]:
    """(tickets called more than once or never, numbers issued twice, tickets issued)."""
    db = open_database(url)
    queries = QueueQueries(db, SystemClock())
    events = queries.events_after(0, limit=10_000_000)
    calls = Counter(e.ticket_id for e in events if e.kind == "ticket_called")
    tickets = queries.tickets_of_day(queries.status().business_day)
    numbers = Counter(t.display_number for t in tickets)
    db.dispose()
    bad_calls = sum(1 for t in tickets if calls[t.id] != 1)
    return bad_calls, sum(n - 1 for n in numbers.values() if n > 1), len(tickets)


def run(processes: int, tickets_per_process: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp:
        path = Path(tmp) / "bench.db"
        _setup(path, processes)
        url = sqlite_url(path)
        issue_s, issue_lat = _run_phase(
            _issue_worker, [(url, tickets_per_process) for _ in range(processes)]
        )
        call_s, call_lat = _run_phase(_call_worker, [(url, n) for n in range(1, processes + 1)])
        bad_calls, repeated_numbers, issued = _duplicates(url)
    ms = 1000.0
    return {
        "processes": processes,
        "tickets": issued,
        "calls_per_s": round(len(call_lat) / call_s, 1),
        "p50_ms": round(statistics.median(call_lat) * ms, 2),
        "p99_ms": round(_percentile(call_lat, 99) * ms, 2),
        "issues_per_s": round(len(issue_lat) / issue_s, 1),
        "issue_p50_ms": round(statistics.median(issue_lat) * ms, 2),
        "issue_p99_ms": round(_percentile(issue_lat, 99) * ms, 2),
        "duplicates": bad_calls + repeated_numbers,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object per process count")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument(
        "--tickets", type=int, default=4000, help="tickets per run, shared by the processes"
    )
    args = parser.parse_args(argv)
    results = []
    for n in args.processes:
        result = run(n, max(1, args.tickets // n))
        results.append(result)
        if args.json:
            print(json.dumps(result), flush=True)
        else:
            print(
                f"{n:>3} processes: call next {result['calls_per_s']:>7.0f}/s "
                f"p50 {result['p50_ms']:.2f} ms p99 {result['p99_ms']:.2f} ms | issue "
                f"{result['issues_per_s']:>7.0f}/s p50 {result['issue_p50_ms']:.2f} ms "
                f"p99 {result['issue_p99_ms']:.2f} ms | duplicates {result['duplicates']}",
                flush=True,
            )
    return 1 if any(r["duplicates"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
