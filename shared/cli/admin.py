"""`motcua admin service|counter|officer|settings ACTION ... --as CODE` and `motcua settings`:
the office's configuration, changed by an admin who gives a PIN (never an argument)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shared.cli.base import (
    NEW_PIN_ENV,
    PIN_ENV,
    AppContext,
    Commands,
    Handler,
    Parser,
    admin_actor,
    counter_number,
    emit,
    read_pin,
    to_jsonable,
    whole_number,
)
from shared.errors import InvalidInputError
from shared.office.admin import KEEP
from shared.office.sessions import CounterSessions
from shared.rules.domain import Role
from shared.rules.numbering import NumberingFormat
from shared.rules.settings import logo_from_file


def register(commands: Commands) -> None:
    p = commands.add("settings", cmd_settings, "show or change (as an admin) office-wide settings")
    p.add_argument("action", choices=["show", "set"])
    p.add_argument("key", nargs="?")
    p.add_argument("value", nargs="?")
    p.add_argument(
        "--as",
        dest="actor",
        default=None,
        metavar="CODE",
        help=f"set: the acting admin's officer code (PIN from ${PIN_ENV} or asked)",
    )
    _add_admin_commands(commands)


def _setting_value(key: str, text: str) -> Any:
    """VALUE as given: JSON, plain text (no quotes needed), or @FILE for the logo image."""
    if key == "logo_png" and text.startswith("@"):
        return logo_from_file(Path(text[1:]))
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def cmd_settings(ctx: AppContext) -> int:
    a = ctx.args
    if a.action == "set":  # `motcua admin settings set`: admins only
        return cmd_admin_settings(ctx)
    office = ctx.queries.settings()
    payload = to_jsonable(office)
    emit(a, json.dumps(payload, ensure_ascii=False, indent=2), payload)
    return 0


def _service_codes(text: str) -> list[str]:
    codes = [c.strip().upper() for c in text.split(",") if c.strip()]
    if not codes:
        raise argparse.ArgumentTypeError("give service codes separated by commas, e.g. CT,CC")
    return codes


def cmd_admin_service(ctx: AppContext) -> int:
    a = ctx.args
    numbering = NumberingFormat.parse(a.numbering) if a.numbering is not None else None
    if (
        a.admin_action == "set"
        and not any(v is not None for v in (a.name_vi, a.name_en, a.numbering, a.cap, a.threshold))
        and not a.no_cap
    ):
        raise InvalidInputError(
            "Không có gì để thay đổi: dùng --name-vi, --name-en, --numbering, --cap, --no-cap "
            "hoặc --threshold",
            "nothing to change: use --name-vi, --name-en, --numbering, --cap, --no-cap or "
            "--threshold",
        )
    actor = admin_actor(ctx)
    if a.admin_action == "add":
        assert numbering is not None  # required by the parser
        view = ctx.admin.add_service(
            a.code,
            a.name_vi,
            a.name_en,
            numbering,
            daily_cap=a.cap,
            wait_threshold_minutes=a.threshold or 30,
            is_open=not a.closed,
            actor=actor,
        )
    elif a.admin_action == "set":
        view = ctx.admin.set_service(
            a.service,
            name_vi=a.name_vi,
            name_en=a.name_en,
            numbering=numbering,
            daily_cap=None if a.no_cap else (a.cap if a.cap is not None else KEEP),
            wait_threshold_minutes=a.threshold,
            actor=actor,
        )
    else:
        view = ctx.admin.set_service_open(a.service, a.admin_action == "open", actor=actor)
    state = "mở / open" if view.is_open else "đóng / closed"
    cap = view.daily_cap if view.daily_cap is not None else "-"
    emit(
        a,
        f"Thủ tục / service {view.code}: {view.name_vi} / {view.name_en}, {state}, "
        f"giới hạn / cap {cap}, ngưỡng chờ / wait threshold {view.wait_threshold_minutes} "
        "phút / min",
        {"service": view},
    )
    return 0


def cmd_admin_counter(ctx: AppContext) -> int:
    a = ctx.args
    actor = admin_actor(ctx)
    if a.admin_action == "add":
        view = ctx.admin.add_counter(a.number, a.name, a.services or (), actor=actor)
    else:
        services = [] if a.all_services else a.services
        if a.name is None and services is None:
            raise InvalidInputError(
                "Không có gì để thay đổi: dùng --name, --services hoặc --all-services",
                "nothing to change: use --name, --services or --all-services",
            )
        view = ctx.admin.set_counter(a.number, name=a.name, services=services, actor=actor)
    serves = ", ".join(view.service_codes) or "mọi thủ tục / every service"
    emit(
        a,
        f"Quầy / counter {view.number}: {view.name} (phục vụ / serves: {serves})",
        {"counter": view},
    )
    return 0


def cmd_admin_officer(ctx: AppContext) -> int:
    a = ctx.args
    action = a.admin_action
    if action == "add" and a.actor is None and a.role == Role.ADMIN.value:
        # A new office: its first admin needs no --as (refused once an admin exists).
        pin = read_pin(NEW_PIN_ENV, f"Mã PIN mới của / new PIN of {a.code}: ", confirm=True)
        ctx.admin.add_first_admin(a.code, a.full_name, pin)
        emit(
            a,
            f"Đã tạo quản trị viên đầu tiên / first admin created: {a.code}",
            {"officer": a.code, "action": "add", "by": None},
        )
        return 0
    actor = admin_actor(ctx)
    if action == "list":
        officers = ctx.admin.officers()
        lines = [
            f"{o.code:<8} {o.full_name:<28} {o.role:<10} "
            + ("" if o.active else "[vô hiệu / deactivated] ")
            + ("[bị khóa / locked]" if o.locked else "")
            for o in officers
        ]
        emit(a, "\n".join(lines) or "-", {"officers": officers})
        return 0
    if action == "add":
        pin = read_pin(NEW_PIN_ENV, f"Mã PIN mới của / new PIN of {a.code}: ", confirm=True)
        ctx.admin.add_officer(a.code, a.full_name, Role(a.role), pin, actor=actor)
        text = f"Đã thêm cán bộ / officer added: {a.code} ({a.role})"
    elif action == "reset-pin":
        pin = read_pin(NEW_PIN_ENV, f"Mã PIN mới của / new PIN of {a.code}: ", confirm=True)
        ctx.admin.reset_pin(a.code, pin, actor=actor)
        text = f"Đã đặt lại mã PIN / PIN reset: {a.code}"
    elif action == "unlock":
        CounterSessions(ctx.db, ctx.clock).unlock_officer_as(actor, a.code)
        text = f"Đã mở khóa / unlocked: {a.code}"
    else:
        ctx.admin.set_officer_active(a.code, action == "activate", actor=actor)
        text = (
            f"Đã kích hoạt / activated: {a.code}"
            if action == "activate"
            else f"Đã vô hiệu hóa / deactivated: {a.code}"
        )
    emit(a, text, {"officer": a.code, "action": action, "by": actor.code})
    return 0


def cmd_admin_settings(ctx: AppContext) -> int:
    a = ctx.args
    value = _setting_value(a.key, a.value)
    actor = admin_actor(ctx)
    office = ctx.admin.update_settings({a.key: value}, actor=actor)
    payload = to_jsonable(office)
    emit(a, json.dumps(payload, ensure_ascii=False, indent=2), payload)
    return 0


_Leaf = Callable[[Any, str, Handler, str], argparse.ArgumentParser]


def _add_admin_commands(commands: Commands) -> None:
    """`motcua admin service|counter|officer|settings ACTION ... --as CODE`."""
    acting = Parser(add_help=False)
    acting.add_argument(
        "--as",
        dest="actor",
        default=None,
        metavar="CODE",
        help=f"the acting admin's officer code (PIN from ${PIN_ENV} or asked)",
    )
    common = commands.common
    admin = commands.add(
        "admin", cmd_admin_service, "change the office's configuration (admins only)"
    )
    kinds: Any = admin.add_subparsers(dest="admin_kind", required=True, parser_class=Parser)

    def leaf(group: Any, name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = group.add_parser(
            name, help=help_text, description=help_text, parents=[common, acting]
        )
        p.set_defaults(handler=handler)
        return p

    def actions(name: str, help_text: str) -> Any:
        kind = kinds.add_parser(name, help=help_text, description=help_text, parents=[common])
        return kind.add_subparsers(dest="admin_action", required=True, parser_class=Parser)

    _add_admin_services(actions("service", "services (procedures)"), leaf)
    _add_admin_counters(actions("counter", "counters"), leaf)
    _add_admin_officers(actions("officer", "officers, supervisors and admins"), leaf)
    p = leaf(
        actions("settings", "office-wide settings"),
        "set",
        cmd_admin_settings,
        "change one setting (VALUE: JSON or text)",
    )
    p.add_argument("key", metavar="KEY")
    p.add_argument("value", metavar="VALUE")


def _add_admin_services(actions: Any, leaf: _Leaf) -> None:
    p = leaf(actions, "add", cmd_admin_service, "add a service")
    p.add_argument("code")
    p.add_argument("name_vi", metavar="NAME_VI")
    p.add_argument("name_en", metavar="NAME_EN")
    p.add_argument("--numbering", required=True, help="a numeric block 1001-1999 or a prefix A")
    p.add_argument("--cap", type=whole_number("cap"), help="tickets per day at most")
    p.add_argument(
        "--threshold", type=whole_number("threshold"), help="wait alert threshold in minutes"
    )
    p.add_argument("--closed", action="store_true", help="add it closed")
    p = leaf(actions, "set", cmd_admin_service, "change a service")
    p.add_argument("service")
    p.add_argument("--name-vi")
    p.add_argument("--name-en")
    p.add_argument("--numbering", help="applies only before the service's first ticket of the day")
    cap = p.add_mutually_exclusive_group()
    cap.add_argument("--cap", type=whole_number("cap"), help="tickets per day at most")
    cap.add_argument("--no-cap", action="store_true", help="no daily cap")
    p.add_argument(
        "--threshold", type=whole_number("threshold"), help="wait alert threshold in minutes"
    )
    for name in ("open", "close"):
        p = leaf(actions, name, cmd_admin_service, f"{name} a service at the kiosk")
        p.add_argument("service")
        p.set_defaults(numbering=None)


def _add_admin_counters(actions: Any, leaf: _Leaf) -> None:
    p = leaf(actions, "add", cmd_admin_counter, "add a counter (closed)")
    p.add_argument("number", type=counter_number)
    p.add_argument("--name")
    p.add_argument("--services", type=_service_codes, help="only these services, e.g. CT,CC")
    p = leaf(actions, "set", cmd_admin_counter, "rename a counter or change its services")
    p.add_argument("number", type=counter_number)
    p.add_argument("--name")
    only = p.add_mutually_exclusive_group()
    only.add_argument("--services", type=_service_codes, help="only these services, e.g. CT,CC")
    only.add_argument("--all-services", action="store_true", help="serve every service")


def _add_admin_officers(actions: Any, leaf: _Leaf) -> None:
    text = f"add an officer (PIN from ${NEW_PIN_ENV} or asked)"
    p = leaf(actions, "add", cmd_admin_officer, text)
    p.add_argument("code")
    p.add_argument("full_name", metavar="FULL_NAME")
    p.add_argument("--role", choices=[r.value for r in Role], default=Role.OFFICER.value)
    for name, text in (
        ("reset-pin", f"give an officer a new PIN (from ${NEW_PIN_ENV} or asked)"),
        ("unlock", "clear an officer's PIN lockout"),
        ("deactivate", "deactivate an officer's account"),
        ("activate", "activate an officer's account again"),
    ):
        leaf(actions, name, cmd_admin_officer, text).add_argument("code")
    leaf(actions, "list", cmd_admin_officer, "list the officers")
