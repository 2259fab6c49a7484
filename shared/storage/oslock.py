"""A fair (first come, first served) lock shared by every process that writes one SQLite file.

Why not SQLite's own busy handler: it sleeps 1, 2, 5, 10 ... 100 ms between tries, so with eight
counters calling at once the slowest calls waited over 100 ms. Why not one flock(): the kernel wakes
every waiter and a random one wins, so a counter can lose the race many times in a row (the 99th
percentile was 36 ms). This lock queues its waiters like the ticket queue it protects:

- a process takes a turn number from a counter kept in the lock file (under a short byte lock);
- it locks the byte of its own turn, then waits for the byte of the previous turn to be free;
- it unlocks its own byte when done, which wakes exactly the next process in line.

The operating system releases the byte locks of a process that dies, so a crashed counter never
blocks the others. Byte-range locks are fcntl() locks on Linux and macOS and LockFileEx() on
Windows, both blocking in the kernel: a waiter uses no CPU and wakes as soon as its turn comes.
"""

from __future__ import annotations

import os
import struct
import sys
import threading
from pathlib import Path
from typing import ClassVar

# Locked regions lie far past the 8 bytes of data (Windows locks are mandatory: a locked byte could
# not be read by the others).
_BASE = 1 << 30
_COUNTER_MUTEX = _BASE
_SLOTS = 4096  # more than the processes that could ever wait at once
_FIRST_SLOT = _BASE + 1


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

    def acquire(self) -> None:
        self._thread_lock.acquire()
        try:
            fd = self._open()
            slot, previous = self._take_turn(fd)
            try:
                _lock(fd, previous)  # blocks until the previous turn is over
                _unlock(fd, previous)
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
    def _take_turn(fd: int) -> tuple[int, int]:
        """Take the next turn and lock its byte; returns (own byte, byte of the turn before).

        The own byte is locked before the counter is released: otherwise the next process could
        find it free and go ahead of this one.
        """
        _lock(fd, _COUNTER_MUTEX)
        try:
            data = _read_at_start(fd)
            turn = int(struct.unpack("<Q", data)[0]) if len(data) == 8 else 0
            _write_at_start(fd, struct.pack("<Q", (turn + 1) % (1 << 63)))
            slot = _FIRST_SLOT + turn % _SLOTS
            _lock(fd, slot)
            return slot, _FIRST_SLOT + (turn - 1) % _SLOTS
        finally:
            _unlock(fd, _COUNTER_MUTEX)


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
    _LOCKFILE_EXCLUSIVE_LOCK = 0x2

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

    def _unlock(fd: int, offset: int) -> None:
        handle = msvcrt.get_osfhandle(fd)
        overlapped = _overlapped(offset)
        if not _kernel32.UnlockFileEx(handle, 0, 1, 0, ctypes.byref(overlapped)):
            raise ctypes.WinError(ctypes.get_last_error())

else:
    import fcntl

    def _lock(fd: int, offset: int) -> None:
        fcntl.lockf(fd, fcntl.LOCK_EX, 1, offset, os.SEEK_SET)

    def _unlock(fd: int, offset: int) -> None:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, offset, os.SEEK_SET)
