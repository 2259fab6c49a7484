"""A QObject that turns the database's change feed into Qt signals, one per new event."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from shared.errors import MotcuaError
from shared.queue.feed import POLL_INTERVAL_MS, ChangeFeed

log = logging.getLogger(__name__)


class FeedWatcher(QObject):
    """Polls a ChangeFeed on a timer and emits every new event in order.

    A poll with nothing new costs a few microseconds (PRAGMA data_version), so it runs on the
    thread that owns the watcher; events are read only when another process committed.

    Signals:
        event_received(EventView): one new event, in log order.
        batch_received(list): all events of one poll, in order (after the single signals).
        feed_failed(str): the database could not be read; polling goes on.
    """

    event_received = Signal(object)
    batch_received = Signal(list)
    feed_failed = Signal(str)

    def __init__(
        self, feed: ChangeFeed, interval_ms: int = POLL_INTERVAL_MS, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._feed = feed
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(interval_ms)
        self._poll_timer.timeout.connect(self.poll_now)
        self._failing = False

    def start(self) -> None:
        self._poll_timer.start()

    def stop(self) -> None:
        self._poll_timer.stop()

    @property
    def last_id(self) -> int:
        return self._feed.last_id

    def poll_now(self) -> None:
        try:
            events = self._feed.poll()
        except MotcuaError as exc:
            self._report(str(exc))
            return
        except Exception as exc:  # the database file vanished, a disk error...: keep polling
            self._report(f"{type(exc).__name__}: {exc}")
            return
        self._failing = False
        for event in events:
            self.event_received.emit(event)
        if events:
            self.batch_received.emit(events)

    def _report(self, message: str) -> None:
        if not self._failing:  # one warning per outage, not one per poll
            log.warning("change feed failed: %s", message)
            self.feed_failed.emit(message)
        self._failing = True
