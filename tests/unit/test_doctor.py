"""`motcua doctor ROLE`: each check on a real database file, a real TCP printer endpoint, real
espeak-ng, a real backup folder; one line per check, the fix beside each failure, exit 1 when the
role misses something."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from shared.cli import main
from shared.clock import FakeClock, SystemClock
from shared.office.demo import open_demo_office
from shared.queue.engine import QueueEngine
from shared.storage.database import open_database, sqlite_url


@pytest.fixture(autouse=True)
def isolated(isolated_cli: None) -> None:
    """A fresh PC's environment (conftest's isolated_cli), before every other fixture."""


@pytest.fixture
def office(tmp_path: Path) -> Path:
    path = tmp_path / "office.db"
    open_demo_office(path, SystemClock()).dispose()
    return path


def doctor(
    capsys: pytest.CaptureFixture[str], db: Path, role: str, config: str = ""
) -> tuple[int, dict[str, Any], str]:
    """Run `motcua doctor ROLE --json`; returns (exit code, the JSON, the text form's output)."""
    toml = db.parent / f"{role}.toml"
    toml.write_text(config, encoding="utf-8")
    args = ["--db", str(db), "--config", str(toml), "doctor", role]
    capsys.readouterr()
    code = main([*args, "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert main(args) == code
    return code, payload, capsys.readouterr().out


def status(payload: dict[str, Any]) -> dict[str, str]:
    return {c["name"]: c["status"] for c in payload["checks"]}


def test_a_counter_pc_with_a_good_database_is_ready(
    capsys: pytest.CaptureFixture[str], office: Path
) -> None:
    code, payload, text = doctor(capsys, office, "counter")
    assert code == 0, text
    assert payload["ok"] is True
    found = status(payload)
    for name in ("database", "fonts", "time_zone", "clock", "disk"):
        assert found[name] == "ok", (name, text)
    assert found["printer"] == "warning"  # not a kiosk: reported, not required
    assert "sẵn sàng / this PC is ready" in text


def test_a_missing_database_fails_with_its_fix_and_no_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, payload, text = doctor(capsys, tmp_path / "nowhere.db", "counter")
    assert code == 1
    check = next(c for c in payload["checks"] if c["name"] == "database")
    assert check["status"] == "failed"
    assert "motcua init" in check["fix_en"] and check["fix_vi"]
    assert "Traceback" not in text
    assert "[LỖI / FAIL]" in text and "->" in text


def test_the_kiosk_needs_its_printer_reachable(
    capsys: pytest.CaptureFixture[str], office: Path
) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        printer = f'[printer]\nkind = "network"\nhost = "127.0.0.1"\nport = {port}\n'
        code, payload, text = doctor(capsys, office, "kiosk", printer + "paper_width = 576\n")
    assert code == 0, text
    assert "576" in next(c["en"] for c in payload["checks"] if c["name"] == "printer")
    # The listener is closed now: nothing answers on that port.
    code, payload, text = doctor(capsys, office, "kiosk", printer)
    assert code == 1
    assert status(payload)["printer"] == "failed"
    assert f"127.0.0.1:{port}" in text and "print-test" in text


def test_a_pc_clock_behind_the_last_write_is_caught(
    capsys: pytest.CaptureFixture[str], office: Path
) -> None:
    db = open_database(sqlite_url(office))
    ahead = FakeClock(dt.datetime.now(dt.UTC) + dt.timedelta(hours=3))
    QueueEngine(db, ahead).issue_ticket("CT")  # another PC, three hours ahead, wrote last
    db.dispose()
    code, payload, text = doctor(capsys, office, "supervisor")
    assert code == 1
    assert status(payload)["clock"] == "failed"
    assert "timedatectl" in text


def test_the_display_needs_a_voice_and_a_recent_backup(
    capsys: pytest.CaptureFixture[str], office: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    config = f'[backup]\nfolder = "{folder.as_posix()}"\n'
    code, payload, _ = doctor(capsys, office, "display", config)
    assert status(payload)["backup"] == "failed"  # none made yet
    assert status(payload)["voice"] == "ok"  # espeak-ng's Vietnamese voice, for real
    old = folder / "motcua-2026-11-01.db"
    old.write_bytes(b"")
    three_days = time.time() - 3 * 86400
    os.utime(old, (three_days, three_days))
    code, payload, text = doctor(capsys, office, "display", config)
    assert status(payload)["backup"] == "failed" and "72 h old" in text
    (folder / "motcua-2026-12-03.db").write_bytes(b"")
    code, payload, text = doctor(capsys, office, "display", config)
    assert status(payload)["backup"] == "ok"
    assert code == (0 if status(payload)["audio"] != "failed" else 1), text


def test_an_unknown_role_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], office: Path
) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["--db", str(office), "doctor", "printer"])
    assert refused.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "invalid choice" in err
