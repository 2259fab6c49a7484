"""`motcua counter [--counter N]`: the counter window of a generalist officer."""

from __future__ import annotations

from counter.window import CounterWindow
from shared.cli import AppContext
from shared.feed import ChangeFeed
from shared.qt.app import application
from shared.qt.feed_watcher import FeedWatcher
from shared.sessions import CounterSessions

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
    # A normal window, maximized: the officer also works in the dossier system on the same PC.
    window.resize(*WINDOW_SIZE)
    window.showMaximized()
    code = app.exec()
    watcher.stop()
    return code
