"""The fair file lock that queues the writers of one SQLite file: exclusive and first come, first
served, across real processes."""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from pathlib import Path
from typing import Any

from shared.storage.oslock import FileLock

ROUNDS = 150


def _increment_without_atomicity(lock_path: str, data_path: str, rounds: int, start: Any) -> None:
    """Read, wait a little, write: any two processes inside at once would lose an increment."""
    lock = FileLock.shared(Path(lock_path))
    start.wait()
    for _ in range(rounds):
        lock.acquire()
        try:
            with open(data_path, "r+") as f:
                value = int(f.read() or 0)
                time.sleep(0.0002)
                f.seek(0)
                f.write(str(value + 1))
                f.truncate()
        finally:
            lock.release()


def test_lock_is_exclusive_across_eight_processes(tmp_path: Path) -> None:
    data = tmp_path / "counter.txt"
    data.write_text("0")
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    procs = [
        ctx.Process(
            target=_increment_without_atomicity,
            args=(str(tmp_path / "x.lock"), str(data), ROUNDS, start),
        )
        for _ in range(8)
    ]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * 8
    assert int(data.read_text()) == 8 * ROUNDS


def _wait_in_line(lock_path: str, name: str, queued: Any, log_path: str) -> None:
    lock = FileLock.shared(Path(lock_path))
    queued.set()  # the parent starts the next process only after this one is about to queue
    lock.acquire()
    with open(log_path, "a") as f:
        f.write(name + "\n")
    lock.release()


def test_waiters_get_the_lock_in_the_order_they_asked(tmp_path: Path) -> None:
    lock_path = tmp_path / "x.lock"
    log = tmp_path / "order.txt"
    holder = FileLock.shared(lock_path)
    holder.acquire()
    ctx = mp.get_context("spawn")
    procs = []
    for name in "ABCDE":
        queued = ctx.Event()
        p = ctx.Process(target=_wait_in_line, args=(str(lock_path), name, queued, str(log)))
        p.start()
        assert queued.wait(timeout=60)
        time.sleep(0.3)  # let it reach the lock call before the next one starts
        procs.append(p)
    assert not log.exists()  # nobody got in while the lock was held
    holder.release()
    for p in procs:
        p.join(timeout=60)
    assert log.read_text().split() == list("ABCDE")


def _die_holding(lock_path: str, acquired: Any) -> None:
    FileLock.shared(Path(lock_path)).acquire()
    acquired.set()
    time.sleep(60)


def test_a_process_killed_while_holding_the_lock_does_not_block_the_others(
    tmp_path: Path,
) -> None:
    lock_path = tmp_path / "x.lock"
    ctx = mp.get_context("spawn")
    acquired = ctx.Event()
    victim = ctx.Process(target=_die_holding, args=(str(lock_path), acquired))
    victim.start()
    assert acquired.wait(timeout=60)
    victim.kill()
    victim.join(timeout=30)
    lock = FileLock.shared(lock_path)
    lock.acquire()  # would hang forever if the dead holder's lock stayed
    lock.release()
    assert os.stat(lock_path).st_mode & 0o777 == 0o600
