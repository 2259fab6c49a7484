"""`motcua demo`: a whole office on one machine, on a demo database.

With a screen: the hall display, the kiosk, two counters and the supervisor open as separate
processes, as in an office; tickets are "printed" as PNG files into the demo folder and calls are
spoken. `--autopilot` makes citizens and officers act by themselves.

With `--offscreen --screenshots DIR`: every window in this one process without a screen, a short
scripted morning on a fake clock (tickets, a priority ticket, calls, a recall, a no-show, a
transfer, service, outcomes), and a picture of every window after each step.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from shared.clock import SystemClock
from shared.errors import InvalidInputError
from shared.office.demo import DEMO_DATABASE, DEMO_OFFICERS, open_demo_office

log = logging.getLogger(__name__)

DEFAULT_FOLDER = Path("motcua-demo")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--folder", type=Path, default=DEFAULT_FOLDER, help="the demo's database and tickets"
    )
    parser.add_argument("--offscreen", action="store_true", help="no screen: a scripted morning")
    parser.add_argument("--screenshots", type=Path, metavar="DIR", help="save every window here")
    parser.add_argument(
        "--autopilot", action="store_true", help="citizens and officers act by themselves"
    )
    parser.set_defaults(without_database=run)


def run(args: argparse.Namespace) -> int:
    folder: Path = args.folder
    if args.screenshots is not None and not args.offscreen:
        raise InvalidInputError(
            "--screenshots chỉ dùng cùng --offscreen", "--screenshots needs --offscreen"
        )
    if args.offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return _scripted_morning(folder, args.screenshots)
    return _open_office(folder, autopilot=args.autopilot)


# ---------------------------------------------------------------------- with a screen


def _open_office(folder: Path, *, autopilot: bool) -> int:
    db = open_demo_office(folder / DEMO_DATABASE, SystemClock())
    db.dispose()
    config = folder / "demo.toml"
    config.write_text(
        f'[printer]\nkind = "image"\nfolder = "{(folder / "tickets").resolve().as_posix()}"\n'
        "paper_width = 576\n\n[screen]\nfullscreen = false\n",
        encoding="utf-8",
    )
    common = [sys.executable, "-m", "motcua", "--db", str(folder / DEMO_DATABASE)]
    common += ["--config", str(config)]
    pins = {code: pin for code, _name, _role, pin in DEMO_OFFICERS}
    plans: list[tuple[list[str], dict[str, str]]] = [
        (["display", "--windowed"], {}),
        (["kiosk", "--windowed", "--name", "kiosk-demo"], {}),
        (["supervisor"], {}),
    ]
    if autopilot:
        plans[1][0].extend(["--autopilot", "6"])
    for number, code in ((1, "cb01"), (2, "cb02")):
        args = ["counter", "--counter", str(number)]
        env: dict[str, str] = {}
        if autopilot:
            args += ["--officer", code, "--autopilot", "8"]
            env["MOTCUA_PIN"] = pins[code]
        plans.append((args, env))
    processes = [
        subprocess.Popen([*common, *args], env={**os.environ, **env}) for args, env in plans
    ]
    # Stopped by a service manager or `kill`: close the apps too (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(
        "motcua demo: hall display, kiosk, supervisor and counters 1-2 are open "
        f"(tickets in {folder / 'tickets'}).\n"
        "  Officers / cán bộ: cb01 PIN 1111 at counter 1, cb02 PIN 2222 at counter 2; "
        "supervisor / lãnh đạo: ld01 PIN 9999.\n"
        "  Close every window (or press Ctrl+C here) to end the demo."
    )
    try:
        while any(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            process.wait(10)
    return 0


# ---------------------------------------------------------------------- without a screen


def _scripted_morning(folder: Path, screenshots: Path | None) -> int:
    # Qt is imported here: `motcua demo` with a screen never loads it in this process.
    from motcua.morning import play_morning  # noqa: PLC0415

    return play_morning(folder, screenshots)
