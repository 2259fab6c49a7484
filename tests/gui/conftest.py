"""GUI tests run offscreen, with a silent audio device when PulseAudio is installed.

Without QT_QPA_PLATFORM=offscreen pytest-qt aborts when there is no display."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from audio_support import AUDIO, _stop_pulse_at_the_end  # noqa: F401 - the session fixture
