"""Benchmark the change feed: from a commit in one process to another process seeing the event.

A writer process issues tickets at a steady rate and records when each commit returned; a watcher
process polls a ChangeFeed every POLL_INTERVAL_MS (as the apps do) and records when each event
arrived. Both use time.time() on the same machine. Target: every event seen, p95 under 100 ms.

    python bench/feed.py [--events 300] [--json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from shared.clock import SystemClock
from shared.insight.reports import nearest_rank
from shared.office.demo import RESIDENCE_ONLY, new_office
from shared.queue.engine import QueueEngine
from shared.queue.feed import POLL_INTERVAL_MS, ChangeFeed
from shared.storage.database import open_database, sqlite_url


def _writer(url: str, count: int, rate_per_s: float, ready: Any, out: Any) -> None:
    db = open_database(url)
    engine = QueueEngine(db, SystemClock())
    ready.wait()
    committed: dict[str, float] = {}
    for _ in range(count):
        result = engine.issue_ticket("CT")
        committed[result.ticket.display_number] = time.time()
        time.sleep(1 / rate_per_s)
    out.put(committed)
    db.dispose()


def _watcher(url: str, count: int, ready: Any, out: Any) -> None:
    db = open_database(url)
    feed = ChangeFeed(db)
    seen: dict[str, float] = {}
    ready.set()
    deadline = time.monotonic() + 120
    while len(seen) < count and time.monotonic() < deadline:
        for event in feed.poll():
            if event.kind == "ticket_issued" and event.display_number:
                seen[event.display_number] = time.time()
        time.sleep(POLL_INTERVAL_MS / 1000)
    out.put(seen)
    feed.close()
    db.dispose()


def _percentile(values: list[float], q: int) -> float:
    return nearest_rank(sorted(values), q) or 0.0


def run(events: int, rate: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="motcua-feed-") as tmp:
        url = sqlite_url(Path(tmp) / "feed.db")
        db, _, _ = new_office(url, SystemClock(), services=RESIDENCE_ONLY)
        db.dispose()
        ctx = mp.get_context("spawn")
        ready, out_w, out_r = ctx.Event(), ctx.Queue(), ctx.Queue()
        watcher = ctx.Process(target=_watcher, args=(url, events, ready, out_r))
        writer = ctx.Process(target=_writer, args=(url, events, rate, ready, out_w))
        watcher.start()
        writer.start()
        committed, seen = out_w.get(timeout=300), out_r.get(timeout=300)
        writer.join()
        watcher.join()
    latencies = [max(0.0, seen[n] - t) * 1000 for n, t in committed.items() if n in seen]
    return {
        "events": events,
        "seen": len(latencies),
        "missed": events - len(latencies),
        "poll_interval_ms": POLL_INTERVAL_MS,
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(_percentile(latencies, 95), 2),
        "max_ms": round(max(latencies), 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--rate", type=float, default=20.0, help="tickets per second")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.events, args.rate)
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"change feed: {result['seen']}/{result['events']} events seen, p50 "
            f"{result['p50_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms "
            f"(poll every {result['poll_interval_ms']} ms)"
        )
    return 0 if result["missed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
