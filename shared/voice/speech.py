"""Offline speech: one worker process owns the pyttsx3 engine and renders sentences to WAV files.

pyttsx3 is unsafe to share: init() returns one engine per process, concurrent runAndWait() calls
fail, say() blocks on the audio device, and a finished save_to_file() leaks into later calls. So
the hall display never speaks through it directly: a SpeechWorker process renders one sentence at a
time, from a queue, into a cache folder keyed by (sentence, voice, rate), and the display plays the
files. A sentence is rendered once. Without pyttsx3, espeak-ng or the voice, the worker reports
the engine unavailable, one warning is logged and callers get None (the display plays the chime).

The worker uses the "spawn" start method on every platform (a fresh interpreter, as on Windows,
where pyttsx3 drives SAPI5), so an app that starts one must guard its entry point with
``if __name__ == "__main__":``.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import queue
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.rules.settings import VOICES, VoiceOptions
from shared.voice.render import (
    RENDER_TIMEOUT_S,
    Renderer,
    SpeechError,
    cached_path,
)

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess
    from multiprocessing.queues import Queue

log = logging.getLogger(__name__)

START_TIMEOUT_S = 60.0  # the worker's interpreter, pyttsx3 and the engine
MAX_FILES = 500  # cached sentences kept (about 220 kB each); the oldest go first
STALE_PART_S = 600  # a temporary file this old was left by a worker that died


@dataclass(frozen=True, slots=True)
class SpeechResult:
    """The answer to one request.

    Attributes:
        request_id: the id request() returned.
        path: the rendered WAV file in the cache folder; None when there is none.
        error: why there is no file (English, for the log); None on success.
    """

    request_id: int
    path: Path | None
    error: str | None


# ---------------------------------------------------------------------------- the worker process


@dataclass(frozen=True, slots=True)
class _WorkerConfig:
    cache_dir: str
    driver_name: str | None
    voice_names: tuple[str, ...]
    max_files: int


def _worker_main(
    requests: Queue[tuple[int, str, str, int] | None],
    results: Queue[tuple[Any, ...]],
    config: _WorkerConfig,
) -> None:
    """The worker process: answers requests in order until None arrives or the parent is gone."""
    folder = Path(config.cache_dir)
    _remove_stale_parts(folder)
    renderer: Renderer | None = None
    reason = ""
    try:
        renderer = Renderer(config.driver_name)
    except SpeechError as exc:
        reason = exc.en
        results.put(("status", False, reason, {}))
    else:
        results.put(("status", True, renderer.driver, renderer.voice_ids(config.voice_names)))
    parent = multiprocessing.parent_process()
    while True:
        try:
            item = requests.get(timeout=1.0)
        except queue.Empty:
            if parent is not None and not parent.is_alive():
                break
            continue
        if item is None:
            break
        request_id, sentence, voice, rate = item
        target = cached_path(folder, sentence, voice, rate)
        if renderer is not None and not target.exists():
            _prune(folder, config.max_files - 1)  # room for the new file
        path, error = _answer(renderer, reason, target, item)
        results.put(("result", request_id, path, error))
    if renderer is not None:
        renderer.close()


def _answer(
    renderer: Renderer | None, reason: str, target: Path, item: tuple[int, str, str, int]
) -> tuple[str | None, str | None]:
    """(path, error) for one request: the cached file, a new one, or why there is none."""
    _, sentence, voice, rate = item
    if target.exists():  # complete: files are renamed into place once checked
        return str(target), None
    if renderer is None:
        return None, f"speech unavailable: {reason}"
    try:
        renderer.render(sentence, voice, rate, target)
    except SpeechError as exc:
        return None, exc.en
    except Exception as exc:  # one bad sentence must not stop the announcements
        return None, f"unexpected error: {exc!r}"
    return str(target), None


def _prune(folder: Path, max_files: int) -> None:
    """Delete the oldest cached files beyond MAX_FILES (one deleted is rendered again if needed)."""
    files = list(folder.glob("[!.]*.wav"))
    if len(files) <= max_files:
        return
    files.sort(key=_mtime)
    for old in files[: len(files) - max_files]:
        old.unlink(missing_ok=True)


def _remove_stale_parts(folder: Path) -> None:
    now = time.time()
    for part in folder.glob(".*.part.wav"):
        if now - _mtime(part) / 1e9 > STALE_PART_S:
            part.unlink(missing_ok=True)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:  # deleted meanwhile
        return 0


class SpeechWorker:
    """Renders sentences to cached WAV files in a separate process, one at a time, in order.

    Use start() once, request() for each sentence, then poll() or get() for the results (or the
    blocking render()), and close() at the end (or use it as a context manager). Results come
    back in the order of the requests. Thread-safe.

    Args:
        cache_dir: where the WAV files are kept (created if missing).
        driver_name: pyttsx3's driver; None for the platform's default (espeak on Linux).
        max_files: how many rendered sentences the cache keeps; the oldest are deleted first.
    """

    def __init__(
        self, cache_dir: Path, *, driver_name: str | None = None, max_files: int = MAX_FILES
    ) -> None:
        self.cache_dir = Path(cache_dir)
        self._driver_name = driver_name
        self._max_files = max(1, max_files)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._ready: deque[SpeechResult] = deque()
        self._pending: list[int] = []
        self._abandoned: set[int] = set()  # render() gave up on them: their results are dropped
        self._warned: set[str] = set()
        self._available: bool | None = None
        self._voice_ids: dict[str, str | None] = {}
        self._process: BaseProcess | None = None
        self._requests: Queue[tuple[int, str, str, int] | None] | None = None
        self._results: Queue[tuple[Any, ...]] | None = None

    @property
    def available(self) -> bool | None:
        """True once the engine started, False if it cannot, None while not known yet."""
        return self._available

    @property
    def voice_ids(self) -> dict[str, str | None]:
        """The engine's id for each of our voice names (None: not installed); empty until ready."""
        return dict(self._voice_ids)

    @property
    def pid(self) -> int | None:
        """The worker process's id while it runs."""
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        """Start the worker process (it reports whether the engine works shortly after)."""
        if self._process is not None:
            raise RuntimeError("the speech worker is already started")
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        context = multiprocessing.get_context("spawn")
        self._requests = context.Queue()
        self._results = context.Queue()
        self._process = context.Process(
            target=_worker_main,
            args=(
                self._requests,
                self._results,
                _WorkerConfig(str(self.cache_dir), self._driver_name, VOICES, self._max_files),
            ),
            name="motcua-speech",
            daemon=True,
        )
        self._process.start()

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> bool | None:
        """Wait until the worker says whether the engine works; return available."""
        deadline = time.monotonic() + timeout
        while self._available is None and time.monotonic() < deadline:
            self._fetch(min(0.1, max(0.0, deadline - time.monotonic())))
        return self._available

    def request(self, sentence: str, voice: str, rate: int) -> int:
        """Queue a sentence; return the id its result will carry.

        Raises:
            ValueError: the sentence is empty.
            RuntimeError: the worker was not started, or is closed.
        """
        if not sentence.strip():
            raise ValueError("the sentence to speak is empty")
        if self._process is None or self._requests is None:
            raise RuntimeError("start the speech worker before requesting sentences")
        with self._lock:
            request_id = next(self._ids)
            self._pending.append(request_id)
            if self._process.is_alive():
                self._requests.put((request_id, sentence, voice, rate))
        return request_id

    def poll(self) -> list[SpeechResult]:
        """The results that have arrived, without waiting."""
        while self._fetch(0.0):
            pass
        with self._lock:
            done = list(self._ready)
            self._ready.clear()
        return done

    def get(self, timeout: float | None = None) -> SpeechResult | None:
        """The next result, waiting up to TIMEOUT seconds (None: as long as it takes)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                if self._ready:
                    return self._ready.popleft()
            left = 0.1 if deadline is None else min(0.1, deadline - time.monotonic())
            if left <= 0:
                return None
            self._fetch(left)

    def render(
        self, sentence: str, voice: VoiceOptions, timeout: float = RENDER_TIMEOUT_S
    ) -> Path | None:
        """Render SENTENCE with VOICE and wait for the file (blocking: not on the GUI thread).

        Returns None (after logging one warning per kind of failure) when there is no audio.
        """
        request_id = self.request(sentence, voice.voice, voice.rate)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for result in self._ready:
                    if result.request_id == request_id:
                        self._ready.remove(result)
                        return result.path
            self._fetch(min(0.1, max(0.0, deadline - time.monotonic())))
        with self._lock:
            self._abandoned.add(request_id)
        self._warn_once("timeout", f"speech: no audio after {timeout:.0f} s")
        return None

    def close(self, timeout: float = 5.0) -> None:
        """Stop the worker after the sentence it is rendering; pending requests are dropped."""
        process, requests, results = self._process, self._requests, self._results
        if process is None or requests is None or results is None:
            return
        if process.is_alive():
            with contextlib.suppress(OSError, ValueError):
                requests.put(None)
            process.join(timeout)
        if process.is_alive():
            process.terminate()
            process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join()
        for channel in (requests, results):
            channel.cancel_join_thread()
            channel.close()
        process.close()
        with self._lock:
            self._process = self._requests = self._results = None
            self._pending.clear()

    def __enter__(self) -> SpeechWorker:
        if self._process is None:
            self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------------------ internals

    def _fetch(self, timeout: float) -> bool:
        """Read one message from the worker; False if none came within TIMEOUT seconds."""
        results, process = self._results, self._process
        if results is None or process is None:
            return False
        try:
            message = results.get(timeout=timeout) if timeout > 0 else results.get_nowait()
        except queue.Empty:
            if not process.is_alive():
                self._worker_gone()
            return False
        except (OSError, ValueError, EOFError):  # closed meanwhile
            return False
        if message[0] == "status":
            _, available, detail, voice_ids = message
            self._voice_ids = dict(voice_ids)
            self._available = bool(available)
            if available:
                log.info(
                    "speech worker ready",
                    extra={"event": "speech_ready", "driver": detail, "voices": voice_ids},
                )
            else:
                self._warn_once("unavailable", f"no speech ({detail}): calls get the chime only")
            return True
        _, request_id, path, error = message
        result = SpeechResult(request_id, Path(path) if path else None, error)
        with self._lock:
            if request_id in self._pending:
                self._pending.remove(request_id)
            if request_id in self._abandoned:
                self._abandoned.discard(request_id)
            else:
                self._ready.append(result)
        if error is not None and self._available is not False:
            self._warn_once(error, f"speech: {error}")
        return True

    def _worker_gone(self) -> None:
        """The process ended on its own: every pending request fails, in order."""
        with self._lock:
            lost, self._pending = self._pending, []
            self._ready.extend(SpeechResult(i, None, "the speech worker stopped") for i in lost)
        if self._available is None:
            self._available = False
        self._warn_once("gone", "the speech worker stopped: calls get the chime only")

    def _warn_once(self, key: str, message: str) -> None:
        with self._lock:
            if key in self._warned:
                return
            self._warned.add(key)
        log.warning(message)
