"""A blocking lock shared by every process of this PC that writes to one SQLite file.

SQLite's own busy handler sleeps 1, 2, 5, 10 ... 100 ms between tries, and a polling loop lets
the process that just committed take the lock again before the sleepers wake up: with eight
counters calling at once, the slowest calls waited over 100 ms. A lock the operating system queues
(flock on Linux and macOS, LockFileEx on Windows) wakes a waiter as soon as the lock is free, and is
released by the kernel if its holder dies.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path


class FileLock:
    """An exclusive lock on PATH (created with mode 0600), held by one thread of one process.

    Args:
        path: the lock file; it is created if missing and never deleted (deleting a lock file
            that another process has open would split the lock in two).
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None
        self._pid: int | None = None
        self._thread_lock = threading.Lock()

    def _open(self) -> int:
        if self._fd is None or self._pid != os.getpid():  # a forked child needs its own
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    def acquire(self) -> None:
        self._thread_lock.acquire()
        try:
            _lock(self._open())
        except BaseException:
            self._thread_lock.release()
            raise

    def release(self) -> None:
        try:
            if self._fd is not None:
                _unlock(self._fd)
        finally:
            self._thread_lock.release()

    def close(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None


if sys.platform == "win32":  # pragma: no cover - exercised on the offices' Windows PCs
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

    def _lock(fd: int) -> None:
        handle = msvcrt.get_osfhandle(fd)
        overlapped = _Overlapped()
        if not _kernel32.LockFileEx(
            handle, _LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, ctypes.byref(overlapped)
        ):
            raise ctypes.WinError(ctypes.get_last_error())

    def _unlock(fd: int) -> None:
        handle = msvcrt.get_osfhandle(fd)
        overlapped = _Overlapped()
        if not _kernel32.UnlockFileEx(handle, 0, 1, 0, ctypes.byref(overlapped)):
            raise ctypes.WinError(ctypes.get_last_error())

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
