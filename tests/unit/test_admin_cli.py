"""`motcua admin ...`: the acting admin with --as and a PIN from $MOTCUA_PIN (never an argument),
happy paths, and bad input that exits 2 with one line and changes nothing."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import shared.office.config
from shared.cli import main
from shared.clock import SystemClock
from shared.queue.queries import QueueQueries
from shared.storage.database import open_database, sqlite_url
from shared.storage.tables import OF

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(autouse=True)
def isolated(isolated_cli: None) -> None:
    """A fresh PC's environment (conftest's isolated_cli), before every other fixture."""


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], db_path: Path) -> Run:
    """run(*args) -> (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            code = main(["--db", str(db_path), *args])
        except SystemExit as exc:  # argparse errors
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`motcua init --demo` plus an admin ad01 (PIN 7777) added by the demo's admin qt01."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(shared.office.config, "default_config_path", lambda: path.with_name("none.toml"))
        mp.setenv("MOTCUA_NEW_PIN", "7777")
        mp.setenv("MOTCUA_PIN", "8888")
        try:
            assert main(["--db", str(path), "init", "--demo"]) == 0
            add = ["--db", str(path), "admin", "officer", "add", "ad01", "Quản Trị", "--role"]
            assert main([*add, "admin", "--as", "qt01"]) == 0
        finally:
            root.handlers[:] = handlers
            root.setLevel(level)
    return path


@pytest.fixture
def office(template: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copyfile(template, db_path)
    monkeypatch.setenv("MOTCUA_PIN", "7777")


def state(path: Path) -> tuple[Any, ...]:
    """The whole configuration and the length of the log."""
    db = open_database(sqlite_url(path))
    try:
        queries = QueueQueries(db, SystemClock())
        with db.read_tx() as conn:
            officers = conn.execute(sa.select(OF).order_by(OF.c.code)).all()
        events = queries.events_after(0, limit=100_000)
        return (
            tuple(queries.services()),
            tuple(queries.counters()),
            tuple(officers),
            queries.settings(),
            len(events),
        )
    finally:
        db.dispose()


def one_line_error(err: str) -> None:
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("motcua")
    assert "Traceback" not in err


@pytest.mark.usefixtures("office")
def test_services_are_added_changed_closed_and_opened(run: Run, db_path: Path) -> None:
    code, out, _ = run(
        "admin", "service", "add", "CX", "Cấp giấy xác nhận", "Certificates",
        "--numbering", "8001-8999", "--cap", "50", "--threshold", "20", "--as", "ad01",
    )  # fmt: skip
    assert code == 0 and "CX" in out
    code, out, _ = run(
        "--json", "admin", "service", "set", "CX", "--name-en", "Confirmations",
        "--no-cap", "--threshold", "15", "--as", "ad01",
    )  # fmt: skip
    service = json.loads(out)["service"]
    assert code == 0
    assert (service["name_en"], service["daily_cap"], service["wait_threshold_minutes"]) == (
        "Confirmations",
        None,
        15,
    )
    assert run("admin", "service", "close", "CX", "--as", "ad01")[0] == 0
    assert run("admin", "service", "open", "CT", "--as", "ad01")[0] == 0
    services = {s.code: s for s in state(db_path)[0]}
    assert not services["CX"].is_open and services["CT"].is_open


@pytest.mark.usefixtures("office")
def test_counters_are_added_and_given_a_service_filter(run: Run, db_path: Path) -> None:
    assert run("admin", "counter", "add", "5", "--name", "Quầy 5 (xe)", "--as", "ad01")[0] == 0
    code, out, _ = run("admin", "counter", "set", "5", "--services", "DX,XP", "--as", "ad01")
    assert code == 0 and "DX, XP" in out
    counters = {c.number: c for c in state(db_path)[1]}
    assert counters[5].name == "Quầy 5 (xe)" and counters[5].service_codes == ("DX", "XP")
    assert run("admin", "counter", "set", "5", "--all-services", "--as", "ad01")[0] == 0
    assert {c.number: c for c in state(db_path)[1]}[5].service_codes == ()


@pytest.mark.usefixtures("office")
def test_officers_are_added_reset_unlocked_and_deactivated(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOTCUA_NEW_PIN", "2468")
    assert run("admin", "officer", "add", "cb09", "Ngô Thị Chín", "--as", "ad01")[0] == 0
    assert run("admin", "officer", "reset-pin", "cb09", "--as", "ad01")[0] == 0
    assert run("admin", "officer", "unlock", "cb09", "--as", "ad01")[0] == 0
    assert run("admin", "officer", "deactivate", "cb09", "--as", "ad01")[0] == 0
    code, out, _ = run("--json", "admin", "officer", "list", "--as", "ad01")
    officers = {o["code"]: o for o in json.loads(out)["officers"]}
    assert code == 0
    assert officers["cb09"]["full_name"] == "Ngô Thị Chín" and not officers["cb09"]["active"]
    assert "scrypt" not in out and "2468" not in out  # no PIN nor hash is ever printed


@pytest.mark.usefixtures("office")
def test_settings_are_set_as_the_admin(run: Run, db_path: Path) -> None:
    code, out, _ = run("admin", "settings", "set", "ticket_footer", "Xin cảm ơn!", "--as", "ad01")
    assert code == 0 and "Xin cảm ơn!" in out
    assert state(db_path)[3].ticket_footer == "Xin cảm ơn!"
    voice = '{"voice": "vi", "rate": 150}'
    assert run("admin", "settings", "set", "voice", voice, "--as", "ad01")[0] == 0
    assert state(db_path)[3].voice.rate == 150


@pytest.mark.usefixtures("office")
@pytest.mark.parametrize(
    ("args", "pin", "message"),
    [
        (("admin", "service", "close", "CT", "--as", "ld01"), "9999", "only an admin"),
        (("admin", "service", "close", "CT", "--as", "cb01"), "1111", "only an admin"),
        (("admin", "service", "close", "CT", "--as", "ad01"), "0000", "wrong officer code or PIN"),
        (("admin", "service", "close", "CT"), "7777", "--as ADMIN_CODE is needed"),
        (("admin", "service", "close", "ZZ", "--as", "ad01"), "7777", "unknown service"),
        (("admin", "service", "set", "CT", "--as", "ad01"), "7777", "nothing to change"),
        (
            ("admin", "service", "add", "CX", "a", "b", "--numbering", "1500-1600", "--as", "ad01"),
            "7777",
            "overlaps",
        ),
        (("admin", "service", "set", "CT", "--threshold", "0", "--as", "ad01"), "7777", "1 or"),
        (("admin", "counter", "add", "1", "--as", "ad01"), "7777", "already exists"),
        (("admin", "counter", "set", "1", "--services", "QQ", "--as", "ad01"), "7777", "unknown"),
        (("admin", "officer", "deactivate", "cb01", "--as", "ad01"), "7777", "holds counter 1"),
        (("admin", "officer", "deactivate", "ad01", "--as", "ad01"), "7777", "your own account"),
        (("admin", "officer", "add", "ad02", "X", "--role", "admin"), "7777", "already has an"),
        (("admin", "settings", "set", "nope", "1", "--as", "ad01"), "7777", "unknown setting"),
        (("admin", "settings", "set", "voice", "{}x", "--as", "ad01"), "7777", "invalid setting"),
        (("admin", "officer", "fly", "cb01", "--as", "ad01"), "7777", "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_changes_nothing(
    run: Run,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    pin: str,
    message: str,
) -> None:
    monkeypatch.setenv("MOTCUA_PIN", pin)
    monkeypatch.setenv("MOTCUA_NEW_PIN", "2468")
    before = state(db_path)
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    one_line_error(err)
    assert message in err
    after = state(db_path)
    if pin == "0000":  # a wrong PIN is counted (towards the lockout), nothing else changes
        assert after[:2] + after[3:] == before[:2] + before[3:]
    else:
        assert after == before


@pytest.mark.usefixtures("office")
def test_the_pin_is_never_an_argument_nor_printed(
    run: Run, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    code, _, err = run("admin", "service", "close", "CT", "--as", "ad01", "--pin", "7777")
    assert code == 2 and "unrecognized arguments" in err
    monkeypatch.setenv("MOTCUA_PIN", "7777")
    with caplog.at_level(logging.DEBUG):
        code, out, err = run("--log-json", "admin", "service", "close", "CT", "--as", "ad01")
    assert code == 0
    assert "7777" not in out + err + caplog.text
