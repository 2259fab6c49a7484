"""`motcua counter [--counter N]`: the counter window of a generalist officer."""

from __future__ import annotations

import os

from counter.autopilot import CounterAutopilot
from counter.window import CounterWindow
from shared.cli import AppContext
from shared.errors import InvalidInputError
from shared.office.sessions import CounterSessions
from shared.qt.app import application
from shared.qt.feed_watcher import FeedWatcher
from shared.queue.feed import ChangeFeed

WINDOW_SIZE = (1366, 768)


def run(ctx: AppContext) -> int:
    app = application("counter")
    counter_number = getattr(ctx.args, "counter", None) or ctx.local.counter_number
    watcher = FeedWatcher(ChangeFeed(ctx.db))
    window = CounterWindow(
        ctx.engine,
        ctx.queries,
        CounterSessions(ctx.db, ctx.clock),
        watcher,
        ctx.clock,
        counter_number=counter_number,
    )
    watcher.setParent(window)
    watcher.start()
    pace = getattr(ctx.args, "autopilot", None)
    if pace:
        _start_autopilot(ctx, window, counter_number, pace)
    # A normal window, maximized: the officer also works in the dossier system on the same PC.
    window.resize(*WINDOW_SIZE)
    window.showMaximized()
    code = app.exec()
    watcher.stop()
    return code


def _start_autopilot(
    ctx: AppContext, window: CounterWindow, counter_number: int | None, pace: float
) -> None:
    """The demo's officer: --officer CODE, the PIN from $MOTCUA_PIN (never a command argument)."""
    officer = getattr(ctx.args, "officer", None)
    pin = os.environ.get("MOTCUA_PIN", "")
    if not officer or not pin or counter_number is None:
        raise InvalidInputError(
            "--autopilot cần --counter, --officer và biến môi trường MOTCUA_PIN",
            "--autopilot needs --counter, --officer and the MOTCUA_PIN environment variable",
        )
    CounterAutopilot(window, officer, pin, counter_number, pace_s=pace).start()
