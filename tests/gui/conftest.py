"""GUI tests run offscreen, with a silent audio device when PulseAudio is installed.

Without QT_QPA_PLATFORM=offscreen pytest-qt aborts when there is no display. Qt Multimedia needs an
audio server to play anything: a PulseAudio null sink (a device that plays into nothing, in real
time) is started for the session before Qt looks for devices, and stopped at the end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _pulse_running() -> bool:
    if shutil.which("pactl") is None:
        return False
    return subprocess.run(["pactl", "info"], capture_output=True, check=False).returncode == 0


def _start_null_sink() -> bool:
    """Start PulseAudio with a null sink unless one runs; True if this session started it."""
    if shutil.which("pulseaudio") is None or _pulse_running():
        return False
    subprocess.run(
        [
            "pulseaudio",
            "--daemonize=yes",
            "--exit-idle-time=-1",
            "--log-target=stderr",
            "--load=module-null-sink sink_name=motcua_test",
        ],
        capture_output=True,
        check=False,
    )
    return _pulse_running()


_STARTED_PULSE = _start_null_sink()
AUDIO = _pulse_running()


@pytest.fixture(scope="session", autouse=True)
def _stop_pulse_at_the_end() -> Iterator[None]:
    yield
    if _STARTED_PULSE:
        subprocess.run(["pulseaudio", "--kill"], capture_output=True, check=False)
