"""The `motcua` command run in-process: its output, its exit codes and its one-line errors."""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import shutil
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from unit_support import all_events

import shared.office.config
from shared.cli import main
from shared.clock import SystemClock
from shared.office.admin import OfficeAdmin
from shared.office.demo import DEMO_SERVICES
from shared.queue.queries import QueueQueries
from shared.storage.database import open_database, sqlite_url

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(autouse=True)
def isolated(isolated_cli: None) -> None:
    """A fresh PC's environment (conftest's isolated_cli), before every other fixture."""


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], db_path: Path) -> Run:
    """run(*args, db=path) -> (exit code, stdout, stderr)."""

    def run(*args: str, db: Path = db_path) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            code = main(["--db", str(db), *args])
        except SystemExit as exc:  # argparse errors
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database made by `motcua init --demo`, once per module (hashing the PINs is slow)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(shared.office.config, "default_config_path", lambda: path.with_name("none.toml"))
        try:
            assert main(["--db", str(path), "init", "--demo"]) == 0
        finally:
            root.handlers[:] = handlers
            root.setLevel(level)
    assert not path.with_name("demo.db-wal").exists()  # fully checkpointed: safe to copy
    return path


@pytest.fixture
def demo(demo_template: Path, db_path: Path) -> None:
    shutil.copyfile(demo_template, db_path)


def state(path: Path) -> tuple[Any, ...]:
    """What a user could see of the office: tickets, counters, services and the whole log."""
    db = open_database(sqlite_url(path))
    try:
        queries = QueueQueries(db, SystemClock())
        events = all_events(queries)
        days = sorted({e.business_day for e in events})
        tickets = [t for day in days for t in queries.tickets_of_day(day)]
        return tuple(tickets), queries.status().counters, tuple(queries.services()), len(events)
    finally:
        db.dispose()


def one_line_error(err: str) -> None:
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("motcua")
    assert "Traceback" not in err


@pytest.mark.usefixtures("demo")
def test_issue_prints_the_display_number(run: Run, db_path: Path) -> None:
    code, out, err = run("issue", "CT")
    assert (code, err) == (0, "")
    assert out.split()[0] == "1001"
    assert "Cư trú" in out
    tickets = state(db_path)[0]
    assert [(t.display_number, t.service_code, t.status) for t in tickets] == [
        ("1001", "CT", "waiting")
    ]


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("where", ["before", "after"])
def test_json_output_is_one_object_with_the_ticket(run: Run, where: str) -> None:
    run("issue", "CT")
    args = ["--json", "issue", "CC", "--priority", "elderly"]
    code, out, _ = run(*(args if where == "before" else [*args[1:], "--json"]))
    assert code == 0
    payload = json.loads(out)
    assert payload["ticket"]["display_number"] == "2001"
    assert payload["ticket"]["service_code"] == "CC"
    assert payload["ticket"]["priority_category"] == "elderly"
    assert payload["ticket"]["status"] == "waiting"
    assert payload["people_ahead"] == 0  # a priority ticket: nobody with priority ahead


@pytest.mark.usefixtures("demo")
def test_call_prints_the_called_ticket_and_its_counter(run: Run) -> None:
    run("issue", "DX")
    code, out, _ = run("call", "2", "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["counter"] == 2
    assert payload["ticket"]["display_number"] == "4001"
    assert payload["ticket"]["status"] == "called"
    assert payload["ticket"]["officer_code"] == "cb02"


@pytest.mark.usefixtures("demo")
def test_call_with_nobody_waiting_exits_0_with_no_ticket(run: Run, db_path: Path) -> None:
    before = state(db_path)
    code, out, err = run("--json", "call", "1")
    assert (code, err) == (0, "")
    payload = json.loads(out)
    assert payload["ticket"] is None
    assert payload["closed_previous"] is None
    assert state(db_path) == before
    code, out, _ = run("call", "1")
    assert code == 0 and "nobody is waiting" in out


def _close_ct(path: Path) -> None:
    db = open_database(sqlite_url(path))
    try:
        OfficeAdmin(db, SystemClock()).set_service_open("CT", False)
    finally:
        db.dispose()


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    ("args", "named", "close_ct"),
    [
        (["issue", "ZZ"], "'ZZ'", False),
        (["call", "9"], "counter 9", False),
        (["issue", "CT", "--priority", "vip"], "'vip'", False),
        (["issue", "CT"], "service CT", True),
        (["call", "1", "--ticket", "1001"], "--reason", False),
        (["call", "0"], "counter must be 1 or more", False),
        (["call", "one"], "'one'", False),
        (["finish", "1", "--outcome", "great"], "great", False),
        (["recall", "3"], "counter 3", False),
        (["settings", "set", "priority", '{"mode": "fifo"}', "--as", "qt01"], "priority", False),
        (["settings", "set", "notice_text", "x"], "--as ADMIN_CODE is needed", False),
        (["cancel", "1001"], "--reason", False),
    ],
)
def test_bad_input_exits_2_with_one_line_and_changes_nothing(
    run: Run,
    db_path: Path,
    args: list[str],
    named: str,
    close_ct: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MOTCUA_PIN", "8888")  # the demo admin qt01
    run("issue", "DD")
    if close_ct:
        _close_ct(db_path)
    before = state(db_path)
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    one_line_error(err)
    assert named in err
    assert state(db_path) == before


def test_a_missing_database_says_to_run_init(run: Run, tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    code, out, err = run("status", db=missing)
    assert code != 0
    assert out == ""
    one_line_error(err)
    assert "motcua init" in err
    assert not missing.exists()  # not created by a mistyped path


def test_an_uninitialised_database_says_to_run_init(run: Run, tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    code, _, err = run("issue", "CT", db=empty)
    assert code != 0
    one_line_error(err)
    assert "motcua init" in err


@pytest.mark.parametrize("args", [["status"], ["issue", "CT"], ["init"]])
def test_a_corrupt_database_gives_one_line_and_is_left_alone(
    run: Run, tmp_path: Path, args: list[str]
) -> None:
    corrupt = tmp_path / "corrupt.db"
    content = random.Random(7).randbytes(8192)
    corrupt.write_bytes(content)
    code, out, err = run(*args, db=corrupt)
    assert code != 0
    assert out == ""
    one_line_error(err)
    assert str(corrupt) in err
    assert corrupt.read_bytes() == content


def test_init_twice_is_fine_and_keeps_the_data(run: Run, db_path: Path) -> None:
    assert run("init")[0] == 0
    assert run("init")[0] == 0
    assert run("init", "--demo")[0] == 0  # still empty: the demo can be added
    run("issue", "CT")
    before = state(db_path)
    code, _, err = run("init")
    assert (code, err) == (0, "")
    assert state(db_path) == before


@pytest.mark.usefixtures("demo")
def test_init_demo_on_a_database_with_services_is_refused(run: Run, db_path: Path) -> None:
    before = state(db_path)
    code, out, err = run("init", "--demo")
    assert code == 2
    assert out == ""
    one_line_error(err)
    assert "services" in err
    assert state(db_path) == before
    assert [s.code for s in before[2]] == [s.code for s in DEMO_SERVICES]


@pytest.mark.usefixtures("demo")
def test_status_lists_waiting_tickets_per_service(run: Run) -> None:
    run("issue", "CT")
    run("issue", "CT")
    run("issue", "XP")
    run("call", "1")
    code, out, _ = run("--json", "status")
    assert code == 0
    payload = json.loads(out)
    waiting = {s["service"]["code"]: s["waiting"] for s in payload["services"]}
    assert (waiting["CT"], waiting["XP"], waiting["CC"]) == (1, 1, 0)
    active = {c["number"]: c["active_ticket"] for c in payload["counters"]}
    assert active[1]["display_number"] == "1001"
    assert [e["display_number"] for e in payload["last_calls"]] == ["1001"]


@pytest.mark.usefixtures("demo")
def test_a_database_from_a_newer_motcua_gives_one_line(run: Run, db_path: Path) -> None:
    db = open_database(sqlite_url(db_path))
    try:
        with db.write.begin() as conn:
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'f00d'")
    finally:
        db.dispose()
    for args in (["status"], ["init"]):
        code, out, err = run(*args)
        assert code != 0
        assert out == ""
        one_line_error(err)
        assert "newer" in err


@pytest.mark.usefixtures("demo")
def test_counter_actions_need_a_counter_number_and_without_an_app_an_action(run: Run) -> None:
    code, _, err = run("counter", "pause", "--reason", "Nghỉ")
    assert code == 2
    assert err.strip().endswith("'counter pause' needs a counter number")
    code, _, err = run("counter")  # shared.cli alone knows no counter window
    assert code == 2
    assert "an action is needed" in err
    assert run("counter", "pause", "2", "--reason", "Nghỉ trưa")[0] == 0


@pytest.mark.usefixtures("demo")
def test_report_prints_csv_and_refuses_a_reversed_range_or_xlsx_without_a_file(
    run: Run, tmp_path: Path
) -> None:
    assert run("issue", "CT")[0] == 0
    today = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    code, out, _ = run("report", "--from", today, "--to", today, "--format", "csv")
    assert code == 0
    assert "Cư trú" in out
    code, _, err = run("report", "--from", "2026-02-02", "--to", "2026-02-01")
    assert code == 2
    assert "is after --to" in err
    code, _, err = run("report", "--from", today, "--to", today, "--format", "xlsx")
    assert code == 2
    assert "needs --out FILE" in err
    out_file = tmp_path / "r.xlsx"
    assert (
        run("report", "--from", today, "--to", today, "--format", "xlsx", "--out", str(out_file))[0]
        == 0
    )
    assert out_file.stat().st_size > 0


def test_simulate_needs_no_database_and_is_reproducible(run: Run, tmp_path: Path) -> None:
    args = ("--json", "simulate", "--counters", "3", "--arrivals-per-hour", "20", "--hours", "2")
    missing = tmp_path / "none.db"
    code, first, err = run(*args, "--seed", "7", db=missing)
    assert code == 0, err
    assert run(*args, "--seed", "7", db=missing)[1] == first
    result = json.loads(first)
    assert result["counters"] == 3 and result["served"] > 0
    assert not missing.exists()


@pytest.mark.usefixtures("demo")
def test_announce_text_follows_the_voice_settings(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOTCUA_PIN", "8888")  # the demo admin qt01 changes the voice
    code, out, _ = run("announce-text", "1005", "2")
    assert code == 0
    assert out.strip() == "Mời công dân có số thứ tự một ngàn không trăm lẻ năm đến quầy số hai"
    voice = {"voice": "vi", "wording": "north", "digit_by_digit": True, "rate": 150, "repeat": 1}
    assert run("settings", "set", "voice", json.dumps(voice), "--as", "qt01")[0] == 0
    code, out, _ = run("announce-text", "A015", "12")
    assert out.strip() == "Mời công dân có số thứ tự a không một năm đến quầy số mười hai"
    code, _, err = run("announce-text", "10#5", "2")
    assert code == 2
    assert "cannot read the character '#'" in err


@pytest.mark.usefixtures("demo")
def test_announce_writes_the_spoken_sentence_as_a_wav_file(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "call.wav"
    code, stdout, err = run("announce", "2024", "3", "--out", str(out))
    assert code == 0, err
    assert "hai ngàn không trăm hai mươi bốn" in stdout
    with wave.open(str(out)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert 2.0 < seconds < 15.0
    code, _, err = run("announce", "1", "2", "--out", str(tmp_path / "missing" / "x.wav"))
    assert code == 2
    assert "does not exist" in err
