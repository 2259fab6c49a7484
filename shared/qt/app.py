"""The QApplication every motcua window runs in: bundled Vietnamese fonts, one style."""

from __future__ import annotations

import logging
import sys

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from shared.paths import asset_path

log = logging.getLogger(__name__)

FONT_FAMILY = "DejaVu Sans"
_FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")


def application(name: str) -> QApplication:
    """The running QApplication, created if needed, with the fonts of shared/assets/fonts loaded.

    The fonts ship with motcua, so every letter of Vietnamese draws the same on any PC, even one
    without fonts installed (Qt draws empty boxes then, and says nothing).
    """
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName(f"motcua-{name}")
    for file in _FONTS:
        if QFontDatabase.addApplicationFont(str(asset_path(f"fonts/{file}"))) < 0:
            log.warning("cannot load the bundled font %s", file)
    app.setFont(QFont(FONT_FAMILY, 12))
    return app
