"""End-to-end tests: the apps as separate processes, offscreen, with a silent audio device."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from audio_support import AUDIO, _stop_pulse_at_the_end  # noqa: F401 - the session fixture
