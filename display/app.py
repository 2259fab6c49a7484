"""`motcua display`: the hall display, fullscreen unless --windowed."""

from __future__ import annotations

from display.window import DisplayWindow
from shared.cli import AppContext
from shared.feed import ChangeFeed
from shared.qt.app import application


def run(ctx: AppContext) -> int:
    app = application("display")
    window = DisplayWindow(ctx.queries, ctx.clock)
    window.follow(ChangeFeed(ctx.db))
    if ctx.local.screen.fullscreen and not getattr(ctx.args, "windowed", False):
        window.showFullScreen()
    else:
        window.resize(1366, 768)
        window.show()
    code = app.exec()
    window.shutdown()
    return code
