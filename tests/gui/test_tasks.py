"""TaskRunner: slow calls run off the GUI thread, results come back on it, in order."""

from __future__ import annotations

import threading
import time

from pytestqt.qtbot import QtBot

from shared.errors import ConflictError, MotcuaError
from shared.qt.tasks import TaskRunner


def test_results_come_back_on_the_gui_thread_in_submission_order(qtbot: QtBot) -> None:
    runner = TaskRunner()
    gui = threading.get_ident()
    ran_on: list[int] = []
    results: list[tuple[int, int]] = []

    def work(n: int) -> int:
        ran_on.append(threading.get_ident())
        time.sleep(0.01 * (3 - n))  # earlier tasks are slower: order must still hold
        return n

    for n in range(3):
        runner.submit(lambda n=n: work(n), lambda r: results.append((r, threading.get_ident())))
    qtbot.waitUntil(lambda: len(results) == 3, timeout=5000)
    assert [r for r, _ in results] == [0, 1, 2]
    assert {t for _, t in results} == {gui}
    assert gui not in ran_on
    runner.shutdown()


def test_errors_reach_the_window_and_unexpected_ones_become_one_line(qtbot: QtBot) -> None:
    runner = TaskRunner()
    errors: list[MotcuaError] = []

    def refuse() -> None:
        raise ConflictError("Không còn công dân chờ", "nobody is waiting")

    def crash() -> None:
        raise RuntimeError("disk on fire")

    runner.submit(refuse, on_error=errors.append)
    runner.submit(crash, on_error=errors.append)
    qtbot.waitUntil(lambda: len(errors) == 2, timeout=5000)
    assert isinstance(errors[0], ConflictError)
    assert "Không còn công dân chờ" in str(errors[0])
    assert "RuntimeError: disk on fire" in str(errors[1])
    runner.shutdown()


def test_busy_is_signalled_while_work_is_pending(qtbot: QtBot) -> None:
    runner = TaskRunner()
    states: list[bool] = []
    runner.busy_changed.connect(states.append)
    gate = threading.Event()
    runner.submit(gate.wait)
    runner.submit(lambda: None)
    assert runner.busy
    gate.set()
    qtbot.waitUntil(lambda: states == [True, False], timeout=5000)
    assert not runner.busy
    runner.shutdown()
