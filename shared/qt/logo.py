"""The office's logo (a setting every PC shares) as a Qt picture."""

from __future__ import annotations

import base64
import binascii

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap


def logo_pixmap(encoded: str, side: int) -> QPixmap | None:
    """The logo scaled to SIDE pixels at most, or None when there is none (or it is unreadable)."""
    if not encoded:
        return None
    try:
        data = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        return None
    pixmap = QPixmap()
    if not pixmap.loadFromData(data, "PNG"):
        return None
    return pixmap.scaled(
        side, side, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
