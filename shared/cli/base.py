"""What every command group shares: the context a command runs in, the one-line errors, the JSON
output, the argument types and the admin's PIN prompt."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import enum
import getpass
import json
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from shared.clock import Clock
from shared.errors import InvalidInputError
from shared.office.admin import OfficeAdmin
from shared.office.config import LocalConfig, PrinterConfig
from shared.office.sessions import CounterSessions
from shared.queue.authz import ADMIN_ROLES, OfficerIdentity
from shared.queue.engine import QueueEngine
from shared.queue.queries import QueueQueries
from shared.storage.database import Database

EXIT_BAD_INPUT = 2
EXIT_ENVIRONMENT = 1

PIN_ENV = "MOTCUA_PIN"
NEW_PIN_ENV = "MOTCUA_NEW_PIN"


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit code 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: lỗi / error: {message}\n")
        raise SystemExit(EXIT_BAD_INPUT)


@dataclasses.dataclass
class AppContext:
    """What every command gets: its arguments, the open database and the use cases on it."""

    args: argparse.Namespace
    db: Database
    clock: Clock
    engine: QueueEngine
    admin: OfficeAdmin
    queries: QueueQueries
    local: LocalConfig

    @property
    def printer(self) -> PrinterConfig:
        return self.local.printer


@dataclasses.dataclass(frozen=True)
class AppCommand:
    """A subcommand that opens a window (kiosk, counter...), added by the composition root.

    Attributes:
        name: the subcommand, e.g. "kiosk".
        help: one line for `motcua --help`.
        configure: adds the command's own options to its parser.
        run: runs the app with the open database; returns the exit code.
    """

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[AppContext], int]


Handler = Callable[[AppContext], int]


@dataclasses.dataclass(frozen=True)
class Commands:
    """Where a command group adds its subcommands.

    Attributes:
        sub: the top-level subparsers.
        common: the options every command takes (--db, --config, --json...).
    """

    sub: Any
    common: argparse.ArgumentParser

    def add(self, name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        """A subcommand that runs HANDLER on the open database."""
        p: argparse.ArgumentParser = self.sub.add_parser(
            name, help=help_text, description=help_text, parents=[self.common]
        )
        p.set_defaults(handler=handler)
        return p


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def emit(args: argparse.Namespace, text: str, payload: Any) -> None:
    """TEXT for a person, or PAYLOAD as one JSON object with --json."""
    if args.json:
        print(json.dumps(to_jsonable(payload), ensure_ascii=False))
    else:
        print(text)


def local_time(value: dt.datetime | None, zone: ZoneInfo) -> str:
    """A time as the office's clock shows it (not this PC's time zone)."""
    return "-" if value is None else value.astimezone(zone).strftime("%H:%M:%S")


# ---------------------------------------------------------------------- argument types


def whole_number(what: str) -> Callable[[str], int]:
    """An argument type: a whole number of 1 or more; its errors name WHAT ("counter", "cap")."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{what} must be a whole number, not '{text}'"
            ) from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"{what} must be 1 or more, not {value}")
        return value

    return parse


counter_number = whole_number("counter")


def date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"ngày không hợp lệ / invalid date '{text}' (YYYY-MM-DD)"
        ) from None


# ---------------------------------------------------------------------- the acting admin


def read_pin(env: str, prompt: str, *, confirm: bool = False) -> str:
    """A PIN from the environment variable ENV, else typed at a hidden prompt (never an argument).

    It is never logged nor echoed.
    """
    pin = os.environ.get(env)
    if pin:
        return pin
    try:
        pin = getpass.getpass(prompt, stream=sys.stderr)
        if confirm and getpass.getpass("Nhập lại / again: ", stream=sys.stderr) != pin:
            raise InvalidInputError("Hai mã PIN không khớp", "the two PINs differ")
    except EOFError:
        raise InvalidInputError(
            f"Cần mã PIN: đặt biến môi trường {env} hoặc nhập khi được hỏi",
            f"a PIN is needed: set {env} or type it when asked",
        ) from None
    return pin


def admin_actor(ctx: AppContext) -> OfficerIdentity:
    """The admin acting (--as CODE), authenticated with the same lockout as at a counter."""
    code = ctx.args.actor
    if code is None:
        raise InvalidInputError(
            "Cần --as MÃ_QUẢN_TRỊ (mã PIN lấy từ MOTCUA_PIN hoặc được hỏi)",
            "--as ADMIN_CODE is needed (the PIN comes from MOTCUA_PIN or is asked)",
        )
    pin = read_pin(PIN_ENV, f"Mã PIN của / PIN of {code}: ")
    return CounterSessions(ctx.db, ctx.clock).authenticate(code, pin, ADMIN_ROLES)
