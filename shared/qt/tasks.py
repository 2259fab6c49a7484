"""Run database and printer work off the GUI thread, and get the result back on it.

A window never calls the engine on its own thread: a busy database (another process holds the
write lock) or a printer that does not answer would freeze it. It hands the call to a TaskRunner
instead, whose single worker thread runs the calls one after the other in the order given (so two
actions of one window never overtake each other), and receives the result or the error back on the
GUI thread through a queued signal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from shared.errors import MotcuaError

log = logging.getLogger(__name__)

OnDone = Callable[[Any], None]
OnError = Callable[[MotcuaError], None]


@dataclass(frozen=True, slots=True)
class _Outcome:
    result: Any
    error: MotcuaError | None
    on_done: OnDone | None
    on_error: OnError | None


class TaskRunner(QObject):
    """One worker thread for the slow calls of a window.

    Signals:
        busy_changed(bool): true while a task runs or waits, false when all are done.
    """

    busy_changed = Signal(bool)
    _finished = Signal(object)

    def __init__(self, name: str = "motcua-task", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._pending = 0
        self._lock = threading.Lock()
        self._closed = False
        self._finished.connect(self._deliver)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: OnDone | None = None,
        on_error: OnError | None = None,
    ) -> None:
        """Run FN on the worker thread; then ON_DONE(result) or ON_ERROR(error) on this thread.

        A MotcuaError goes to ON_ERROR (its message is meant for the user). Any other exception
        is a bug or an environment failure: it is logged with its traceback and reported to
        ON_ERROR as a plain MotcuaError so the window can say something and go on.
        """
        if self._closed:
            return
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self._pool.submit(self._run, fn, on_done, on_error)

    def _run(self, fn: Callable[[], Any], on_done: OnDone | None, on_error: OnError | None) -> None:
        try:
            outcome = _Outcome(fn(), None, on_done, on_error)
        except MotcuaError as exc:
            outcome = _Outcome(None, exc, on_done, on_error)
        except Exception as exc:
            log.exception("task failed")
            error = MotcuaError(
                f"Lỗi không mong đợi: {type(exc).__name__}: {exc}",
                f"unexpected error: {type(exc).__name__}: {exc}",
            )
            outcome = _Outcome(None, error, on_done, on_error)
        if not self._closed:
            self._finished.emit(outcome)

    @Slot(object)
    def _deliver(self, outcome: _Outcome) -> None:
        self._pending -= 1
        try:
            if outcome.error is not None:
                if outcome.on_error is not None:
                    outcome.on_error(outcome.error)
                else:
                    log.warning("task failed: %s", outcome.error)
            elif outcome.on_done is not None:
                outcome.on_done(outcome.result)
        finally:
            if self._pending == 0:
                self.busy_changed.emit(False)

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        """Block until the tasks submitted so far have run (tests, shutdown)."""
        marker = self._pool.submit(lambda: None)
        try:
            marker.result(timeout=timeout_s)
        except TimeoutError:
            return False
        return True

    def shutdown(self) -> None:
        """Finish the running task and drop the results still to come (the window closes)."""
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)
