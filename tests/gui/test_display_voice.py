"""The display's voice: real espeak-ng through the speech worker, played on a PulseAudio null sink.

Announcements queue up in call order and never cut each other off; without speech the display plays
the chime only, without an audio device it stays silent; it shows every call either way.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import multiprocessing as mp
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from audio_support import AUDIO
from pytestqt.qtbot import QtBot

from display.announcer import CallAnnouncer
from display.app import CHIME, sentence_for
from display.window import DisplayTimings, DisplayWindow
from shared.clock import SystemClock
from shared.office.admin import OfficeAdmin
from shared.paths import asset_path
from shared.queue.engine import QueueEngine
from shared.queue.feed import ChangeFeed
from shared.queue.queries import QueueQueries
from shared.rules.domain import EventKind, EventView
from shared.rules.numbering import NumberingFormat
from shared.rules.settings import VoiceOptions
from shared.storage.database import open_database, sqlite_url
from shared.storage.schema import upgrade
from shared.voice.speech import SpeechWorker

pytestmark = pytest.mark.skipif(not AUDIO, reason="needs PulseAudio (scripts/setup installs it)")

VOICE = VoiceOptions(repeat=1, rate=200)
AT = dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC)


def call(event_id: int, number: str, counter: int, *, recall: bool = False) -> EventView:
    kind = EventKind.TICKET_RECALLED if recall else EventKind.TICKET_CALLED
    return EventView(event_id, kind, AT, AT.date(), event_id, number, counter, None, "CT")


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SpeechWorker]:
    worker = SpeechWorker(tmp_path_factory.mktemp("speech"))
    worker.start()
    assert worker.wait_ready() is True
    yield worker
    worker.close()


def test_calls_are_announced_in_order_one_after_the_other_with_real_speech(
    qtbot: QtBot, speech: SpeechWorker
) -> None:
    announcer = CallAnnouncer(lambda: VOICE, sentence_for, speech, asset_path(CHIME))
    assert announcer.audible
    log: list[tuple[str, int]] = []
    announcer.started.connect(lambda c: log.append(("started", c.id)))
    announcer.speech_started.connect(lambda c: log.append(("speech", c.id)))
    announcer.finished.connect(lambda c: log.append(("finished", c.id)))
    for event in (call(1, "1001", 1), call(2, "2001", 3), call(3, "1001", 1, recall=True)):
        announcer.announce(event)
    qtbot.waitUntil(lambda: ("finished", 3) in log, timeout=60_000)
    assert log == [
        (what, event_id) for event_id in (1, 2, 3) for what in ("started", "speech", "finished")
    ]
    announcer.shutdown()


def test_without_speech_the_chime_still_plays_and_one_warning_is_logged(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        announcer = CallAnnouncer(lambda: VOICE, sentence_for, None, asset_path(CHIME))
    finished: list[int] = []
    speech_started: list[int] = []
    announcer.finished.connect(lambda c: finished.append(c.id))
    announcer.speech_started.connect(lambda c: speech_started.append(c.id))
    announcer.announce(call(1, "1001", 1))
    announcer.announce(call(2, "1002", 2))
    qtbot.waitUntil(lambda: finished == [1, 2], timeout=20_000)
    assert speech_started == []
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["no speech engine: calls get the chime only"]
    announcer.shutdown()


def test_the_sentence_follows_the_voice_options() -> None:
    south = sentence_for(call(1, "1005", 2), VoiceOptions())
    assert south == "Mời công dân có số thứ tự một ngàn không trăm lẻ năm đến quầy số hai"


_SILENT_DISPLAY = """
import json, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import logging
logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(message)s")
import datetime as dt
from display.announcer import CallAnnouncer
from display.app import CHIME, sentence_for
from display.window import DisplayTimings, DisplayWindow
from shared.office.admin import OfficeAdmin
from shared.clock import SystemClock
from shared.storage.database import open_database, sqlite_url
from shared.rules.domain import EventKind, EventView
from shared.queue.engine import QueueEngine
from shared.queue.feed import ChangeFeed
from shared.rules.numbering import NumberingFormat
from shared.paths import asset_path
from shared.queue.queries import QueueQueries
from shared.storage.schema import upgrade
from shared.qt.app import application
from shared.rules.settings import VoiceOptions
app = application("test")
done = []
announcer = CallAnnouncer(VoiceOptions, sentence_for, None, asset_path(CHIME))
announcer.finished.connect(lambda c: done.append(c.id))
at = dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC)
for i in (1, 2):
    kind = EventKind.TICKET_CALLED
    announcer.announce(EventView(i, kind, at, at.date(), i, f"100{i}", i, None, "CT"))
for _ in range(200):
    app.processEvents()
print(json.dumps({"audible": announcer.audible, "finished": done}))
"""


def test_without_an_audio_device_the_display_stays_silent_and_goes_on(tmp_path: Path) -> None:
    env = {**os.environ, "PULSE_SERVER": f"unix:{tmp_path}/no-such-socket"}
    run = subprocess.run(
        [sys.executable, "-c", _SILENT_DISPLAY],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.strip().splitlines()[-1]) == {"audible": False, "finished": [1, 2]}
    assert run.stderr.count("no audio output device") == 1


def _call_everywhere(url: str) -> None:
    db = open_database(url)
    engine = QueueEngine(db, SystemClock())
    for _ in range(3):
        engine.issue_ticket("CT")
    for counter in (1, 2, 3):  # three counters in the same second
        engine.call_next(counter)
    db.dispose()


def test_calls_of_several_counters_in_one_second_from_another_process_are_all_announced_in_order(
    qtbot: QtBot, speech: SpeechWorker, tmp_path: Path
) -> None:
    url = sqlite_url(tmp_path / "voice.db")
    db = open_database(url, create=True)
    upgrade(db)
    clock = SystemClock()
    admin = OfficeAdmin(db, clock)
    admin.add_service("CT", "Cư trú", "Residence", NumberingFormat.parse("1001-1999"))
    for number in (1, 2, 3):
        admin.add_counter(number)
        QueueEngine(db, clock).open_counter(number)
    announcer = CallAnnouncer(lambda: VOICE, sentence_for, speech, asset_path(CHIME))
    window = DisplayWindow(QueueQueries(db, clock), clock, announcer, DisplayTimings(0.05))
    qtbot.addWidget(window)
    window.follow(ChangeFeed(db))
    spoken: list[tuple[str, int]] = []
    announcer.speech_started.connect(lambda c: spoken.append((c.display_number, c.counter_number)))
    worker = mp.get_context("spawn").Process(target=_call_everywhere, args=(url,))
    worker.start()
    worker.join(60)
    assert worker.exitcode == 0
    qtbot.waitUntil(lambda: len(spoken) == 3, timeout=60_000)
    assert spoken == [("1001", 1), ("1002", 2), ("1003", 3)]
    announcer.shutdown()
    window.shutdown()
    db.dispose()
