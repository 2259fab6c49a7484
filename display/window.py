"""The hall display: the latest call large, every open counter, recent calls, people waiting.

Calls come from the event log in order (FeedWatcher.event_received), never from a snapshot of "the
current ticket": when several counters call in the same second, each call is listed at once and
then highlighted and announced in turn. The counters' tiles and the waiting counts are read again
(coalesced) after any change.
"""

from __future__ import annotations

import html
import logging
from collections import deque
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from PySide6.QtCore import QRectF, Qt, QTimer, Signal, SignalInstance, Slot
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from shared.bilingual import day_line
from shared.clock import Clock
from shared.errors import MotcuaError
from shared.qt.feed_watcher import FeedWatcher
from shared.qt.logo import logo_pixmap
from shared.qt.tasks import TaskRunner
from shared.queue.feed import ChangeFeed
from shared.queue.queries import QueueQueries
from shared.rules.domain import CounterState, EventKind, EventView, StatusView
from shared.rules.numbering import load_zone
from shared.rules.settings import OfficeSettings, VoiceOptions

log = logging.getLogger(__name__)

CALL_KINDS = (EventKind.TICKET_CALLED, EventKind.TICKET_RECALLED)
RECENT_CALLS = 6


@dataclass(frozen=True, slots=True)
class DisplayTimings:
    """Seconds. A call stays highlighted at least highlight_s (longer while it is announced)."""

    highlight_s: float = 4.0


class Announcer(Protocol):
    """Speaks calls one after the other (display.announcer.CallAnnouncer)."""

    @property
    def finished(self) -> SignalInstance: ...  # emits the EventView whose announcement ended

    def announce(self, call: EventView) -> None: ...

    def warm_up(self) -> None: ...


class Marquee(QWidget):
    """The scrolling notice at the bottom (text moves right to left, forever)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._offset = 0.0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._step)
        self._timer.start(33)
        self.setObjectName("marquee")

    def set_text(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self._offset = 0.0  # readable at once; later passes enter from the right
            self.update()

    def text(self) -> str:
        return self._text

    def _step(self) -> None:
        if not self._text:
            return
        width = self.fontMetrics().horizontalAdvance(self._text)
        self._offset -= max(2.0, self.height() / 14)
        if self._offset < -width:
            self._offset = float(self.width())
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffd54f"))
        painter.setPen(QColor("#111111"))
        painter.setFont(self.font())
        rect = QRectF(self._offset, 0, 100_000, self.height())
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignVCenter), self._text)


class CounterTile(QWidget):
    """One counter: its number and the ticket it serves (or closed / paused)."""

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number
        self.setObjectName("counterTile")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 6, 16, 6)
        self.name = QLabel(f"Quầy {number}\nCounter {number}")
        self.name.setObjectName("counterName")
        self.ticket = QLabel("—")
        self.ticket.setObjectName("counterTicket")
        self.ticket.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.name)
        layout.addWidget(self.ticket, 1)

    def show_state(self, state: CounterState, number: str | None, reason: str | None) -> None:
        if state is CounterState.PAUSED:
            text = "Tạm dừng"
        elif state is CounterState.CLOSED:
            text = "Đóng"
        else:
            text = number or "—"
        self.ticket.setText(text)
        self.setProperty("state", str(state))
        self.setToolTip(reason or "")
        self.style().unpolish(self)
        self.style().polish(self)


class DisplayWindow(QWidget):
    """The hall display. Construct, call follow(feed), show fullscreen.

    Args:
        queries: the read side (status, settings).
        clock: the time shown, in the office's time zone.
        announcer: speaks each call; None for a silent display.

    Signals:
        call_shown(EventView): a call is on the screen (in the recent list and its counter).
        call_highlighted(EventView): a call is the large one at the top.
    """

    call_shown = Signal(object)
    call_highlighted = Signal(object)

    def __init__(
        self,
        queries: QueueQueries,
        clock: Clock,
        announcer: Announcer | None = None,
        timings: DisplayTimings | None = None,
    ) -> None:
        super().__init__()
        self._queries = queries
        self._clock = clock
        self._announcer = announcer
        self._timings = timings or DisplayTimings()
        self._zone: ZoneInfo = load_zone("Asia/Ho_Chi_Minh")
        self._settings: OfficeSettings | None = None
        self.recent: deque[EventView] = deque(maxlen=RECENT_CALLS)
        self._seen_calls: set[int] = set()
        self._pending: deque[EventView] = deque()
        self.current: EventView | None = None
        self._current_done = {"timer": True, "voice": True}
        self._refreshing = False
        self._refresh_again = False
        self.counter_tiles: dict[int, CounterTile] = {}
        self._tasks = TaskRunner("display-db", self)
        self.setWindowTitle("motcua — Màn hình gọi số / Hall display")
        # Type follows the window's size, so the layout must not push the window's size back up
        # with the type of the size before (an explicit minimum overrides the layout's).
        self.setMinimumSize(640, 360)
        self._build()
        self._clock_timer = QTimer(self)
        self._clock_timer.timeout.connect(self._tick)
        self._clock_timer.start(1000)
        self._highlight_timer = QTimer(self)
        self._highlight_timer.setSingleShot(True)
        self._highlight_timer.timeout.connect(lambda: self._part_done("timer"))
        if announcer is not None:
            # A bound slot, not a lambda: Qt drops the connection when this window is deleted.
            announcer.finished.connect(self._voice_done)
        self._tick()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(20, 12, 20, 0)
        root.setSpacing(10)
        header = QHBoxLayout()
        self.logo = QLabel()
        self.logo.setObjectName("logo")
        self.logo.hide()
        header.addWidget(self.logo)
        self.office = QLabel()
        self.office.setObjectName("office")
        self.clock_label = QLabel()
        self.clock_label.setObjectName("clock")
        self.clock_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header.addWidget(self.office, 1)
        header.addWidget(self.clock_label)
        root.addLayout(header)

        body = QHBoxLayout()
        body.setSpacing(16)
        body.addLayout(self._build_calls(), 3)
        body.addLayout(self._build_side(), 2)
        root.addLayout(body, 1)

        self.marquee = Marquee()
        root.addWidget(self.marquee)

    def _build_calls(self) -> QVBoxLayout:
        left = QVBoxLayout()
        self.call_panel = QWidget()
        self.call_panel.setObjectName("callPanel")
        self.call_panel.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        panel = QVBoxLayout(self.call_panel)
        self.call_title = QLabel("MỜI CÔNG DÂN CÓ SỐ\nNOW SERVING")
        self.call_title.setObjectName("callTitle")
        self.call_number = QLabel("—")
        self.call_number.setObjectName("callNumber")
        self.call_counter = QLabel("")
        self.call_counter.setObjectName("callCounter")
        for label in (self.call_title, self.call_number, self.call_counter):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            panel.addWidget(label)
        left.addWidget(self.call_panel, 3)
        recent_title = QLabel("Vừa gọi / Recent calls")
        recent_title.setObjectName("sectionTitle")
        left.addWidget(recent_title)
        self.recent_box = QGridLayout()
        self.recent_labels: list[QLabel] = []
        for index in range(RECENT_CALLS):
            label = QLabel("")
            label.setObjectName("recent")
            self.recent_box.addWidget(label, index // 2, index % 2)
            self.recent_labels.append(label)
        left.addLayout(self.recent_box, 1)
        return left

    def _build_side(self) -> QVBoxLayout:
        right = QVBoxLayout()
        counters_title = QLabel("Quầy / Counters")
        counters_title.setObjectName("sectionTitle")
        right.addWidget(counters_title)
        self.counter_box = QGridLayout()
        self.counter_box.setSpacing(8)
        right.addLayout(self.counter_box)
        right.addStretch(1)
        waiting_title = QLabel("Đang chờ / Waiting")
        waiting_title.setObjectName("sectionTitle")
        right.addWidget(waiting_title)
        self.waiting_label = QLabel("")
        self.waiting_label.setObjectName("waiting")
        self.waiting_label.setWordWrap(True)
        self.waiting_label.setTextFormat(Qt.TextFormat.RichText)
        right.addWidget(self.waiting_label)
        return right

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_style()

    def _apply_style(self) -> None:
        """Sized from the screen height: the called number is a fifth of it (about 27 cm on a
        55-inch screen, readable from well beyond 10 m); the smallest text is 1/36 of it."""
        unit = max(self.height(), 400) / 100.0

        def px(k: float) -> str:
            return f"{round(unit * k)}px"

        self.setStyleSheet(
            f"""
            DisplayWindow {{ background: #071a33; }}
            QLabel {{ color: #ffffff; font-family: "DejaVu Sans"; }}
            #office {{ font: bold {px(4.4)} "DejaVu Sans"; }}
            #clock {{ font: bold {px(3.4)} "DejaVu Sans"; }}
            #callPanel {{ background: #0d47a1; border-radius: {px(1.5)}; }}
            #callPanel[flash="true"] {{ background: #c62828; }}
            #callTitle {{ font: bold {px(3.6)} "DejaVu Sans"; color: #e3f2fd; }}
            #callNumber {{ font: bold {px(20)} "DejaVu Sans"; color: #ffeb3b; }}
            #callCounter {{ font: bold {px(6.5)} "DejaVu Sans"; }}
            #sectionTitle {{ font: bold {px(3.0)} "DejaVu Sans"; color: #90caf9; }}
            #recent {{ font: bold {px(3.8)} "DejaVu Sans"; }}
            #counterTile {{ background: #12315c; border-radius: {px(1)}; }}
            #counterTile[state="paused"] {{ background: #5d4037; }}
            #counterTile[state="closed"] {{ background: #333a44; }}
            #counterName {{ font: bold {px(3.0)} "DejaVu Sans"; color: #bbdefb; }}
            #counterTicket {{ font: bold {px(6.0)} "DejaVu Sans"; color: #ffeb3b; }}
            #counterTile[state="closed"] #counterTicket {{ color: #9e9e9e; font-size: {px(3.6)}; }}
            #counterTile[state="paused"] #counterTicket {{ color: #ffcc80; font-size: {px(3.6)}; }}
            #waiting {{ font: bold {px(2.9)} "DejaVu Sans"; }}
            """
        )
        font = QFont("DejaVu Sans")
        font.setPixelSize(round(unit * 3.4))
        font.setBold(True)
        self.marquee.setFont(font)
        self.marquee.setFixedHeight(round(unit * 6))

    # ------------------------------------------------------------------ data

    def follow(self, feed: ChangeFeed) -> FeedWatcher:
        """Start from the state now, then follow every event after FEED's start, in order."""
        watcher = FeedWatcher(feed, parent=self)
        watcher.event_received.connect(self.on_event)
        watcher.batch_received.connect(lambda _events: self.refresh())
        self.refresh(initial=True)
        watcher.start()
        return watcher

    def refresh(self, *, initial: bool = False) -> None:
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True

        def read() -> tuple[StatusView, OfficeSettings]:
            return self._queries.status(last_calls=RECENT_CALLS), self._queries.settings()

        self._tasks.submit(
            read, lambda result: self._status_read(*result, initial=initial), self._failed
        )

    def _status_read(self, status: StatusView, settings: OfficeSettings, *, initial: bool) -> None:
        self._refreshing = False
        self._settings = settings
        self._zone = load_zone(settings.time_zone)
        self.office.setText(settings.office_name)
        pixmap = logo_pixmap(settings.logo_png, max(self.office.height(), 48))
        if pixmap is not None:
            self.logo.setPixmap(pixmap)
        self.logo.setVisible(pixmap is not None)
        self.marquee.set_text(settings.notice_text)
        if initial:
            if self._announcer is not None:
                self._announcer.warm_up()  # with the voice of the settings just read
            # The calls made before the display started are listed, not announced again.
            for call in reversed(status.last_calls):
                if call.id not in self._seen_calls:
                    self._seen_calls.add(call.id)
                    self.recent.appendleft(call)
            self._render_recent()
        self._render_counters(status)
        self.waiting_label.setText(_waiting_html(status))
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()

    def _failed(self, error: MotcuaError) -> None:
        self._refreshing = False
        log.warning("display cannot read the database: %s", error)
        QTimer.singleShot(1000, self.refresh)

    def _render_counters(self, status: StatusView) -> None:
        numbers = [c.number for c in status.counters]
        if list(self.counter_tiles) != numbers:
            for tile in self.counter_tiles.values():
                tile.deleteLater()
            self.counter_tiles = {}
            columns = 1 if len(numbers) <= 4 else 2
            for index, number in enumerate(numbers):
                tile = CounterTile(number)
                self.counter_box.addWidget(tile, index // columns, index % columns)
                self.counter_tiles[number] = tile
        for counter in status.counters:
            active = counter.active_ticket
            self.counter_tiles[counter.number].show_state(
                counter.state, active.display_number if active else None, counter.pause_reason
            )

    def _render_recent(self) -> None:
        calls = list(self.recent)
        for index, label in enumerate(self.recent_labels):
            if index < len(calls):
                call = calls[index]
                local = call.at.astimezone(self._zone)
                label.setText(f"{call.display_number} → Quầy {call.counter_number}   {local:%H:%M}")
            else:
                label.setText("")

    # ------------------------------------------------------------------ calls, in order

    def on_event(self, event: EventView) -> None:
        """Each event of the log, in order. Calls are shown at once and queued to be announced."""
        if event.kind not in CALL_KINDS or event.id in self._seen_calls:
            return
        self._seen_calls.add(event.id)
        self.recent.appendleft(event)
        self._render_recent()
        tile = self.counter_tiles.get(event.counter_number or -1)
        if tile is not None and event.display_number:
            tile.show_state(CounterState.OPEN, event.display_number, None)
        log.info(
            "call shown",
            extra={
                "event": "call_shown",
                "event_id": event.id,
                "ticket": event.display_number,
                "counter": event.counter_number,
            },
        )
        self.call_shown.emit(event)
        self._pending.append(event)
        if self.current is None:
            self._highlight_next()

    def _highlight_next(self) -> None:
        if not self._pending:
            self.current = None
            self._set_flash(False)
            return
        call = self._pending.popleft()
        self.current = call
        recall = call.kind is EventKind.TICKET_RECALLED
        self.call_title.setText(
            "MỜI LẠI CÔNG DÂN CÓ SỐ\nCALLING AGAIN" if recall else "MỜI CÔNG DÂN CÓ SỐ\nNOW SERVING"
        )
        self.call_number.setText(call.display_number or "")
        self.call_counter.setText(f"→ QUẦY {call.counter_number} / COUNTER {call.counter_number}")
        self._set_flash(True)
        self._current_done = {"timer": False, "voice": self._announcer is None}
        self._highlight_timer.start(int(self._timings.highlight_s * 1000))
        self.call_highlighted.emit(call)
        if self._announcer is not None:
            self._announcer.announce(call)

    @Slot(object)
    def _voice_done(self, _call: object) -> None:
        self._part_done("voice")

    def _part_done(self, part: str) -> None:
        if self.current is None:
            return
        self._current_done[part] = True
        if part == "timer":
            self._set_flash(False)
        if all(self._current_done.values()):
            self._highlight_next()

    def _set_flash(self, on: bool) -> None:
        self.call_panel.setProperty("flash", on)
        self.call_panel.style().unpolish(self.call_panel)
        self.call_panel.style().polish(self.call_panel)

    @property
    def voice(self) -> VoiceOptions:
        """How calls are announced, from the settings read last."""
        return self._settings.voice if self._settings is not None else VoiceOptions()

    # ------------------------------------------------------------------ clock

    def _tick(self) -> None:
        local = self._clock.now().astimezone(self._zone)
        self.clock_label.setText(f"{day_line(local)}\n{local:%H:%M:%S}")

    def wait_for_tasks(self, timeout_s: float = 10.0) -> None:
        self._tasks.wait_idle(timeout_s)

    def shutdown(self) -> None:
        if self._announcer is not None:
            self._announcer.finished.disconnect(self._voice_done)
        self._tasks.shutdown()


def _waiting_html(status: StatusView) -> str:
    """People waiting per open service, in two columns, with the total first."""
    total = sum(q.waiting for q in status.services)
    cells = [f"Tổng / Total: {total}"] + [
        f"{html.escape(q.service.name_vi)}: {q.waiting}"
        for q in status.services
        if q.service.is_open
    ]
    rows = []
    for index in range(0, len(cells), 2):
        pair = cells[index : index + 2]
        rows.append("".join(f"<td style='padding-right:24px'>{c}</td>" for c in pair))
    return "<table>" + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>"
