"""Benchmark the hall display: from a call committed in another process to the display showing it,
and to the start of the spoken sentence.

A writer process calls tickets and notes when each commit returned; this process runs the real
DisplayWindow offscreen, following the change feed as the app does, and notes when each call is
shown (listed in the recent calls and on its counter) and when its sentence starts playing (the
CallAnnouncer with the real speech worker, played on the default audio device: run it with
PulseAudio, e.g. a null sink). Both clocks are time.time() on the same machine.

Phase 1, display: CALLS calls at RATE per second (no voice: the display shows every call at once).
Phase 2, speech: SPEECH_CALLS calls, one every INTERVAL seconds, as counters call in an office,
each announced with the chime and the sentence once. The speech worker is started (and warmed up
by the announcer) before the first call, as the display does at start.
Targets: display p95 at most 200 ms; start of speech p95 at most 1 s.

    python bench/display.py [--calls 200] [--rate 20] [--speech-calls 20] [--interval 8] [--json]

An announcement (0.7 s chime, then the sentence, about 5 s at the default rate) takes about 6 s;
calls closer together than that wait for the one before, by design (none is cut off).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported
# Run as a script, this file's folder comes first on sys.path and "display" would be this file,
# not the display package.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from display.announcer import CallAnnouncer
from display.app import CHIME, sentence_for
from display.window import DisplayTimings, DisplayWindow
from shared.clock import SystemClock
from shared.insight.reports import nearest_rank
from shared.office.demo import RESIDENCE_ONLY, new_office
from shared.paths import asset_path
from shared.qt.app import application
from shared.queue.engine import QueueEngine
from shared.queue.feed import ChangeFeed
from shared.queue.queries import QueueQueries
from shared.rules.settings import VoiceOptions
from shared.storage.database import open_database, sqlite_url
from shared.voice.speech import SpeechWorker

COUNTERS = 8


def _office(url: str, tickets: int) -> None:
    db, _, engine = new_office(url, SystemClock(), services=RESIDENCE_ONLY, counters=COUNTERS)
    for _ in range(tickets):
        engine.issue_ticket("CT")
    db.dispose()


def _caller(url: str, calls: int, interval_s: float, start: Any, out: Any) -> None:
    """Call CALLS tickets, one every INTERVAL_S, across the counters; report commit times."""
    db = open_database(url)
    engine = QueueEngine(db, SystemClock())
    start.wait()
    committed: dict[str, float] = {}
    next_at = time.monotonic()
    for index in range(calls):
        result = engine.call_next(index % COUNTERS + 1)
        assert result.ticket is not None
        committed[result.ticket.display_number] = time.time()
        next_at += interval_s
        time.sleep(max(0.0, next_at - time.monotonic()))
    db.dispose()
    out.put(committed)


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = nearest_rank(ordered, 95) or 0.0
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(ordered[-1], 1),
    }


def _phase(
    app: Any, url: str, calls: int, interval_s: float, announcer: CallAnnouncer | None
) -> dict[str, Any]:
    db = open_database(url)
    clock = SystemClock()
    window = DisplayWindow(
        QueueQueries(db, clock), clock, announcer, DisplayTimings(highlight_s=0.2)
    )
    window.resize(1920, 1080)
    window.show()
    shown: dict[str, float] = {}
    spoken: dict[str, float] = {}
    window.call_shown.connect(lambda call: shown.setdefault(call.display_number, time.time()))
    if announcer is not None:
        announcer.speech_started.connect(
            lambda call: spoken.setdefault(call.display_number, time.time())
        )
    window.follow(ChangeFeed(db))
    window.wait_for_tasks()
    ctx = mp.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    caller = ctx.Process(target=_caller, args=(url, calls, interval_s, start, out))
    caller.start()
    start.set()
    committed: dict[str, float] | None = None
    deadline = time.monotonic() + calls * interval_s + 120
    while time.monotonic() < deadline:
        app.processEvents()
        if committed is None and not out.empty():
            committed = out.get()
        spoken_all = announcer is None or (len(spoken) >= calls and not announcer.busy)
        if committed is not None and len(shown) >= calls and spoken_all:
            break
        time.sleep(0.001)
    caller.join(30)
    window.shutdown()
    window.close()
    db.dispose()
    committed = committed or {}
    shown_ms = [(shown[n] - t) * 1000 for n, t in committed.items() if n in shown]
    result: dict[str, Any] = {
        "calls": calls,
        "shown": len(shown_ms),
        "missed": calls - len(shown_ms),
        **_percentiles(shown_ms or [0.0]),
    }
    if announcer is not None:
        spoken_ms = [(spoken[n] - t) * 1000 for n, t in committed.items() if n in spoken]
        result = {"calls": calls, "spoken": len(spoken_ms), **_percentiles(spoken_ms or [0.0])}
    return result


def run(calls: int, rate: float, speech_calls: int, interval_s: float) -> dict[str, Any]:
    app = application("bench")
    folder = Path(tempfile.mkdtemp(prefix="motcua-bench-display-"))
    url = sqlite_url(folder / "bench.db")
    _office(url, calls + speech_calls)
    result: dict[str, Any] = {"display": _phase(app, url, calls, 1 / rate, None)}
    if speech_calls:
        speech = SpeechWorker(folder / "speech")
        speech.start()
        speech.wait_ready()
        voice = VoiceOptions(repeat=1)
        announcer = CallAnnouncer(lambda: voice, sentence_for, speech, asset_path(CHIME))
        result["speech"] = _phase(app, url, speech_calls, interval_s, announcer)
        result["speech"]["audible"] = announcer.audible
        announcer.shutdown()
        speech.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rate", type=float, default=20.0, help="calls per second, phase 1")
    parser.add_argument("--speech-calls", type=int, default=20)
    parser.add_argument("--interval", type=float, default=8.0, help="seconds between calls, 2")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.calls < 1 or args.rate <= 0 or args.speech_calls < 0 or args.interval <= 0:
        parser.error("--calls, --rate and --interval must be positive")
    result = run(args.calls, args.rate, args.speech_calls, args.interval)
    if args.json:
        print(json.dumps(result))
    else:
        d = result["display"]
        print(
            f"display: {d['shown']}/{d['calls']} calls shown, commit -> shown "
            f"p50 {d['p50_ms']} ms, p95 {d['p95_ms']} ms, max {d['max_ms']} ms (target p95 <= 200)"
        )
        if "speech" in result:
            s = result["speech"]
            print(
                f"speech: {s['spoken']}/{s['calls']} calls spoken, commit -> start of speech "
                f"p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, max {s['max_ms']} ms "
                "(target p95 <= 1000)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
