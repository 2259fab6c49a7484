"""`motcua kiosk`: the touchscreen ticket kiosk, fullscreen unless --windowed."""

from __future__ import annotations

import socket

from kiosk.exit_dialog import PinChecker
from kiosk.printing import TicketOutput
from kiosk.window import KioskWindow
from shared.cli import AppContext
from shared.feed import ChangeFeed
from shared.qt.app import application
from shared.qt.feed_watcher import FeedWatcher


def run(ctx: AppContext) -> int:
    app = application("kiosk")
    fullscreen = ctx.local.screen.fullscreen and not getattr(ctx.args, "windowed", False)
    name = getattr(ctx.args, "name", None) or f"kiosk-{socket.gethostname()}"
    window = KioskWindow(
        ctx.db,
        ctx.engine,
        ctx.clock,
        TicketOutput(ctx.local.printer),
        kiosk_name=name,
        check_pin=PinChecker(ctx.db, ctx.clock),
        fullscreen=fullscreen,
        language=ctx.local.screen.language,
    )
    # Start from the last event: the tiles are read whole at start, then on every change.
    feed = ChangeFeed(ctx.db)
    watcher = FeedWatcher(feed, parent=window)
    watcher.batch_received.connect(lambda _events: window.refresh())
    watcher.start()
    if fullscreen:
        window.showFullScreen()
    else:
        window.resize(1280, 800)
        window.show()
    return app.exec()
