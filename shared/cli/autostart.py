"""`motcua autostart ROLE`: this PC starts its app when the officer's session starts, and again
if it crashes.

On Linux it writes a systemd user unit (~/.config/systemd/user/motcua-ROLE.service, Restart=
on-failure) and prints the two systemctl commands that turn it on; on Windows a .cmd file in the
user's Startup folder that starts the app again a few seconds after it stops. The app runs with
this Python, the database and config file given here (made absolute), so it needs no shell.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from pathlib import Path

from shared.cli.base import Commands, counter_number, emit
from shared.errors import InvalidInputError
from shared.storage.database import resolve_url, sqlite_path

ROLES = ("kiosk", "display", "counter", "supervisor")
RESTART_S = 3


def register(commands: Commands) -> None:
    text = "start this PC's app at login and after a crash (systemd user unit, Windows Startup)"
    p = commands.sub.add_parser("autostart", help=text, description=text, parents=[commands.common])
    p.add_argument("role", choices=ROLES)
    p.add_argument("--counter", type=counter_number, metavar="N", help="counter: this PC's number")
    p.add_argument("--folder", type=Path, help="where to write (default: the system's place)")
    p.set_defaults(without_database=run_autostart)


def app_command(args: argparse.Namespace) -> list[str]:
    """The command line the autostart runs: this Python, `-m motcua`, absolute paths."""
    # In the PyInstaller bundle the executable is motcua itself.
    frozen = getattr(sys, "frozen", False)
    command = [sys.executable] if frozen else [sys.executable, "-m", "motcua"]
    if args.db is not None or args.config is None:
        # Without --db the config file names the database (or the default place does).
        url = resolve_url(args.db, None)
        path = sqlite_path(url)
        command += ["--db", str(path.resolve()) if path else url]
    if args.config is not None:
        config: Path = args.config
        if not config.is_file():
            raise InvalidInputError(
                f"Không có tệp cấu hình {config}", f"the config file {config} does not exist"
            )
        command += ["--config", str(config.resolve())]
    command.append(args.role)
    if args.role == "counter" and args.counter is not None:
        command += ["--counter", str(args.counter)]
    return command


def systemd_unit(role: str, command: list[str]) -> str:
    return (
        "[Unit]\n"
        f"Description=motcua {role} (bộ phận một cửa / one-stop office)\n"
        "After=graphical-session.target\n"
        "PartOf=graphical-session.target\n"
        "\n"
        "[Service]\n"
        f"ExecStart={shlex.join(command)}\n"
        "Restart=on-failure\n"
        f"RestartSec={RESTART_S}\n"
        "\n"
        "[Install]\n"
        "WantedBy=graphical-session.target\n"
    )


def windows_cmd(role: str, command: list[str]) -> str:
    return (
        "@echo off\r\n"
        f"rem motcua {role}: started at login, started again {RESTART_S} s after it stops\r\n"
        ":again\r\n"
        f"{subprocess.list2cmdline(command)}\r\n"
        f"timeout /t {RESTART_S} /nobreak >nul\r\n"
        "goto again\r\n"
    )


def run_autostart(args: argparse.Namespace) -> int:
    command = app_command(args)
    if sys.platform == "win32":  # pragma: no cover - the offices' Windows PCs
        appdata = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
        startup = appdata / "Microsoft" / "Windows" / "Start Menu" / "Programs" / "Startup"
        folder = args.folder or startup
        target, text = folder / f"motcua-{args.role}.cmd", windows_cmd(args.role, command)
        then = "Đăng xuất rồi đăng nhập lại / sign out and in again"
    else:
        config_home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        folder = args.folder or config_home / "systemd" / "user"
        target, text = folder / f"motcua-{args.role}.service", systemd_unit(args.role, command)
        then = f"systemctl --user daemon-reload && systemctl --user enable --now {target.name}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        existed = target.exists()
        target.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise InvalidInputError(
            f"Không ghi được {target}: {exc.strerror}", f"cannot write {target}: {exc.strerror}"
        ) from exc
    verb = "Đã thay / replaced" if existed else "Đã ghi / wrote"
    emit(
        args,
        f"{verb}: {target}\n  {then}",
        {"file": str(target), "command": command, "replaced": existed, "then": then},
    )
    return 0
