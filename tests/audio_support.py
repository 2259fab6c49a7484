"""A silent audio device for the tests: a PulseAudio null sink (plays into nothing, in real time).

Qt Multimedia needs an audio server to play anything. Imported by the conftest of the test folders
that start windows, before Qt looks for devices; stopped at the end if this run started it.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

import pytest


def pulse_running() -> bool:
    if shutil.which("pactl") is None:
        return False
    return subprocess.run(["pactl", "info"], capture_output=True, check=False).returncode == 0


def start_null_sink() -> bool:
    """Start PulseAudio with a null sink unless one runs; True if this call started it."""
    if shutil.which("pulseaudio") is None or pulse_running():
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
    return pulse_running()


def stop() -> None:
    subprocess.run(["pulseaudio", "--kill"], capture_output=True, check=False)


_STARTED = start_null_sink()
AUDIO = pulse_running()


@pytest.fixture(scope="session", autouse=True)
def _stop_pulse_at_the_end() -> Iterator[None]:
    """Imported by the conftest of each folder that opens windows."""
    yield
    if _STARTED:
        stop()
