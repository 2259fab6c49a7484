"""Guard against a PySide6 release that loses references to None or True (6.12.0 did).

A window calls void Qt methods and emits signals many times a second; each lost reference brings
Python closer to freeing None, which aborts the process (Python 3.11: "none_dealloc").
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


class _Emitter(QObject):
    changed = Signal(int)


def test_void_calls_and_signal_emits_keep_the_reference_counts_of_none_and_true(
    qtbot: QtBot,
) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    emitter = _Emitter()
    received: list[int] = []
    emitter.changed.connect(received.append)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for index in range(1000):
        label.setText(str(index))
        emitter.changed.emit(index)
    # A little drift from other threads is fine; a thousand lost references is the bug.
    assert abs(sys.getrefcount(None) - none_before) < 50
    assert abs(sys.getrefcount(True) - true_before) < 50
    assert len(received) == 1000
