"""Announces calls aloud, one after the other: the chime, then the sentence, repeated.

Announcements queue up and never cut each other off. The sentence is rendered to a WAV file on a
worker thread (by the speech worker process, cached by sentence) while the chime plays, and played
with Qt Multimedia. Without a speech engine the display plays the chime only; without an audio
device it stays silent; either way it logs one clear warning and keeps showing every call.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtMultimedia import QMediaDevices, QSoundEffect

from shared.errors import MotcuaError
from shared.qt.tasks import TaskRunner
from shared.rules.domain import EventKind, EventView
from shared.rules.settings import VoiceOptions

log = logging.getLogger(__name__)

_WARMUP_SENTENCE = "Xin kính chào quý công dân"
GAP_MS = 700  # between two readings of the same sentence
STEP_TIMEOUT_MS = 30_000  # a sound that never ends does not block the queue


class SpeechRenderer(Protocol):
    """Turns a sentence into a WAV file (blocking; called on a worker thread)."""

    def render(self, sentence: str, voice: VoiceOptions) -> Path | None: ...


SentenceFor = Callable[[EventView, VoiceOptions], str]


class CallAnnouncer(QObject):
    """Plays each call's announcement in order.

    Args:
        voice: the current voice options (read at each announcement: settings can change).
        sentence_for: the sentence for a call with those options.
        speech: renders sentences; None: chime only.
        chime: the chime WAV; None: no chime.
        volume: 0..1.

    Signals:
        started(EventView): the announcement begins (the chime starts).
        speech_started(EventView): the sentence starts playing.
        finished(EventView): the announcement is over; the next one may start.
    """

    started = Signal(object)
    speech_started = Signal(object)
    finished = Signal(object)

    def __init__(
        self,
        voice: Callable[[], VoiceOptions],
        sentence_for: SentenceFor,
        speech: SpeechRenderer | None,
        chime: Path | None,
        *,
        volume: float = 0.9,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._voice = voice
        self._sentence_for = sentence_for
        self._speech = speech
        self._chime = chime if chime is not None and chime.exists() else None
        self._queue: deque[EventView] = deque()
        self._current: EventView | None = None
        self._wav: Path | None = None
        self._wav_ready = False
        self._chime_done = False
        self._readings_left = 0
        self._warned: set[str] = set()
        self._renderer = TaskRunner("speech", self)
        self._playing: str | None = None  # "chime" | "speech"
        self._effects: dict[str, QSoundEffect] = {}
        self._pending_play: QSoundEffect | None = None
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._sound_ended)
        if not QMediaDevices.audioOutputs():
            self._warn_once("audio", "no audio output device: calls are shown, not announced")
        else:
            # QSoundEffect, not QMediaPlayer: it starts a WAV in milliseconds where the media
            # player took 1.6-2 s per sound here. One effect per kind of sound, reused.
            for what in ("chime", "speech"):
                effect = QSoundEffect(self)
                effect.setVolume(volume)
                effect.playingChanged.connect(lambda e=effect, w=what: self._playing_changed(e, w))
                effect.statusChanged.connect(lambda e=effect: self._effect_status(e))
                self._effects[what] = effect
            if self._chime is not None:
                # Open the audio device now with a silent chime (the first sound opened it
                # 0.6 s late here), and load the real one.
                self._warmup = QSoundEffect(self)
                self._warmup.setVolume(0.0)
                self._warmup.statusChanged.connect(self._warm_up)
                self._warmup.setSource(QUrl.fromLocalFile(str(self._chime)))
                self._effects["chime"].setSource(QUrl.fromLocalFile(str(self._chime)))
        if speech is None:
            self._warn_once("speech", "no speech engine: calls get the chime only")

    @property
    def audible(self) -> bool:
        return bool(self._effects)

    @property
    def busy(self) -> bool:
        return self._current is not None

    def warm_up(self) -> None:
        """Render one sentence now, so the speech engine has loaded its voice before the first
        call (the display calls it once it has read the settings)."""
        speech = self._speech
        if speech is not None and self._effects:
            voice = self._voice()
            self._renderer.submit(lambda: speech.render(_WARMUP_SENTENCE, voice))

    def announce(self, call: EventView) -> None:
        """Queue CALL; it plays after every announcement queued before it."""
        self._queue.append(call)
        if self._current is None:
            self._start_next()

    # ------------------------------------------------------------------ one announcement

    def _start_next(self) -> None:
        if not self._queue:
            self._current = None
            return
        call = self._queue.popleft()
        self._current = call
        voice = self._voice()
        self._wav, self._wav_ready, self._chime_done = None, False, False
        self._readings_left = max(1, voice.repeat)
        self.started.emit(call)
        if not self._effects:  # silent display: the call is over at once
            QTimer.singleShot(0, lambda: self._finish(call))
            return
        if self._speech is not None:
            sentence = self._sentence_for(call, voice)
            speech = self._speech
            self._renderer.submit(
                lambda: speech.render(sentence, voice),
                lambda path: self._rendered(call, path),
                lambda error: self._render_failed(call, error),
            )
        else:
            self._wav_ready = True
        if self._chime is not None:
            self._play("chime", self._chime)
        else:
            self._chime_done = True
            self._maybe_speak()

    def _rendered(self, call: EventView, path: Path | None) -> None:
        if call is not self._current:
            return
        if path is None:
            self._warn_once("render", "the speech engine gave no audio: chime only")
        self._wav, self._wav_ready = path, True
        self._maybe_speak()

    def _render_failed(self, call: EventView, error: MotcuaError) -> None:
        self._warn_once("render", f"speech failed ({error}): chime only")
        self._rendered(call, None)

    def _maybe_speak(self) -> None:
        if self._current is None or not (self._chime_done and self._wav_ready):
            return
        if self._wav is None or self._readings_left <= 0:
            self._finish(self._current)
            return
        self._readings_left -= 1
        self._play("speech", self._wav)

    def _play(self, what: str, path: Path) -> None:
        effect = self._effects[what]
        self._playing = what
        self._watchdog.start(STEP_TIMEOUT_MS)
        url = QUrl.fromLocalFile(str(path))
        if effect.source() == url and effect.status() is QSoundEffect.Status.Ready:
            effect.play()
            return
        self._pending_play = effect  # plays once loaded (_effect_status)
        if effect.source() != url:
            effect.setSource(url)
        elif effect.status() is QSoundEffect.Status.Error:
            self._effect_status(effect)

    def _effect_status(self, effect: QSoundEffect) -> None:
        status = effect.status()
        if status is QSoundEffect.Status.Ready and self._pending_play is effect:
            self._pending_play = None
            effect.play()
        elif status is QSoundEffect.Status.Error:
            self._warn_once("player", f"cannot play {effect.source().toLocalFile()}")
            if self._pending_play is effect:
                self._pending_play = None
            if self._playing is not None and self._effects.get(self._playing) is effect:
                self._sound_ended()

    def _warm_up(self) -> None:
        if self._warmup.status() is QSoundEffect.Status.Ready:
            self._warmup.play()

    def _playing_changed(self, effect: QSoundEffect, what: str) -> None:
        if effect.isPlaying():
            if what == "speech":
                self._speech_began()
        elif self._playing == what:
            self._sound_ended()

    def _speech_began(self) -> None:
        call = self._current
        if call is not None and self._readings_left == max(1, self._voice().repeat) - 1:
            log.info(
                "announcement played",
                extra={
                    "event": "announcement_played",
                    "event_id": call.id,
                    "ticket": call.display_number,
                    "counter": call.counter_number,
                    "recall": call.kind is EventKind.TICKET_RECALLED,
                },
            )
            self.speech_started.emit(call)

    def _sound_ended(self) -> None:
        self._watchdog.stop()
        what, self._playing = self._playing, None
        if what == "chime":
            self._chime_done = True
            self._maybe_speak()
        elif what == "speech":
            if self._readings_left > 0:
                QTimer.singleShot(GAP_MS, self._maybe_speak)
            else:
                self._maybe_speak()

    def _finish(self, call: EventView) -> None:
        if call is not self._current:
            return
        self.finished.emit(call)
        self._start_next()

    def _warn_once(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            log.warning(message)

    def shutdown(self) -> None:
        for effect in self._effects.values():
            effect.playingChanged.disconnect()
            effect.statusChanged.disconnect()
            effect.stop()
        self._renderer.shutdown()
