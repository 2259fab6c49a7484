"""The `motcua` parser and dispatch: the options every command takes, each command group's
subcommands, then one command run on the open database with its errors turned into exit codes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from shared.cli import admin, autostart, backup, counter, doctor, reports, tickets, tools
from shared.cli.base import (
    EXIT_BAD_INPUT,
    EXIT_ENVIRONMENT,
    AppCommand,
    AppContext,
    Commands,
    Handler,
    Parser,
)
from shared.clock import SystemClock
from shared.errors import DatabaseError, MotcuaError
from shared.logs import configure_logging
from shared.office.admin import OfficeAdmin
from shared.office.config import load_local_config
from shared.printing import PrinterError
from shared.queue.engine import QueueEngine
from shared.queue.queries import QueueQueries
from shared.storage.database import Database, open_database, resolve_url
from shared.storage.schema import require_current
from shared.voice.render import SpeechError

# The command groups in the order `motcua --help` lists them.
GROUPS = (tickets, counter, tools, reports, backup, admin, doctor, autostart)


def _common() -> Parser:
    common = Parser(add_help=False)
    s = argparse.SUPPRESS
    common.add_argument(
        "--db",
        default=s,
        help="database URL or SQLite file (default: $MOTCUA_DB, "
        "the config file, or the user data folder)",
    )
    common.add_argument("--config", type=Path, default=s, help="this PC's TOML config file")
    common.add_argument("--json", action="store_true", default=s, help="print one JSON object")
    common.add_argument(
        "--log-json", action="store_true", default=s, help="JSON log lines on stderr"
    )
    common.add_argument("-v", "--verbose", action="store_true", default=s)
    return common


def build_parser(apps: Sequence[AppCommand] = ()) -> argparse.ArgumentParser:
    common = _common()
    parser = Parser(
        prog="motcua",
        description=(
            "motcua: hệ thống xếp hàng cho bộ phận một cửa / queue ticketing for one-stop offices"
        ),
        parents=[common],
    )
    commands = Commands(
        parser.add_subparsers(dest="command", required=True, parser_class=Parser), common
    )
    for group in GROUPS:
        group.register(commands)
    for app in apps:
        if app.name in commands.sub.choices:
            # An app that shares a core command's name runs when that command has no action.
            existing = commands.sub.choices[app.name]
            app.configure(existing)
            existing.set_defaults(app_run=app.run)
        else:
            app.configure(commands.add(app.name, app.run, app.help))
    return parser


def main(argv: Sequence[str] | None = None, apps: Sequence[AppCommand] = ()) -> int:
    """Run one command. APPS are the window commands (see motcua.cli); shared/ knows none."""
    parser = build_parser(apps)
    args = parser.parse_args(argv)
    for name, default in (
        ("db", None),
        ("config", None),
        ("json", False),
        ("log_json", False),
        ("verbose", False),
    ):
        if not hasattr(args, name):
            setattr(args, name, default)
    if (
        args.command == "settings"
        and args.action == "set"
        and (args.key is None or args.value is None)
    ):
        parser.error("settings set needs KEY and VALUE")
    configure_logging(verbose=args.verbose, json_lines=args.log_json)
    db: Database | None = None
    try:
        without_database: Callable[[argparse.Namespace], int] | None = getattr(
            args, "without_database", None
        )
        if without_database is not None:  # e.g. simulate: it makes its own database
            return without_database(args)
        local = load_local_config(args.config)
        url = resolve_url(args.db, local.database_url)
        db = open_database(url, create=args.command == "init")
        if args.command != "init":
            require_current(db)
        clock = SystemClock()
        ctx = AppContext(
            args,
            db,
            clock,
            QueueEngine(db, clock),
            OfficeAdmin(db, clock),
            QueueQueries(db, clock),
            local,
        )
        handler: Handler = args.handler
        return handler(ctx)
    except (DatabaseError, PrinterError, SpeechError) as exc:
        sys.stderr.write(f"motcua: lỗi / error: {exc}\n")
        return EXIT_ENVIRONMENT
    except MotcuaError as exc:
        sys.stderr.write(f"motcua: lỗi / error: {exc}\n")
        return EXIT_BAD_INPUT
    finally:
        if db is not None:
            db.dispose()
