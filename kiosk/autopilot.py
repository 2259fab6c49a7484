"""Citizens played by the program, for the demo and the end-to-end tests.

At a steady pace a "citizen" touches a procedure tile (now and then through the priority path),
reads the confirmation and leaves; the kiosk does the rest exactly as for a real touch.
"""

from __future__ import annotations

import logging
import random

from PySide6.QtCore import QObject, QTimer

from kiosk.window import HOME, KioskWindow

log = logging.getLogger(__name__)


class KioskAutopilot(QObject):
    """Drives one KioskWindow.

    Args:
        window: the kiosk.
        pace_s: the mean time between two citizens.
        priority_share: the share of citizens who take the priority path.
        seed: for a repeatable run.
    """

    def __init__(
        self,
        window: KioskWindow,
        *,
        pace_s: float = 4.0,
        priority_share: float = 0.15,
        seed: int | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._pace_s = pace_s
        self._priority_share = priority_share
        self._random = random.Random(seed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.step)
        window.ticket_issued.connect(lambda _issued: QTimer.singleShot(800, window.go_home))

    def start(self) -> None:
        self._later()

    def _later(self) -> None:
        self._timer.start(int(1000 * self._pace_s * self._random.uniform(0.5, 1.5)))

    def step(self) -> None:
        """One citizen: maybe the priority path, then a procedure that takes tickets."""
        window = self._window
        self._later()
        if window.pages.currentIndex() != HOME or window.board is None:
            return
        open_tiles = [t.service.code for t in window.board.tiles if t.can_issue]
        if not open_tiles:
            return
        categories = window.board.settings.priority.categories
        if categories and self._random.random() < self._priority_share:
            category = self._random.choice(categories)
            window.choose_priority(category.code, category.name_vi, category.name_en)
        window.choose_service(self._random.choice(open_tiles))
