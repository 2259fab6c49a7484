"""`motcua display`: the hall display, fullscreen unless --windowed, announcing every call."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QTimer

from display.announcer import CallAnnouncer
from display.window import DisplayWindow
from shared.cli import AppContext
from shared.paths import asset_path, user_cache_dir
from shared.qt.app import application
from shared.qt.tasks import TaskRunner
from shared.queue.feed import ChangeFeed
from shared.rules.domain import EventView
from shared.rules.settings import VoiceOptions
from shared.storage.backup import daily_backup
from shared.storage.database import sqlite_path
from shared.voice.announcement import announcement_text
from shared.voice.speech import SpeechWorker

log = logging.getLogger(__name__)

CHIME = "sounds/chime.wav"


def sentence_for(call: EventView, voice: VoiceOptions) -> str:
    return announcement_text(call.display_number or "", call.counter_number or 0, voice)


def run(ctx: AppContext) -> int:
    app = application("display")
    announcer: CallAnnouncer | None = None
    speech: SpeechWorker | None = None
    if ctx.local.sound.enabled:
        speech = SpeechWorker(user_cache_dir() / "speech")
        speech.start()
        announcer = CallAnnouncer(
            lambda: window.voice,  # the settings the window read last
            sentence_for,
            speech,
            asset_path(CHIME),
            volume=ctx.local.sound.volume,
        )
    window = DisplayWindow(ctx.queries, ctx.clock, announcer)
    window.follow(ChangeFeed(ctx.db))
    _schedule_daily_backups(ctx, window)
    if ctx.local.screen.fullscreen and not getattr(ctx.args, "windowed", False):
        window.showFullScreen()
    else:
        window.resize(1366, 768)
        window.show()
    code = app.exec()
    window.shutdown()
    if announcer is not None:
        announcer.shutdown()
    if speech is not None:
        speech.close()
    return code


def _schedule_daily_backups(ctx: AppContext, window: DisplayWindow) -> None:
    """With [backup] folder set, today's backup is made 5 s after start and checked every hour
    (the display runs all day on the office PC; a backup never blocks it: it runs on a thread)."""
    settings = ctx.local.backup
    database = sqlite_path(ctx.db.url)
    if not settings.folder or database is None:
        return
    folder = Path(settings.folder)
    runner = TaskRunner("backup", window)
    queries = ctx.queries

    def due() -> None:  # the business day is read on the backup's thread too
        runner.submit(
            lambda: daily_backup(
                database, folder, queries.status().business_day, settings.keep_days
            ),
            on_error=lambda error: log.warning("daily backup failed: %s", error),
        )

    timer = QTimer(window)
    timer.timeout.connect(due)
    timer.start(3_600_000)
    QTimer.singleShot(5_000, due)
