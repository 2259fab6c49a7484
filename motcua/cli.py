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


def _counter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--counter",
        type=int,
        default=None,
        metavar="N",
        help="this PC's counter (default: [counter] number in the config file, or chosen at login)",
    )


def _run_counter(ctx: AppContext) -> int:
    from counter.app import run  # noqa: PLC0415 - Qt loads only when a window opens

    return run(ctx)


APPS: tuple[AppCommand, ...] = (
    AppCommand("kiosk", "open the ticket kiosk (fullscreen)", _kiosk_options, _run_kiosk),
    AppCommand("display", "open the hall display (fullscreen)", _display_options, _run_display),
    AppCommand("counter", "open the counter window", _counter_options, _run_counter),
)


def main(argv: Sequence[str] | None = None) -> int:
    return core_main(argv, APPS)
