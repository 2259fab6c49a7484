"""The benchmark scripts keep working and keep their --json form (their figures go in README)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_engine_benchmark_prints_one_json_object_per_process_count() -> None:
    run = subprocess.run(
        [sys.executable, "bench/engine.py", "--json", "--processes", "1", "3", "--tickets", "60"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    results = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["processes"] for r in results] == [1, 3]
    for result in results:
        assert {"processes", "calls_per_s", "p50_ms", "p99_ms", "duplicates"} <= set(result)
        assert result["duplicates"] == 0
        assert result["tickets"] == 60
        assert result["calls_per_s"] > 0


def test_feed_benchmark_sees_every_event() -> None:
    run = subprocess.run(
        [sys.executable, "bench/feed.py", "--json", "--events", "20", "--rate", "100"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert (result["seen"], result["missed"]) == (20, 0)


def test_print_benchmark_times_touch_to_last_printed_byte() -> None:
    run = subprocess.run(
        [sys.executable, "bench/print.py", "--json", "--tickets", "5", "--width", "384"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["tickets"] == 5
    assert result["paper_width"] == 384
    assert result["bytes_per_ticket"] > 1000
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]


def test_predict_benchmark_prints_one_row_per_office_and_load() -> None:
    run = subprocess.run(
        [
            sys.executable,
            "bench/predict.py",
            "--json",
            "--counters",
            "2",
            "--loads",
            "0.6",
            "--seeds",
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode in (0, 1), run.stderr  # 1: a row missed its target
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert [(r["counters"], r["load"]) for r in rows] == [(2, 0.6)]
    row = rows[0]
    assert row["called"] > 0 and row["mean_wait_minutes"] >= 0
    assert {"mae_minutes", "bias_minutes", "mae_share", "within_target"} <= set(row)
