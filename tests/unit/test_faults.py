"""Broken environments give one clear line and a non-zero exit, never a traceback, for the command
line and for every app (they open the database before any window)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared.storage.database import safe_url

APPS = (["kiosk", "--windowed"], ["counter"], ["display", "--windowed"], ["status"])


def _motcua(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "motcua", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def _one_line(run: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    for text in expected:
        assert text in lines[0]


@pytest.mark.parametrize("app", APPS, ids=lambda a: a[0])
def test_a_missing_database_stops_every_app_with_one_line(app: list[str], tmp_path: Path) -> None:
    _one_line(_motcua("--db", str(tmp_path / "none.db"), *app), "does not exist: run 'motcua init'")


@pytest.mark.parametrize("app", APPS, ids=lambda a: a[0])
def test_a_corrupt_database_stops_every_app_with_one_line(app: list[str], tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    path.write_bytes(os.urandom(20_000))
    before = path.read_bytes()
    _one_line(_motcua("--db", str(path), *app), "file is not a database")
    assert path.read_bytes() == before


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs a read-only /proc (Linux)")
def test_a_database_that_cannot_be_created_gives_one_line() -> None:
    # /proc refuses new files even to root, which CI runs as.
    _one_line(_motcua("--db", "/proc/motcua-test.db", "init"), "cannot create database")


def test_a_database_folder_given_as_the_file_gives_one_line(tmp_path: Path) -> None:
    _one_line(_motcua("--db", str(tmp_path), "status"), "cannot open database")


def test_a_password_in_a_database_url_is_never_shown() -> None:
    shown = safe_url("postgresql+psycopg://motcua:Pho-bo-2026@192.168.1.10/motcua")
    assert "Pho-bo-2026" not in shown
    assert shown == "postgresql+psycopg://motcua:***@192.168.1.10/motcua"
    assert safe_url("sqlite:////var/lib/motcua/motcua.db") == "sqlite:////var/lib/motcua/motcua.db"


def test_a_database_held_busy_by_another_program_gives_a_bounded_wait_and_one_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "busy.db"
    assert _motcua("--db", str(path), "init", "--demo").returncode == 0
    # Another program (a database browser, say) holds SQLite's write lock and never lets go.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(120)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        run = _motcua("--db", str(path), "issue", "CT")
    finally:
        holder.kill()
        holder.communicate()
    _one_line(run, "the database stayed busy for over 10 s; try again")
    assert _motcua("--db", str(path), "issue", "CT").returncode == 0  # free again: it works
