"""The `motcua` console command: shared.cli's commands plus one command per app.

This is the only place that knows every app. The apps are imported when their command runs, so
`motcua status` never loads Qt.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from motcua import demo
from shared.cli import AppCommand, AppContext
from shared.cli import main as core_main


def _kiosk_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--windowed", action="store_true", help="a normal window instead of fullscreen"
    )
    parser.add_argument("--name", default=None, help="this kiosk's name in the event log")
    parser.add_argument(
        "--autopilot",
        type=float,
        default=None,
        metavar="SECONDS",
        help="demo: citizens take tickets by themselves, one every SECONDS on average",
    )


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
    parser.add_argument(
        "--autopilot",
        type=float,
        default=None,
        metavar="SECONDS",
        help="demo: the officer given with --officer (PIN in $MOTCUA_PIN) works by itself",
    )


def _run_counter(ctx: AppContext) -> int:
    from counter.app import run  # noqa: PLC0415 - Qt loads only when a window opens

    return run(ctx)


def _supervisor_options(_parser: argparse.ArgumentParser) -> None:
    """The supervisor window has no options of its own (login decides the role)."""


def _run_supervisor(ctx: AppContext) -> int:
    from supervisor.app import run  # noqa: PLC0415 - Qt loads only when a window opens

    return run(ctx)


def _run_demo(ctx: AppContext) -> int:
    return demo.run(ctx.args)  # main() runs it first, without opening a database


APPS: tuple[AppCommand, ...] = (
    AppCommand("kiosk", "open the ticket kiosk (fullscreen)", _kiosk_options, _run_kiosk),
    AppCommand("display", "open the hall display (fullscreen)", _display_options, _run_display),
    AppCommand("counter", "open the counter window", _counter_options, _run_counter),
    AppCommand(
        "supervisor",
        "open the supervisor window (live view, audit, reports, administration)",
        _supervisor_options,
        _run_supervisor,
    ),
    AppCommand(
        "demo",
        "a whole office on this machine (or offscreen, a scripted morning)",
        demo.configure,
        _run_demo,
    ),
)


def main(argv: Sequence[str] | None = None) -> int:
    return core_main(argv, APPS)
