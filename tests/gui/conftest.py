"""GUI tests run offscreen, with a silent audio device when PulseAudio is installed.

Without QT_QPA_PLATFORM=offscreen pytest-qt aborts when there is no display.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from audio_support import pulse_running, start_null_sink, stop

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_STARTED_PULSE = start_null_sink()
AUDIO = pulse_running()


@pytest.fixture(scope="session", autouse=True)
def _stop_pulse_at_the_end() -> Iterator[None]:
    yield
    if _STARTED_PULSE:
        stop()
