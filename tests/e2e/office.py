"""An office of real processes for the end-to-end tests: each app started with `python -m motcua`,
offscreen, writing JSON log lines that the tests read and wait for."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Line = dict[str, Any]

PINS = {"cb01": "1111", "cb02": "2222", "cb03": "3333", "cb04": "4444", "ld01": "9999"}


class App:
    """One app process; its JSON log lines are collected as they come."""

    def __init__(self, name: str, args: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.args = args
        self.env = env
        self.lines: list[Line] = []
        self.other: list[str] = []
        self._lock = threading.Lock()
        self.process = self._start()

    def _start(self) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "motcua", *self.args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env,
        )
        self._reader = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._reader.start()
        return process

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stderr is not None
        for raw in process.stderr:  # until the process ends and its pipe with it
            try:
                line = json.loads(raw)
            except json.JSONDecodeError:
                with self._lock:
                    self.other.append(raw.rstrip())
                continue
            with self._lock:
                self.lines.append(line)

    def events(self, name: str) -> list[Line]:
        with self._lock:
            return [line for line in self.lines if line.get("event") == name]

    def kill(self) -> None:
        """kill -9: no chance to clean up (a crash, a power cut)."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self._reader.join(10)  # the pipe ends with the process
        if self.process.stderr is not None:
            self.process.stderr.close()

    def restart(self) -> None:
        self.process = self._start()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._reader.join(10)
        if self.process.stderr is not None:
            self.process.stderr.close()

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


def environment(**extra: str) -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", **extra}


def kiosk_config(folder: Path) -> Path:
    """This PC's config for the kiosk: tickets printed as PNG files into FOLDER/tickets."""
    path = folder / "kiosk.toml"
    path.write_text(
        f'[printer]\nkind = "image"\nfolder = "{(folder / "tickets").as_posix()}"\n'
        "paper_width = 384\n",
        encoding="utf-8",
    )
    return path


def wait_until(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.05)
