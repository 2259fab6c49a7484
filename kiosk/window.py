"""The kiosk window: service tiles, the priority path, the confirmation with the QR code.

Every database call and every print job runs on a TaskRunner (one thread each), so a busy database
or a printer that does not answer never freezes the screen. One touch gives one ticket: from the
touch until the confirmation is shown every tile is disabled, and the confirmation page has no tile.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QPixmap, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk import texts
from kiosk.exit_dialog import ExitDialog, PinChecker
from kiosk.printing import TicketOutput
from shared.bilingual import Text
from shared.clock import Clock
from shared.errors import ConflictError, MotcuaError, NotFoundError
from shared.printing.ticket import render_qr, ticket_url
from shared.qt.feed_watcher import FeedWatcher
from shared.qt.logo import logo_pixmap
from shared.qt.tasks import TaskRunner
from shared.queue.board import Board, ServiceTile, read_board
from shared.queue.engine import QueueEngine
from shared.queue.feed import ChangeFeed
from shared.rules.domain import EventKind, EventView, IssueResult
from shared.rules.numbering import load_zone
from shared.storage.database import Database

log = logging.getLogger(__name__)

HOME, PRIORITY, CONFIRM = 0, 1, 2


@dataclass(frozen=True, slots=True)
class KioskTimings:
    """How long screens stay (seconds). Tests make them short."""

    confirm_s: float = 10.0
    confirm_after_fault_s: float = 45.0
    idle_s: float = 30.0


PALETTE = {
    "background": "#0b1f3a",
    "header": "#ffffff",
    "tile": "#0d47a1",
    "tile_pressed": "#1565c0",
    "tile_text": "#ffffff",
    "tile_closed": "#4a4a4a",
    "tile_closed_text": "#e0e0e0",
    "priority": "#ffb300",
    "priority_text": "#111111",
    "fault": "#ffcdd2",
}


class ServiceButton(QPushButton):
    """One service tile: names, people waiting and the predicted wait, or why it is closed."""

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = code
        self.setObjectName("tile")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.name = QLabel()
        self.name.setObjectName("tileName")
        self.sub = QLabel()
        self.sub.setObjectName("tileSub")
        self.info = QLabel()
        self.info.setObjectName("tileInfo")
        for label in (self.name, self.sub, self.info):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)
        self.tile: ServiceTile | None = None

    def show_tile(self, tile: ServiceTile, language: str, priority: bool) -> None:
        self.tile = tile
        s = tile.service
        names = Text(s.name_vi, s.name_en).pick(language)
        self.name.setText(names[0])
        self.sub.setText(names[1])
        if not s.is_open:
            info = texts.CLOSED.pick(language)[0]
        elif tile.capped:
            info = texts.CAPPED.pick(language)[0]
        else:
            wait = tile.wait_priority if priority else tile.wait_minutes
            info = texts.WAITING.pick(language)[0].format(
                waiting=tile.waiting, wait=texts.wait_text(wait, language)
            )
        self.info.setText(info)
        self.setProperty("closed", not tile.can_issue)
        self.setEnabled(tile.can_issue)
        self.setAccessibleName(f"{s.name_vi} / {s.name_en}: {info}")
        self.style().unpolish(self)
        self.style().polish(self)


class KioskWindow(QWidget):
    """The whole kiosk. Construct, then show (fullscreen on the kiosk PC).

    Args:
        db: the database (read model of the tiles).
        engine: issues tickets and records printer faults.
        clock: the time for the header and the business day.
        output: where tickets are printed.
        kiosk_name: names this kiosk in the event log.
        check_pin: tells whether a PIN belongs to an active supervisor or admin.
        timings: how long screens stay.
        fullscreen: leaving it then takes an admin PIN.

    Signals:
        ticket_issued(IssueResult), ticket_printed(IssueResult), print_failed(IssueResult, str),
        board_updated(Board).
    """

    ticket_issued = Signal(object)
    ticket_printed = Signal(object)
    print_failed = Signal(object, str)
    board_updated = Signal(object)

    def __init__(
        self,
        db: Database,
        engine: QueueEngine,
        clock: Clock,
        output: TicketOutput,
        *,
        kiosk_name: str,
        check_pin: PinChecker,
        timings: KioskTimings | None = None,
        fullscreen: bool = False,
        language: str = "vi",
    ) -> None:
        super().__init__()
        self._db = db
        self._engine = engine
        self._clock = clock
        self._output = output
        self._kiosk_name = kiosk_name
        self._check_pin = check_pin
        self._timings = timings or KioskTimings()
        self._fullscreen = fullscreen
        self.language = language if language in ("vi", "en") else "vi"
        self._zone: ZoneInfo = load_zone("Asia/Ho_Chi_Minh")
        self._board: Board | None = None
        self._priority: tuple[str, str, str] | None = None  # code, name_vi, name_en
        self._issuing = False
        self._current: IssueResult | None = None
        self._qr_pixmap: QPixmap | None = None
        self._qr_side = 360
        self._printer_faulted = False
        self._exit_allowed = False
        self._refresh_running = False
        self._refresh_again = False
        self._db_tasks = TaskRunner("kiosk-db", self)
        self._print_tasks = TaskRunner("kiosk-print", self)

        self.setWindowTitle("motcua — Kiosk lấy số / Ticket kiosk")
        # Type follows the window's size, so the layout must not push the window's size back up
        # with the type of the size before (an explicit minimum overrides the layout's).
        self.setMinimumSize(480, 480)
        self._build()
        self._clock_timer = QTimer(self)
        self._clock_timer.timeout.connect(self._tick)
        self._clock_timer.start(1000)
        self._confirm_timer = QTimer(self)
        self._confirm_timer.setSingleShot(True)
        self._confirm_timer.timeout.connect(self.go_home)
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.timeout.connect(self._idle)
        # Predicted waits age and the business day rolls over even when nothing is written.
        self._board_timer = QTimer(self)
        self._board_timer.timeout.connect(self.refresh)
        self._board_timer.start(60_000)
        QApplication.instance().installEventFilter(self)  # type: ignore[union-attr]
        for keys in ("Ctrl+Alt+Q", "Ctrl+Shift+Escape"):
            QShortcut(QKeySequence(keys), self, self.ask_exit)
        self._tick()
        self.refresh()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(24, 16, 24, 16)
        root.setSpacing(12)

        header = QHBoxLayout()
        self.logo = QLabel("CA")
        self.logo.setObjectName("logo")
        self.logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.office = QLabel()
        self.office.setObjectName("office")
        self.office.setWordWrap(True)
        self.clock_label = QLabel()
        self.clock_label.setObjectName("clock")
        self.clock_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header.addWidget(self.logo)
        header.addWidget(self.office, 1)
        header.addWidget(self.clock_label)
        root.addLayout(header)
        # A long press on the logo asks for the admin PIN (citizens see no exit button).
        self._logo_hold = QTimer(self)
        self._logo_hold.setSingleShot(True)
        self._logo_hold.setInterval(3000)
        self._logo_hold.timeout.connect(self.ask_exit)
        self.logo.installEventFilter(self)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_home())
        self.pages.addWidget(self._build_priority())
        self.pages.addWidget(self._build_confirm())
        root.addWidget(self.pages, 1)

    def _build_home(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.prompt = QLabel()
        self.prompt.setObjectName("prompt")
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt.setWordWrap(True)
        layout.addWidget(self.prompt)
        self.grid = QGridLayout()
        self.grid.setSpacing(16)
        layout.addLayout(self.grid, 1)
        self.tiles: dict[str, ServiceButton] = {}
        self.status_line = QLabel()
        self.status_line.setObjectName("status")
        self.status_line.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_line.setWordWrap(True)
        layout.addWidget(self.status_line)
        bottom = QHBoxLayout()
        self.priority_button = QPushButton()
        self.priority_button.setObjectName("priority")
        self.priority_button.clicked.connect(self._priority_clicked)
        self.language_button = QPushButton()
        self.language_button.setObjectName("language")
        self.language_button.clicked.connect(self.toggle_language)
        bottom.addWidget(self.priority_button, 3)
        bottom.addWidget(self.language_button, 1)
        layout.addLayout(bottom)
        return page

    def _build_priority(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.priority_title = QLabel()
        self.priority_title.setObjectName("prompt")
        self.priority_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.priority_title)
        self.category_box = QGridLayout()
        self.category_box.setSpacing(14)
        layout.addLayout(self.category_box, 1)
        self.category_buttons: dict[str, LabelButton] = {}
        self.priority_back = QPushButton()
        self.priority_back.setObjectName("back")
        self.priority_back.clicked.connect(self.go_home)
        layout.addWidget(self.priority_back)
        return page

    def _build_confirm(self) -> QWidget:
        page = QWidget()
        page.setObjectName("confirmPage")
        outer = QVBoxLayout(page)
        # Landscape: the number on the left, the QR code and the details on the right;
        # portrait: one column.
        self.confirm_box = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        left = QVBoxLayout()
        right = QVBoxLayout()
        self.your_number = _label("yourNumber")
        self.number_label = _label("number")
        self.service_label = _label("confirmService")
        self.qr_label = _label("qr")
        self.ahead_label = _label("confirmInfo")
        self.wait_label = _label("confirmInfo")
        self.print_label = _label("printStatus")
        for label in (self.your_number, self.number_label, self.service_label):
            left.addWidget(label)
        right.addWidget(self.qr_label, 0, Qt.AlignmentFlag.AlignHCenter)
        for label in (self.ahead_label, self.wait_label, self.print_label):
            right.addWidget(label)
        self.confirm_box.addLayout(left, 1)
        self.confirm_box.addLayout(right, 1)
        outer.addLayout(self.confirm_box, 1)
        buttons = QHBoxLayout()
        self.reprint_button = QPushButton()
        self.reprint_button.setObjectName("back")
        self.reprint_button.clicked.connect(self.reprint)
        self.done_button = QPushButton()
        self.done_button.setObjectName("priority")
        self.done_button.clicked.connect(self.go_home)
        buttons.addWidget(self.reprint_button, 1)
        buttons.addWidget(self.done_button, 2)
        outer.addLayout(buttons)
        return page

    # ------------------------------------------------------------------ layout and style

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_style()
        self._layout_tiles()

    @property
    def portrait(self) -> bool:
        return self.height() > self.width()

    @property
    def columns(self) -> int:
        count = max(len(self.tiles), 1)
        if self.portrait:
            return 1 if count <= 3 else 2
        return min(4, count) if count > 4 else max(2, min(count, 3))

    def _layout_tiles(self) -> None:
        for button in self.tiles.values():
            self.grid.removeWidget(button)
        columns = self.columns
        for index, button in enumerate(self.tiles.values()):
            self.grid.addWidget(button, index // columns, index % columns)
        self.confirm_box.setDirection(
            QBoxLayout.Direction.TopToBottom if self.portrait else QBoxLayout.Direction.LeftToRight
        )

    def _apply_style(self) -> None:
        """Type scaled to the screen's short side: about 1.1 cm capitals on the tile names of a
        21.5-inch screen, legible from a metre; every button at least 20 mm high."""
        unit = max(min(self.width(), self.height()), 480) / 100.0
        p = PALETTE

        def px(k: float) -> str:
            return f"{round(unit * k)}px"

        self.setStyleSheet(
            f"""
            KioskWindow {{ background: {p["background"]}; }}
            QLabel {{ color: {p["header"]}; }}
            #logo {{ background: #c62828; color: #ffd54f; border-radius: {px(4)};
                     font: bold {px(3.2)} "DejaVu Sans"; min-width: {px(8)}; min-height: {px(8)}; }}
            #logo[picture="true"] {{ background: transparent; }}
            #office {{ font: bold {px(3.4)} "DejaVu Sans"; }}
            #clock {{ font: {px(2.8)} "DejaVu Sans"; }}
            #prompt {{ font: bold {px(3.6)} "DejaVu Sans"; padding: {px(0.5)}; }}
            #status {{ font: {px(2.6)} "DejaVu Sans"; color: {p["fault"]}; }}
            #tile {{ background: {p["tile"]}; border: {px(0.4)} solid #90caf9;
                     border-radius: {px(2)}; min-height: {px(10)}; }}
            #tile:pressed {{ background: {p["tile_pressed"]}; }}
            #tile[closed="true"] {{ background: {p["tile_closed"]}; border-color: #777; }}
            #tileName {{ font: bold {px(3.5)} "DejaVu Sans"; color: {p["tile_text"]}; }}
            #tileSub {{ font: {px(2.4)} "DejaVu Sans"; color: #e3f2fd; }}
            #tileInfo {{ font: bold {px(2.4)} "DejaVu Sans"; color: #fff59d; }}
            #tile[closed="true"] QLabel {{ color: {p["tile_closed_text"]}; }}
            QPushButton#priority, QPushButton#category {{
                background: {p["priority"]}; color: {p["priority_text"]};
                font: bold {px(3.4)} "DejaVu Sans"; border-radius: {px(2)};
                min-height: {px(9)}; padding: {px(0.5)}; }}
            #categoryLabel {{ color: {p["priority_text"]}; font: bold {px(3.2)} "DejaVu Sans"; }}
            QPushButton#language, QPushButton#back {{
                background: #eceff1; color: #0b1f3a; font: bold {px(3.0)} "DejaVu Sans";
                border-radius: {px(2)}; min-height: {px(9)}; padding: {px(0.5)}; }}
            #yourNumber {{ font: bold {px(3.2)} "DejaVu Sans"; }}
            #number {{ font: bold {px(19)} "DejaVu Sans"; color: #ffeb3b; }}
            #confirmService {{ font: bold {px(3.4)} "DejaVu Sans"; }}
            #confirmInfo {{ font: {px(3.0)} "DejaVu Sans"; }}
            #printStatus {{ font: bold {px(2.8)} "DejaVu Sans"; color: #c8e6c9; }}
            #printStatus[fault="true"] {{ color: {p["fault"]}; }}
            #qr {{ background: white; border-radius: {px(1)}; padding: {px(1.5)}; }}
            """
        )
        self._qr_side = round(unit * 30)
        self._scale_qr()  # resized: the same code, drawn at the new size

    # ------------------------------------------------------------------ data

    def refresh(self) -> None:
        """Read the tiles again (called on every change of the database, coalesced)."""
        if self._refresh_running:
            self._refresh_again = True
            return
        self._refresh_running = True
        self._db_tasks.submit(
            lambda: read_board(self._db, self._clock), self._board_read, self._board_failed
        )

    def _board_read(self, board: Board) -> None:
        self._refresh_running = False
        first = self._board is None
        self._board = board
        self._zone = load_zone(board.settings.time_zone)
        codes = [t.service.code for t in board.tiles]
        if list(self.tiles) != codes:
            for button in self.tiles.values():
                button.deleteLater()
            self.tiles = {}
            for code in codes:
                button = ServiceButton(code)
                button.clicked.connect(lambda _=False, c=code: self.choose_service(c))
                self.tiles[code] = button
            self._layout_tiles()
        self._render_texts()
        if first:
            log.info("kiosk ready", extra={"event": "kiosk_ready", "services": len(codes)})
        self.board_updated.emit(board)
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()

    def _board_failed(self, error: MotcuaError) -> None:
        self._refresh_running = False
        self.status_line.setText(f"{error.vi}\n{error.en}")
        QTimer.singleShot(2000, self.refresh)

    # ------------------------------------------------------------------ texts

    def toggle_language(self) -> None:
        self.language = "en" if self.language == "vi" else "vi"
        self._render_texts()
        if self._current is not None:
            self._show_confirm_texts(self._current)

    def _render_texts(self) -> None:
        lang = self.language
        board = self._board
        if board is not None:
            self.office.setText(board.settings.office_name)
            self._show_logo(board.settings.logo_png)
        if self._priority is None:
            big, small = texts.CHOOSE_SERVICE.pick(lang)
        else:
            _, name_vi, name_en = self._priority
            category = name_en if lang == "en" else name_vi
            big, small = texts.CHOOSE_SERVICE_PRIORITY.pick(lang)
            big = big.format(category=category)
            small = small.format(category=name_vi if lang == "en" else name_en)
        self.prompt.setText(f"{big}\n{small}")
        if board is not None:
            for tile in board.tiles:
                self.tiles[tile.service.code].show_tile(tile, lang, self._priority is not None)
        self.priority_button.setText(
            _two(texts.CANCEL if self._priority else texts.PRIORITY_BUTTON, lang)
        )
        self.language_button.setText(texts.LANGUAGE_BUTTON.pick(lang)[0])
        self.priority_title.setText(_two(texts.PRIORITY_TITLE, lang))
        self.priority_back.setText(_two(texts.CANCEL, lang))
        self.done_button.setText(_two(texts.DONE, lang))
        self.reprint_button.setText(_two(texts.REPRINT, lang))
        if board is not None:
            self._build_categories(board)

    def _show_logo(self, encoded: str) -> None:
        side = max(self.logo.height(), 64)
        pixmap = logo_pixmap(encoded, side)
        if pixmap is None:
            self.logo.setText("CA")  # the drawn badge of the ward police (clears a picture)
            self.logo.setProperty("picture", False)
        else:
            self.logo.setPixmap(pixmap)
            self.logo.setProperty("picture", True)
        self.logo.style().unpolish(self.logo)
        self.logo.style().polish(self.logo)

    def _build_categories(self, board: Board) -> None:
        categories = board.settings.priority.categories
        if list(self.category_buttons) != [c.code for c in categories]:
            for button in self.category_buttons.values():
                button.deleteLater()
            self.category_buttons = {}
            for index, category in enumerate(categories):
                button = LabelButton("category")
                button.clicked.connect(
                    lambda _=False, c=category: self.choose_priority(c.code, c.name_vi, c.name_en)
                )
                self.category_box.addWidget(button, index // 2, index % 2)
                self.category_buttons[category.code] = button
        for category in categories:
            text = Text(category.name_vi, category.name_en)
            self.category_buttons[category.code].setText(_two(text, self.language))

    def _tick(self) -> None:
        local = self._clock.now().astimezone(self._zone)
        self.clock_label.setText(f"{texts.date_line(local)}\n{texts.date_line_en(local)}")

    # ------------------------------------------------------------------ the citizen's path

    def _priority_clicked(self) -> None:
        if self._priority is not None:
            self.go_home()
        else:
            self.pages.setCurrentIndex(PRIORITY)

    def choose_priority(self, code: str, name_vi: str, name_en: str) -> None:
        self._priority = (code, name_vi, name_en)
        self.pages.setCurrentIndex(HOME)
        self._render_texts()

    def choose_service(self, code: str) -> None:
        """A tile was touched: issue one ticket. Touches until the confirmation are ignored."""
        button = self.tiles.get(code)
        if self._issuing or button is None or button.tile is None or not button.tile.can_issue:
            return
        self._issuing = True
        for tile in self.tiles.values():
            tile.setEnabled(False)
        self.priority_button.setEnabled(False)
        self.status_line.setText(_two(texts.BUSY, self.language))
        priority = self._priority[0] if self._priority else None
        self._db_tasks.submit(
            lambda: self._engine.issue_ticket(code, priority), self._issued, self._issue_failed
        )

    def _issued(self, issued: IssueResult) -> None:
        ticket = issued.ticket
        log.info(
            "ticket issued",
            extra={
                "event": "ticket_issued",
                "ticket": ticket.display_number,
                "service": ticket.service_code,
                "priority": ticket.priority_category,
            },
        )
        self._current = issued
        self._issuing = False
        self._priority = None
        self.status_line.setText("")
        self.priority_button.setEnabled(True)
        self._show_confirm_texts(issued)
        self._show_qr(issued)
        self.pages.setCurrentIndex(CONFIRM)
        self._confirm_timer.start(int(self._timings.confirm_s * 1000))
        self.ticket_issued.emit(issued)
        self._print(issued)
        self.refresh()

    def _issue_failed(self, error: MotcuaError) -> None:
        self._issuing = False
        self.priority_button.setEnabled(True)
        self.status_line.setText(
            f"{texts.ISSUE_FAILED.vi.format(reason=error.vi)}\n"
            f"{texts.ISSUE_FAILED.en.format(reason=error.en)}"
        )
        self.refresh()  # the tiles come back enabled as the database says

    def _show_confirm_texts(self, issued: IssueResult) -> None:
        lang = self.language
        ticket = issued.ticket
        self.your_number.setText(_two(texts.YOUR_NUMBER, lang))
        self.number_label.setText(ticket.display_number)
        service = _two(Text(ticket.service_name_vi, ticket.service_name_en), lang)
        category = None
        if ticket.priority_category and self._board is not None:
            category = self._board.settings.priority.category(ticket.priority_category)
        if category is not None:
            service += "\n" + texts.PRIORITY_TICKET.pick(lang)[0].format(
                category=category.name_en if lang == "en" else category.name_vi
            )
        self.service_label.setText(service)
        ahead = texts.AHEAD.pick(lang)
        minutes = issued.predicted_wait_minutes
        if issued.people_ahead is None or minutes is None:  # the estimate could not be read
            self.ahead_label.setText("")
            self.wait_label.setText("")
            return
        self.ahead_label.setText(
            f"{ahead[0].format(ahead=issued.people_ahead)}\n"
            f"{ahead[1].format(ahead=issued.people_ahead)}"
        )
        wait = texts.PREDICTED.pick(lang)
        other = "vi" if lang == "en" else "en"
        self.wait_label.setText(
            f"{wait[0].format(wait=texts.wait_text(minutes, lang))}\n"
            f"{wait[1].format(wait=texts.wait_text(minutes, other))}"
        )

    def _show_qr(self, issued: IssueResult) -> None:
        """The ticket's QR code, drawn once per ticket exactly as on paper (render_qr)."""
        if self._board is None:
            return
        url = ticket_url(issued.ticket, self._board.settings)
        buffer = io.BytesIO()
        render_qr(url, 1000).save(buffer, format="PNG")
        self._qr_pixmap = QPixmap()
        self._qr_pixmap.loadFromData(buffer.getvalue(), "PNG")
        self.qr_label.setToolTip(url)
        self._scale_qr()

    def _scale_qr(self) -> None:
        if self._qr_pixmap is None:
            return
        side = self._qr_side
        self.qr_label.setPixmap(
            self._qr_pixmap.scaled(
                side,
                side,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.FastTransformation,
            )
        )

    # ------------------------------------------------------------------ printing

    def _print(self, issued: IssueResult) -> None:
        self.reprint_button.setVisible(False)
        if not self._output.enabled:
            self._set_print_status(texts.NO_PRINTER, fault=False)
            return
        self._set_print_status(texts.PRINTING, fault=False)
        assert self._board is not None
        office = self._board.settings
        self._print_tasks.submit(
            lambda: self._output.print(issued, office),
            lambda _: self._printed(issued),
            lambda error: self._print_failed(issued, error),
        )

    def _printed(self, issued: IssueResult) -> None:
        log.info(
            "ticket printed",
            extra={"event": "ticket_printed", "ticket": issued.ticket.display_number},
        )
        if self._printer_faulted:
            self._printer_faulted = False
            self._db_tasks.submit(lambda: self._engine.record_printer_restored(self._kiosk_name))
        if self._current is not None and self._current.ticket.id == issued.ticket.id:
            self._set_print_status(texts.PRINTED, fault=False)
        self.ticket_printed.emit(issued)

    def _print_failed(self, issued: IssueResult, error: MotcuaError) -> None:
        log.warning(
            "ticket not printed: %s",
            error,
            extra={"event": "printer_fault", "ticket": issued.ticket.display_number},
        )
        self._printer_faulted = True
        ticket_id = issued.ticket.id
        self._db_tasks.submit(
            lambda: self._engine.record_printer_fault(self._kiosk_name, str(error), ticket_id),
            on_error=lambda e: log.error("printer fault not recorded: %s", e),
        )
        if self._current is not None and self._current.ticket.id == ticket_id:
            self._set_print_status(texts.PRINT_FAILED, fault=True)
            self.reprint_button.setVisible(True)
            self._confirm_timer.start(int(self._timings.confirm_after_fault_s * 1000))
        self.print_failed.emit(issued, str(error))

    def reprint(self) -> None:
        """Print the ticket on screen again: the same ticket, recorded as a reprint."""
        issued = self._current
        if issued is None:
            return
        self.reprint_button.setVisible(False)
        self._set_print_status(texts.PRINTING, fault=False)
        self._confirm_timer.start(int(self._timings.confirm_s * 1000))
        self._db_tasks.submit(
            lambda: self._engine.reprint(issued.ticket.id, self._kiosk_name, issued.ticket.token),
            lambda _: self._print(issued),
            lambda error: self._reprint_failed(issued, error),
        )

    def _reprint_failed(self, issued: IssueResult, error: MotcuaError) -> None:
        if isinstance(error, ConflictError | NotFoundError):  # gone: a backup was restored
            log.warning("reprint refused: %s", error)
            self.go_home()
            return
        self._print_failed(issued, error)

    def _set_print_status(self, text: Text, *, fault: bool) -> None:
        self.print_label.setText(_two(text, self.language))
        self.print_label.setProperty("fault", fault)
        self.print_label.style().unpolish(self.print_label)
        self.print_label.style().polish(self.print_label)

    # ------------------------------------------------------------------ going home, idle, exit

    def go_home(self) -> None:
        self._confirm_timer.stop()
        self._current = None
        self._priority = None
        self.qr_label.clear()
        self._qr_pixmap = None
        self.pages.setCurrentIndex(HOME)
        self._render_texts()

    def _idle(self) -> None:
        if self.pages.currentIndex() != HOME or self._priority is not None:
            log.info("idle: back to the home screen")
            self.go_home()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _INPUT_EVENTS:
            self._idle_timer.start(int(self._timings.idle_s * 1000))
        if watched is self.logo:
            if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
                self._logo_hold.start()
            elif kind in (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd):
                self._logo_hold.stop()
        return False

    def ask_exit(self) -> None:
        """Ask for an admin PIN; the right one closes the kiosk."""
        dialog = ExitDialog(self._check_pin, self.language, self)
        if dialog.exec():
            log.info("kiosk closed by %s", dialog.officer_code)
            self._exit_allowed = True
            self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._fullscreen and not self._exit_allowed:
            event.ignore()  # Alt+F4 and the like: citizens cannot leave the kiosk
            return
        QApplication.instance().removeEventFilter(self)  # type: ignore[union-attr]
        self._db_tasks.shutdown()
        self._print_tasks.shutdown()
        super().closeEvent(event)

    def follow(self, feed: ChangeFeed) -> FeedWatcher:
        """Read the tiles again whenever another process (or this one) changes the database."""
        watcher = FeedWatcher(feed, parent=self)
        watcher.batch_received.connect(self._on_feed_batch)
        watcher.start()
        return watcher

    def _on_feed_batch(self, events: Sequence[EventView]) -> None:
        restored = any(e.kind is EventKind.DATABASE_RESTORED for e in events)
        if restored and self._current is not None:
            # The ticket on screen may not exist any more, or its id now means another one.
            log.info("database restored: the confirmation screen is closed")
            self.go_home()
        self.refresh()

    @property
    def board(self) -> Board | None:
        """The tiles and settings read last."""
        return self._board

    # ------------------------------------------------------------------ tests and benchmarks

    def wait_for_tasks(self, timeout_s: float = 10.0) -> None:
        self._db_tasks.wait_idle(timeout_s)
        self._print_tasks.wait_idle(timeout_s)


_INPUT_EVENTS = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.KeyPress,
}


def _label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    return label


class LabelButton(QPushButton):
    """A big button whose two-line text wraps inside it (QPushButton's own text never wraps)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        self.label = _label(f"{name}Label")
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout.addWidget(self.label)

    def setText(self, text: str) -> None:
        self.label.setText(text)
        self.setAccessibleName(text)

    def text(self) -> str:
        return self.label.text()


def _two(text: Text, language: str) -> str:
    big, small = text.pick(language)
    return f"{big}\n{small}"
