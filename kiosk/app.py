"""`motcua kiosk`: the touchscreen ticket kiosk, fullscreen unless --windowed."""

from __future__ import annotations

import socket

from kiosk.autopilot import KioskAutopilot
from kiosk.exit_dialog import PinChecker
from kiosk.printing import TicketOutput
from kiosk.window import KioskWindow
from shared.cli import AppContext
from shared.qt.app import application
from shared.queue.feed import ChangeFeed


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
    # The tiles are read whole at start, then again on every change.
    window.follow(ChangeFeed(ctx.db))
    pace = getattr(ctx.args, "autopilot", None)
    if pace:
        KioskAutopilot(window, pace_s=pace).start()
    if fullscreen:
        window.showFullScreen()
    else:
        window.resize(1280, 800)
        window.show()
    return app.exec()
