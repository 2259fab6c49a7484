"""The `motcua` console command: shared.cli's commands plus one command per app.

This is the only place that knows every app. The apps are imported when their command runs, so
`motcua status` never loads Qt.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from shared.cli import AppCommand, AppContext
from shared.cli import main as core_main


def _kiosk_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--windowed", action="store_true", help="a normal window instead of fullscreen"
    )
    parser.add_argument("--name", default=None, help="this kiosk's name in the event log")


def _run_kiosk(ctx: AppContext) -> int:
    from kiosk.app import run  # noqa: PLC0415 - Qt loads only when a window opens

    return run(ctx)


def _display_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--windowed", action="store_true", help="a normal window instead of fullscreen"
    )


def _run_display(ctx: AppContext) -> int:
    from display.app import run  # noqa: PLC0415 - Qt loads only when a window opens

    return run(ctx)


APPS: tuple[AppCommand, ...] = (
    AppCommand("kiosk", "open the ticket kiosk (fullscreen)", _kiosk_options, _run_kiosk),
    AppCommand("display", "open the hall display (fullscreen)", _display_options, _run_display),
)


def main(argv: Sequence[str] | None = None) -> int:
    return core_main(argv, APPS)
