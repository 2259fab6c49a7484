"""`motcua supervisor`: live waiting times, alerts, audit, reports and administration."""

from __future__ import annotations

from shared.cli import AppContext
from shared.office.sessions import CounterSessions
from shared.qt.app import application
from shared.qt.feed_watcher import FeedWatcher
from shared.queue.feed import ChangeFeed
from supervisor.window import SupervisorWindow

WINDOW_SIZE = (1366, 768)


def run(ctx: AppContext) -> int:
    app = application("supervisor")
    watcher = FeedWatcher(ChangeFeed(ctx.db))
    window = SupervisorWindow(
        ctx.db,
        ctx.queries,
        CounterSessions(ctx.db, ctx.clock),
        ctx.admin,
        ctx.clock,
        watcher=watcher,
    )
    watcher.setParent(window)
    watcher.start()
    window.resize(*WINDOW_SIZE)
    window.showMaximized()
    code = app.exec()
    watcher.stop()
    return code
