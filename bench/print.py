"""Benchmark the kiosk: from the touch on a tile to the last byte received by the printer.

Runs the real kiosk window offscreen on a new SQLite file, with a network printer on 127.0.0.1
that records when each job's last byte arrived. Each run touches a tile (a real mouse click),
waits for the job, then goes back home for the next citizen. Target: p95 at most 150 ms.

    python bench/print.py [--tickets 100] [--width 576] [--raster-qr] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kiosk.exit_dialog import PinChecker
from kiosk.printing import TicketOutput
from kiosk.window import HOME, KioskTimings, KioskWindow
from shared.clock import SystemClock
from shared.office.config import PrinterConfig
from shared.office.demo import DEMO_SERVICES, new_office
from shared.qt.app import application
from shared.storage.database import sqlite_url


class TimingPrinter:
    """A loopback printer noting, per job, when its last byte arrived (perf_counter)."""

    def __init__(self) -> None:
        self.last_byte_at: list[float] = []
        self.sizes: list[int] = []
        self.job_done = threading.Event()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._server.getsockname()[1]
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            size, last = 0, time.perf_counter()
            with conn:
                while chunk := conn.recv(65536):
                    size, last = size + len(chunk), time.perf_counter()
            self.sizes.append(size)
            self.last_byte_at.append(last)
            self.job_done.set()

    def close(self) -> None:
        self._server.close()


def run(tickets: int, width: int, native_qr: bool) -> dict[str, Any]:
    app = application("bench")
    folder = Path(tempfile.mkdtemp(prefix="motcua-bench-print-"))
    url = sqlite_url(folder / "bench.db")
    clock = SystemClock()
    db, _, engine = new_office(url, clock, counters=4)
    printer = TimingPrinter()
    config = PrinterConfig(
        kind="network", port=printer.port, paper_width=width, native_qr=native_qr
    )
    window = KioskWindow(
        db,
        engine,
        clock,
        TicketOutput(config),
        kiosk_name="bench",
        check_pin=PinChecker(db, clock),
        timings=KioskTimings(confirm_s=600, idle_s=600),
    )
    window.resize(1080, 1920)
    window.show()
    _pump_until(app, lambda: len(window.tiles) == len(DEMO_SERVICES))
    codes = list(window.tiles)
    latencies: list[float] = []
    for index in range(tickets):
        code = codes[index % len(codes)]
        _pump_until(app, window.tiles[code].isEnabled)
        printer.job_done.clear()
        touched = time.perf_counter()
        QTest.mouseClick(window.tiles[code], Qt.MouseButton.LeftButton)
        _pump_until(app, printer.job_done.is_set)
        latencies.append((printer.last_byte_at[-1] - touched) * 1000)
        window.go_home()
        assert window.pages.currentIndex() == HOME
    window.wait_for_tasks()
    window.close()
    printer.close()
    db.dispose()
    latencies.sort()
    return {
        "tickets": tickets,
        "paper_width": width,
        "native_qr": native_qr,
        "bytes_per_ticket": round(statistics.mean(printer.sizes)),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[max(0, round(0.95 * len(latencies)) - 1)], 1),
        "max_ms": round(latencies[-1], 1),
    }


def _pump_until(app: Any, done: Any, timeout_s: float = 10.0) -> None:
    end = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > end:
            raise TimeoutError("the kiosk did not answer in time")
        app.processEvents()
        time.sleep(0.0005)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100)
    parser.add_argument("--width", type=int, choices=(384, 512, 576), default=576)
    parser.add_argument("--raster-qr", action="store_true", help="QR inside the image")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.tickets < 1:
        parser.error("--tickets must be 1 or more")
    result = run(args.tickets, args.width, not args.raster_qr)
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['tickets']} tickets, {result['paper_width']} dots, "
            f"{'native' if result['native_qr'] else 'raster'} QR, "
            f"{result['bytes_per_ticket']} bytes each: touch -> last byte at the printer "
            f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms "
            "(target p95 <= 150 ms)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
