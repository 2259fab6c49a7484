"""A fair (first come, first served) lock shared by every process that writes one SQLite file.

Why not SQLite's own busy handler: it sleeps 1, 2, 5, 10 ... 100 ms between tries, so with eight
counters calling at once the slowest calls waited over 100 ms. Why not one flock(): the kernel wakes
every waiter and a random one wins, so a counter can lose the race many times in a row (the 99th
percentile was 36 ms). This lock queues its waiters like the ticket queue it protects:

- a process takes a turn number from a counter kept in the lock file (under a short byte lock);
- it locks the byte of its own turn, then waits for the byte of the previous turn to be free;
- it unlocks its own byte when done, which wakes exactly the next process in line.

The operating system releases the byte locks of a process that dies, so a crashed counter never
blocks the others. A process that is stopped (SIGSTOP, a PC that hangs) keeps its locks, so no
wait is unbounded: a byte that is not free at once is waited for by a helper thread blocked in
the kernel (a waiter uses no CPU and wakes as soon as its turn comes), and the waiter gives up at
its deadline (LockTimeout), unlocking its own byte so that the ones behind it are not held up by
it; the helper lets go of the byte as soon as it gets it. Byte-range locks are fcntl() locks on
Linux and macOS and LockFileEx() on Windows, both blocking in the kernel.
"""

from __future__ import annotations

import os
import struct
import sys
import threading
import time
from pathlib import Path
from typing import ClassVar

# Locked regions lie far past the 8 bytes of data (Windows locks are mandatory: a locked byte could
# not be read by the others).
_BASE = 1 << 30
_COUNTER_MUTEX = _BASE
_SLOTS = 4096  # more than the processes that could ever wait at once
_FIRST_SLOT = _BASE + 1


class LockTimeout(Exception):
    """The lock was not free by the deadline (its holder is slow, stopped or hung)."""


class FileLock:
    """A first-come-first-served exclusive lock on PATH (created with mode 0600).

    Get it with FileLock.shared(path): fcntl() locks belong to a process, not to a file
    descriptor, so two descriptors of one file in one process would not exclude each other, and
    closing either would drop the locks of both. One instance per file and process avoids both;
    its threads queue on a thread lock first. The file is never deleted (deleting it while others
    have it open would split the lock) nor closed before the process ends.

    This lock is about fairness and speed only: correctness never rests on it, since every write
    transaction still takes SQLite's own write lock (BEGIN IMMEDIATE) inside it.
    """

    _instances: ClassVar[dict[tuple[int, str], FileLock]] = {}
    _instances_lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def shared(cls, path: Path) -> FileLock:
        key = (os.getpid(), str(path.resolve()))
        with cls._instances_lock:
            lock = cls._instances.get(key)
            if lock is None:
                lock = cls._instances[key] = cls(path)
            return lock

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None
        self._pid: int | None = None
        self._slot: int | None = None
        self._thread_lock = threading.Lock()

    def _open(self) -> int:
        if self._fd is None or self._pid != os.getpid():  # a forked child needs its own
            flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0)
            self._fd = os.open(self._path, flags, 0o600)
            self._pid = os.getpid()
        return self._fd

    def acquire(self, deadline: float | None = None) -> None:
        """Wait for this process's turn; DEADLINE (time.monotonic()) bounds the wait.

        Raises:
            LockTimeout: the turn before did not end by DEADLINE; nothing is held.
        """
        timeout = -1.0 if deadline is None else max(0.0, deadline - time.monotonic())
        if not self._thread_lock.acquire(timeout=timeout):
            raise LockTimeout
        try:
            fd = self._open()
            slot, previous = self._take_turn(fd, deadline)
            try:
                _wait_free(fd, previous, deadline)
            except BaseException:
                _unlock(fd, slot)
                raise
            self._slot = slot
        except BaseException:
            self._thread_lock.release()
            raise

    def release(self) -> None:
        try:
            if self._fd is not None and self._slot is not None:
                _unlock(self._fd, self._slot)
        finally:
            self._slot = None
            self._thread_lock.release()

    @staticmethod
    def _take_turn(fd: int, deadline: float | None) -> tuple[int, int]:
        """Take the next turn and lock its byte; returns (own byte, byte of the turn before).

        The own byte is locked before the counter is released: otherwise the next process could
        find it free and go ahead of this one. (The counter's byte is held only for these few
        instructions, but a process stopped inside them would hold it: it is waited for with the
        same deadline.)
        """
        _wait_lock(fd, _COUNTER_MUTEX, deadline)
        try:
            data = _read_at_start(fd)
            turn = int(struct.unpack("<Q", data)[0]) if len(data) == 8 else 0
            _write_at_start(fd, struct.pack("<Q", (turn + 1) % (1 << 63)))
            slot = _FIRST_SLOT + turn % _SLOTS
            _wait_lock(fd, slot, deadline)
            return slot, _FIRST_SLOT + (turn - 1) % _SLOTS
        finally:
            _unlock(fd, _COUNTER_MUTEX)


def _wait_lock(fd: int, offset: int, deadline: float | None) -> None:
    """Lock the byte at OFFSET, waiting until DEADLINE (time.monotonic(); None: no deadline).

    A free byte is taken at once. Otherwise a helper thread blocks in the kernel for it (a lock
    call cannot be interrupted portably); at the deadline this thread gives up, and the helper
    unlocks the byte whenever it gets it. fcntl() locks belong to the process and LockFileEx()
    locks to the file handle, so a byte the helper took is this thread's to use or unlock.
    """
    if _try_lock(fd, offset):
        return
    if deadline is None:
        _lock(fd, offset)
        return
    got = threading.Event()
    guard = threading.Lock()
    abandoned: list[bool] = []
    errors: list[OSError] = []

    def wait() -> None:
        try:
            _lock(fd, offset)
        except OSError as exc:
            errors.append(exc)
            got.set()
            return
        with guard:
            if abandoned:
                _unlock(fd, offset)
            else:
                got.set()

    threading.Thread(target=wait, name="motcua-lock-wait", daemon=True).start()
    if not got.wait(max(0.0, deadline - time.monotonic())):
        with guard:
            if not got.is_set():
                abandoned.append(True)
                raise LockTimeout
    if errors:
        raise errors[0]


def _wait_free(fd: int, offset: int, deadline: float | None) -> None:
    """Return once nobody holds the byte at OFFSET (the turn before has ended)."""
    _wait_lock(fd, offset, deadline)
    _unlock(fd, offset)


if hasattr(os, "pread"):

    def _read_at_start(fd: int) -> bytes:
        return os.pread(fd, 8, 0)

    def _write_at_start(fd: int, data: bytes) -> None:
        os.pwrite(fd, data, 0)

else:  # pragma: no cover - Windows has no pread/pwrite

    def _read_at_start(fd: int) -> bytes:
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 8)

    def _write_at_start(fd: int, data: bytes) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data)


if sys.platform == "win32":  # pragma: no cover - runs on the offices' Windows PCs
    import ctypes
    import msvcrt
    from ctypes import wintypes

    class _Overlapped(ctypes.Structure):
        _fields_ = [
            ("internal", ctypes.c_void_p),
            ("internal_high", ctypes.c_void_p),
            ("offset", wintypes.DWORD),
            ("offset_high", wintypes.DWORD),
            ("event", wintypes.HANDLE),
        ]

    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    _LOCKFILE_FAIL_IMMEDIATELY = 0x1
    _LOCKFILE_EXCLUSIVE_LOCK = 0x2
    _ERROR_LOCK_VIOLATION = 33

    def _overlapped(offset: int) -> _Overlapped:
        overlapped = _Overlapped()
        overlapped.offset = offset & 0xFFFFFFFF
        overlapped.offset_high = offset >> 32
        return overlapped

    def _lock(fd: int, offset: int) -> None:
        handle = msvcrt.get_osfhandle(fd)
        overlapped = _overlapped(offset)
        if not _kernel32.LockFileEx(
            handle, _LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, ctypes.byref(overlapped)
        ):
            raise ctypes.WinError(ctypes.get_last_error())

    def _try_lock(fd: int, offset: int) -> bool:
        handle = msvcrt.get_osfhandle(fd)
        overlapped = _overlapped(offset)
        flags = _LOCKFILE_EXCLUSIVE_LOCK | _LOCKFILE_FAIL_IMMEDIATELY
        if _kernel32.LockFileEx(handle, flags, 0, 1, 0, ctypes.byref(overlapped)):
            return True
        error = ctypes.get_last_error()
        if error == _ERROR_LOCK_VIOLATION:
            return False
        raise ctypes.WinError(error)

    def _unlock(fd: int, offset: int) -> None:
        handle = msvcrt.get_osfhandle(fd)
        overlapped = _overlapped(offset)
        if not _kernel32.UnlockFileEx(handle, 0, 1, 0, ctypes.byref(overlapped)):
            raise ctypes.WinError(ctypes.get_last_error())

else:
    import fcntl

    def _lock(fd: int, offset: int) -> None:
        fcntl.lockf(fd, fcntl.LOCK_EX, 1, offset, os.SEEK_SET)

    def _try_lock(fd: int, offset: int) -> bool:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, offset, os.SEEK_SET)
        except (BlockingIOError, PermissionError):  # EAGAIN or EACCES: another process has it
            return False
        return True

    def _unlock(fd: int, offset: int) -> None:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, offset, os.SEEK_SET)
