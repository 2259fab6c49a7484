"""Backups from the command line and the hall display's daily backup, with real processes."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path

from e2e.office import App, environment, wait_until


def motcua(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "motcua", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment(),
        check=False,
    )


def test_backup_and_restore_from_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    assert motcua(db, "init", "--demo").returncode == 0
    assert motcua(db, "issue", "CT").returncode == 0
    run = motcua(db, "backup", "--out", str(tmp_path / "morning.db"))
    assert run.returncode == 0, run.stderr
    assert "1 số / tickets" in run.stdout
    assert motcua(db, "issue", "CT").returncode == 0
    run = motcua(db, "restore", str(tmp_path / "morning.db"))
    assert run.returncode == 0, run.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM ticket").fetchone() == (1,)
    kept = list(tmp_path.glob("office-before-restore-*.db"))
    assert len(kept) == 1
    with sqlite3.connect(kept[0]) as conn:
        assert conn.execute("SELECT count(*) FROM ticket").fetchone() == (2,)
    bad = motcua(db, "restore", str(tmp_path / "missing.db"))
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "there is no file" in bad.stderr


def test_the_hall_display_makes_the_daily_backup_when_a_folder_is_configured(
    tmp_path: Path,
) -> None:
    db = tmp_path / "office.db"
    assert motcua(db, "init", "--demo").returncode == 0
    folder = tmp_path / "backups"
    config = tmp_path / "display.toml"
    config.write_text(
        f'[backup]\nfolder = "{folder.as_posix()}"\nkeep_days = 14\n\n[sound]\nenabled = false\n',
        encoding="utf-8",
    )
    display = App(
        "display",
        ["--db", str(db), "--config", str(config), "--log-json", "display", "--windowed"],
        environment(),
    )
    try:
        wait_until(lambda: folder.exists() and any(folder.glob("motcua-*.db")), 60, "a backup")
    finally:
        display.stop()
    [made] = folder.glob("motcua-*.db")
    day = dt.date.fromisoformat(made.stem.removeprefix("motcua-"))
    today = dt.datetime.now(dt.UTC).date()
    assert abs((day - today).days) <= 1  # the office's business day (UTC+7)
    assert made.stat().st_mode & 0o777 == 0o600
    assert any(line.get("event") == "backup_written" for line in display.lines)
