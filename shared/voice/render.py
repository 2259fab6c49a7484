"""Rendering one sentence to a WAV file with pyttsx3 (espeak-ng here, SAPI5 on Windows), checking
the file, and the cache's file names. Only the speech worker process (shared.voice.speech) and
`motcua announce` call it: pyttsx3 must never be shared between threads or callers."""

from __future__ import annotations

import array
import contextlib
import hashlib
import json
import logging
import os
import sys
import threading
import wave
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.errors import MotcuaError

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

CACHE_FORMAT = 1  # part of every cache key: bump it when the rendering changes
RENDER_TIMEOUT_S = 30.0  # one sentence; espeak-ng renders one in about 0.05 s
ATTEMPTS = 3  # a render whose file fails the checks is tried again
MIN_PEAK = 1000  # of 32767: quieter than this, the file is taken for silence
MIN_DURATION_S = 0.2


class SpeechError(MotcuaError):
    """The speech engine is missing or could not render a sentence."""

    code = "speech"


def cache_key(sentence: str, voice: str, rate: int) -> str:
    """The name (without .wav) of the cached file for a sentence spoken with voice and rate."""
    data = json.dumps([CACHE_FORMAT, sentence, voice, rate], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


def cached_path(cache_dir: Path, sentence: str, voice: str, rate: int) -> Path:
    return cache_dir / f"{cache_key(sentence, voice, rate)}.wav"


def check_wav(path: Path) -> str | None:
    """Why the file is not usable speech (unreadable, empty, silent), or None if it is."""
    try:
        with wave.open(str(path), "rb") as wav:
            width, rate, frames = wav.getsampwidth(), wav.getframerate(), wav.getnframes()
            data = wav.readframes(frames)
    except (OSError, EOFError, wave.Error) as exc:
        return f"unreadable WAV file ({exc})"
    if width != 2:
        return f"unexpected sample width {width}"
    if frames / rate < MIN_DURATION_S:
        return f"too short ({frames / rate:.2f} s)"
    samples = array.array("h", data[: len(data) - len(data) % 2])
    if sys.byteorder == "big":
        samples.byteswap()
    if not samples or max(map(abs, samples)) < MIN_PEAK:
        return "silent"
    return None


def resolve_voice_id(voice: str, voices: Iterable[Any]) -> str | None:
    """The engine's id for one of our voice names ("vi", "vi-vn-x-central", "vi-vn-x-south").

    espeak-ng lists its voices through pyttsx3 by file: "aav/vi", "aav/vi-vn-x-central",
    "aav/vi-vn-x-south". Other engines (SAPI5 on Windows) have their own ids: any Vietnamese voice
    they have stands in for all three names.

    Args:
        voice: our name, or an engine id.
        voices: the engine's voices (objects with id, name and languages).
    """
    wanted = voice.lower()
    listed = list(voices)
    for v in listed:
        if str(v.id).lower() == wanted:
            return str(v.id)
    for v in listed:
        if str(v.id).lower().replace("\\", "/").rsplit("/", 1)[-1] == wanted:
            return str(v.id)
    for v in listed:
        if wanted in (_text(lang).lower() for lang in (v.languages or ())):
            return str(v.id)
    if wanted == "vi" or wanted.startswith("vi-"):
        for v in listed:
            languages = [_text(lang).lower() for lang in (v.languages or ())]
            name = str(v.name or "").lower()
            if any(lang.startswith("vi") for lang in languages) or "vietnam" in name:
                return str(v.id)
    return None


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class Renderer:
    """Owns this process's pyttsx3 engine and renders one sentence at a time (not thread-safe).

    Raises:
        SpeechError: pyttsx3 or its driver cannot start.
    """

    def __init__(self, driver_name: str | None = None) -> None:
        try:
            import pyttsx3  # noqa: PLC0415  (optional at run time: the display works without it)

            with contextlib.redirect_stdout(None):
                self._engine: Any = pyttsx3.init(driver_name)
            self._voices = list(self._engine.getProperty("voices"))
        except Exception as exc:  # pyttsx3 raises anything: ImportError, OSError, RuntimeError
            raise SpeechError(
                f"Không khởi động được bộ đọc pyttsx3 ({exc})", f"cannot start pyttsx3 ({exc})"
            ) from exc
        self.driver = _driver_module(self._engine) or str(driver_name)
        self._finished = threading.Event()
        self._errors: list[str] = []
        self._tokens = [
            self._engine.connect("finished-utterance", self._on_finished),
            self._engine.connect("error", self._on_error),
        ]
        self._settle = _fix_espeak_driver(self._engine) if self.driver == "espeak" else None

    def voice_ids(self, names: Iterable[str]) -> dict[str, str | None]:
        return {name: resolve_voice_id(name, self._voices) for name in names}

    def render(self, sentence: str, voice: str, rate: int, out_path: Path) -> None:
        """Write SENTENCE to OUT_PATH as a checked WAV file (written whole, then renamed).

        Raises:
            SpeechError: the voice is not installed, or no usable file came out.
        """
        voice_id = resolve_voice_id(voice, self._voices)
        if voice_id is None:
            raise SpeechError(
                f"Không có giọng đọc '{voice}' trên máy này",
                f"voice '{voice}' is not installed on this PC",
            )
        temporary = out_path.with_name(f".{out_path.stem}.{os.getpid()}.part.wav")
        problem = "no attempt"
        try:
            for _attempt in range(ATTEMPTS):
                problem = self._render_once(sentence, voice_id, rate, temporary) or ""
                if not problem:
                    os.replace(temporary, out_path)
                    return
        finally:
            temporary.unlink(missing_ok=True)
        raise SpeechError(
            f"Bộ đọc không tạo được tệp âm thanh ({problem})",
            f"the speech engine gave no usable audio ({problem})",
        )

    def _render_once(self, sentence: str, voice_id: str, rate: int, path: Path) -> str | None:
        self._finished.clear()
        self._errors.clear()
        path.unlink(missing_ok=True)
        # pyttsx3's espeak driver prints a line for every file it saves.
        with contextlib.redirect_stdout(None):
            self._engine.setProperty("voice", voice_id)
            self._engine.setProperty("rate", rate)
            self._engine.save_to_file(sentence, str(path))
            self._engine.runAndWait()
            # espeak-ng renders on its own thread: runAndWait() may return before the file is
            # written (measured here: a few files in a hundred could not be opened right after
            # it). Other drivers (SAPI5) have written it when runAndWait() returns.
            wait_s = RENDER_TIMEOUT_S if self._settle is not None else 1.0
            finished = self._finished.wait(wait_s)
            if self._settle is not None:
                self._settle()
        if self._errors:
            return "; ".join(self._errors)
        problem = check_wav(path)
        if problem is not None and not finished:
            return f"no end of utterance after {wait_s:.0f} s ({problem})"
        return problem

    def close(self) -> None:
        for token in self._tokens:
            self._engine.disconnect(token)

    def _on_finished(self, **_kwargs: object) -> None:
        self._finished.set()

    def _on_error(self, exception: BaseException | None = None, **_kwargs: object) -> None:
        self._errors.append(repr(exception))
        self._finished.set()


def _driver_module(engine: Any) -> str:
    """The name of the pyttsx3 driver module behind ENGINE ("espeak", "sapi5", ...)."""
    driver = getattr(getattr(engine, "proxy", None), "_driver", None)
    module = type(driver).__module__ if driver is not None else ""
    return module.rsplit(".", 1)[-1] if module.startswith("pyttsx3.drivers.") else ""


def _fix_espeak_driver(engine: Any) -> Callable[[], object] | None:
    """Make pyttsx3's espeak driver keep the rate it is given; return espeak's wait-until-idle.

    The driver hands the rate to espeak-ng's command queue, and runAndWait() then cancels
    espeak-ng when that queue is still busy; a cancel restores the rate of the previous sentence.
    Measured here, with the rate alternating between two values: 2 runs in 3 lost a change, and a
    lost change can stay lost for several sentences. Waiting for the queue after each property
    change avoids the cancel (0 lost in 400 sentences over 20 worker processes).
    """
    try:
        from pyttsx3.drivers import _espeak  # noqa: PLC0415
    except Exception:  # an espeak driver without its ctypes module: nothing to fix
        return None
    synchronize: Callable[[], object] = _espeak.Synchronize
    driver = getattr(getattr(engine, "proxy", None), "_driver", None)
    set_property = getattr(driver, "setProperty", None)
    if set_property is not None and not getattr(set_property, "_motcua_waits", False):

        def set_and_wait(name: str, value: object) -> None:
            set_property(name, value)
            synchronize()

        set_and_wait._motcua_waits = True  # type: ignore[attr-defined]  # marks the wrapper
        driver.setProperty = set_and_wait  # type: ignore[union-attr]  # driver is not None here
    return synchronize


def render_wav(
    sentence: str, voice: str, rate: int, out_path: Path, *, driver_name: str | None = None
) -> Path:
    """Render one sentence to OUT_PATH (its folder must exist) in this process.

    For the command line: an app uses a SpeechWorker, never an engine in its own process.

    Raises:
        SpeechError: no engine, no such voice, or no usable audio.
    """
    if not sentence.strip():
        raise SpeechError("Câu cần đọc đang trống", "the sentence to speak is empty")
    renderer = Renderer(driver_name)
    try:
        renderer.render(sentence, voice, rate, out_path)
    finally:
        renderer.close()
    return out_path
