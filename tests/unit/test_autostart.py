"""`motcua autostart ROLE` writes a systemd user unit whose command is a real motcua command."""

from __future__ import annotations

import configparser
import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from shared.cli import main
from shared.clock import SystemClock
from shared.office.demo import open_demo_office


@pytest.fixture(autouse=True)
def isolated(isolated_cli: None) -> None:
    """A fresh PC's environment (conftest's isolated_cli), before every other fixture."""


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home-config"))


@pytest.mark.skipif(sys.platform == "win32", reason="systemd is Linux's")
def test_a_counter_pc_gets_a_unit_that_restarts_its_app(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "office.db"
    open_demo_office(db, SystemClock()).dispose()
    monkeypatch.chdir(tmp_path)
    assert main(["--db", "office.db", "--json", "autostart", "counter", "--counter", "2"]) == 0
    result = json.loads(capsys.readouterr().out)
    unit = tmp_path / "home-config" / "systemd" / "user" / "motcua-counter.service"
    assert result["file"] == str(unit) and not result["replaced"]
    assert "systemctl --user enable --now motcua-counter.service" in result["then"]
    parsed = configparser.ConfigParser(interpolation=None)
    parsed.read_string(unit.read_text(encoding="utf-8"))
    assert parsed["Service"]["Restart"] == "on-failure"
    assert parsed["Install"]["WantedBy"] == "graphical-session.target"
    command = shlex.split(parsed["Service"]["ExecStart"])
    assert command[:3] == [sys.executable, "-m", "motcua"]
    assert command[3:] == ["--db", str(db.resolve()), "counter", "--counter", "2"]
    # The unit's command is a real one: the same line with --help parses and exits 0.
    check = subprocess.run(
        [*command, "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert check.returncode == 0, check.stderr
    assert main(["--db", "office.db", "autostart", "counter"]) == 0  # again: replaced
    assert "replaced" in capsys.readouterr().out


def test_a_missing_config_file_is_refused_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--config", str(tmp_path / "kiosk.toml"), "autostart", "kiosk"])
    assert code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "does not exist" in err
    assert not (tmp_path / "home-config").exists()
