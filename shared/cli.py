"""The `motcua` command: set up the database and run every queue use case from a shell.

Every command calls the same engine function as the apps, prints a short Vietnamese/English line
(or one JSON object with --json), writes one-line errors to stderr and exits 2 on bad input,
leaving the data unchanged.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import enum
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from shared.clock import Clock, SystemClock
from shared.errors import DatabaseError, InvalidInputError, MotcuaError
from shared.insight.reports import Grouping, csv_text, report, to_csv, to_table, to_xlsx
from shared.insight.simulate import simulate
from shared.logs import configure_logging
from shared.office.admin import KEEP, OfficeAdmin
from shared.office.config import PAPER_WIDTHS, LocalConfig, PrinterConfig, load_local_config
from shared.office.demo import seed_demo
from shared.office.sessions import CounterSessions
from shared.printing import PrinterError
from shared.printing.escpos_out import describe, make_printer, print_ticket
from shared.printing.ticket import render_ticket
from shared.queue.authz import ADMIN_ROLES, OfficerIdentity
from shared.queue.engine import QueueEngine
from shared.queue.queries import QueueQueries
from shared.rules.domain import (
    COUNTER_STATE_VI,
    TICKET_STATUS_VI,
    CallResult,
    IssueResult,
    Outcome,
    Role,
    StatusView,
    TicketView,
)
from shared.rules.numbering import NumberingFormat, load_zone
from shared.rules.settings import logo_from_file
from shared.storage.backup import backup, daily_backup, restore
from shared.storage.database import Database, open_database, resolve_url, safe_url, sqlite_path
from shared.storage.schema import require_current, upgrade
from shared.voice.announcement import announcement_text
from shared.voice.speech import SpeechError, render_wav

log = logging.getLogger(__name__)

EXIT_BAD_INPUT = 2
EXIT_ENVIRONMENT = 1


class _Parser(argparse.ArgumentParser):
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


def _to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_jsonable(v) for k, v in value.items()}
    return value


def _emit(args: argparse.Namespace, text: str, payload: Any) -> None:
    if args.json:
        print(json.dumps(_to_jsonable(payload), ensure_ascii=False))
    else:
        print(text)


def _local_time(value: dt.datetime | None, zone: ZoneInfo) -> str:
    """A time as the office's clock shows it (not this PC's time zone)."""
    return "-" if value is None else value.astimezone(zone).strftime("%H:%M:%S")


# ---------------------------------------------------------------------- commands


def cmd_init(ctx: AppContext) -> int:
    before, after = upgrade(ctx.db)
    seeded = False
    if ctx.args.demo:
        if ctx.queries.services():
            raise MotcuaError(
                "Cơ sở dữ liệu đã có thủ tục: không nạp dữ liệu mẫu lên dữ liệu thật",
                "the database already has services: demo data is only added to an empty one",
            )
        seed_demo(ctx.admin, ctx.engine)
        seeded = True
    url = safe_url(ctx.db.url)
    _emit(
        ctx.args,
        f"Cơ sở dữ liệu sẵn sàng / database ready: {url} (schema {before or '-'} -> {after})"
        + (", dữ liệu mẫu đã nạp / demo office seeded" if seeded else ""),
        {"url": url, "schema_before": before, "schema": after, "demo_seeded": seeded},
    )
    return 0


def cmd_issue(ctx: AppContext) -> int:
    result = ctx.engine.issue_ticket(ctx.args.service, ctx.args.priority)
    t = result.ticket
    log.info("ticket_issued", extra={"event": "ticket_issued", "ticket": t.display_number})
    _emit(
        ctx.args,
        f"{t.display_number}  {t.service_name_vi} / {t.service_name_en}  "
        f"(trước bạn / ahead: {result.people_ahead}, chờ khoảng / about "
        f"{result.predicted_wait_minutes} phút / min)",
        result,
    )
    return 0


def _print_call(ctx: AppContext, result: CallResult) -> int:
    payload = {
        "counter": result.counter_number,
        "ticket": result.ticket,
        "closed_previous": result.closed_previous,
    }
    if result.ticket is None:
        text = (
            f"Không còn công dân chờ / nobody is waiting (quầy / counter {result.counter_number})"
        )
    else:
        t = result.ticket
        log.info("ticket_called", extra={"event": "ticket_called", "ticket": t.display_number})
        text = (
            f"{t.display_number} -> quầy / counter {result.counter_number}  ({t.service_name_vi})"
        )
    if result.closed_previous is not None:
        text = f"(đã kết thúc / finished {result.closed_previous.display_number}) " + text
    _emit(ctx.args, text, payload)
    return 0


def cmd_call(ctx: AppContext) -> int:
    a = ctx.args
    if a.ticket is not None:
        if not a.reason:
            raise MotcuaError(
                "Gọi số không theo thứ tự cần --reason", "calling a given ticket needs --reason"
            )
        return _print_call(
            ctx, ctx.engine.call_ticket(a.counter, a.ticket, a.reason, officer_code=a.officer)
        )
    return _print_call(ctx, ctx.engine.call_next(a.counter, officer_code=a.officer))


def _print_ticket(ctx: AppContext, verb: str, ticket: TicketView) -> int:
    where = f" (quầy / counter {ticket.counter_number})" if ticket.counter_number else ""
    _emit(ctx.args, f"{verb}: {ticket.display_number}{where}", {"ticket": ticket})
    return 0


def cmd_recall(ctx: AppContext) -> int:
    return _print_ticket(ctx, "Gọi lại / recalled", ctx.engine.recall(ctx.args.counter))


def cmd_no_show(ctx: AppContext) -> int:
    return _print_ticket(ctx, "Vắng mặt / no-show", ctx.engine.no_show(ctx.args.counter))


def cmd_start(ctx: AppContext) -> int:
    return _print_ticket(ctx, "Bắt đầu phục vụ / serving", ctx.engine.start(ctx.args.counter))


def cmd_finish(ctx: AppContext) -> int:
    ticket = ctx.engine.finish(ctx.args.counter, Outcome(ctx.args.outcome))
    return _print_ticket(ctx, "Đã kết thúc / finished", ticket)


def cmd_transfer(ctx: AppContext) -> int:
    a = ctx.args
    ticket = ctx.engine.transfer(
        a.counter, to_service=a.to, to_counter=a.to_counter, reason=a.reason
    )
    target = (
        f"quầy / counter {ticket.target_counter_number}"
        if ticket.target_counter_number
        else ticket.service_code
    )
    _emit(a, f"Đã chuyển / transferred {ticket.display_number} -> {target}", {"ticket": ticket})
    return 0


def cmd_cancel(ctx: AppContext) -> int:
    ticket = ctx.engine.cancel(ctx.args.ticket, ctx.args.reason, officer_code=ctx.args.officer)
    return _print_ticket(ctx, "Đã hủy / cancelled", ticket)


def cmd_counter(ctx: AppContext) -> int:
    a = ctx.args
    if a.action is None:  # `motcua counter [--counter N]`: the officer's window
        run: Callable[[AppContext], int] | None = getattr(a, "app_run", None)
        if run is None:
            raise InvalidInputError(
                "Cần thao tác: open, pause, resume hoặc close", "an action is needed"
            )
        return run(ctx)
    if a.number is None:
        raise InvalidInputError(
            f"'counter {a.action}' cần số quầy", f"'counter {a.action}' needs a counter number"
        )
    if a.action == "open":
        view = ctx.engine.open_counter(a.number, officer_code=a.officer)
    elif a.action == "pause":
        view = ctx.engine.pause_counter(a.number, a.reason or "")
    elif a.action == "resume":
        view = ctx.engine.resume_counter(a.number)
    else:
        view = ctx.engine.close_counter(a.number)
    _emit(
        a,
        f"Quầy / counter {view.number}: {COUNTER_STATE_VI[view.state]} / {view.state}",
        {"counter": view},
    )
    return 0


def cmd_report(ctx: AppContext) -> int:
    a = ctx.args
    if a.date_from > a.date_to:
        raise InvalidInputError(
            f"Ngày bắt đầu {a.date_from} sau ngày kết thúc {a.date_to}",
            f"--from {a.date_from} is after --to {a.date_to}",
        )
    if a.format == "xlsx" and a.out is None:
        raise InvalidInputError("Xuất xlsx cần --out FILE", "--format xlsx needs --out FILE")
    rep = report(ctx.db, a.date_from, a.date_to, a.by, clock=ctx.clock)
    if a.format == "xlsx":
        to_xlsx(rep, a.out)
        _emit(a, f"Đã ghi / written: {a.out}", {"out": str(a.out)})
    elif a.format == "csv":
        if a.out is not None:
            to_csv(rep, a.out)
            _emit(a, f"Đã ghi / written: {a.out}", {"out": str(a.out)})
        else:
            sys.stdout.write(csv_text(rep))
    else:
        _emit(a, to_table(rep), rep)
    return 0


def run_simulation(args: argparse.Namespace) -> int:
    """`motcua simulate`: a whole office day on the real engine, in a temporary database."""
    if args.counters < 1 or args.arrivals_per_hour <= 0 or args.hours <= 0:
        raise InvalidInputError(
            "--counters, --arrivals-per-hour và --hours phải lớn hơn 0",
            "--counters, --arrivals-per-hour and --hours must be more than 0",
        )
    r = simulate(args.counters, args.arrivals_per_hour, args.hours, args.seed)
    _emit(
        args,
        f"{r.counters} quầy / counters, {r.arrivals_per_hour:g} người/giờ / arrivals per hour, "
        f"{r.hours:g} giờ / hours, seed {r.seed}\n"
        f"  phục vụ / served {r.served}, vắng mặt / no-shows {r.no_shows}, "
        f"ưu tiên / priority {r.priority}\n"
        f"  thời gian chờ (phút) / wait (min): TB / avg {r.average_wait_minutes:.1f}, "
        f"trung vị / median {r.median_wait_minutes:.1f}, p90 {r.p90_wait_minutes:.1f}, "
        f"tối đa / max {r.max_wait_minutes:.1f}\n"
        f"  sai số dự báo / prediction error (MAE): {r.predicted_wait_mae_minutes:.2f} phút / min",
        r,
    )
    return 0


def cmd_announce_text(ctx: AppContext) -> int:
    a = ctx.args
    voice = ctx.queries.settings().voice
    sentence = announcement_text(a.ticket, a.counter, voice)
    _emit(a, sentence, {"sentence": sentence, "voice": voice})
    return 0


def cmd_announce(ctx: AppContext) -> int:
    a = ctx.args
    voice = ctx.queries.settings().voice
    sentence = announcement_text(a.ticket, a.counter, voice)
    out: Path = a.out
    if not out.parent.is_dir():
        raise InvalidInputError(
            f"Không có thư mục {out.parent}", f"the folder {out.parent} does not exist"
        )
    render_wav(sentence, voice.voice, voice.rate, out)
    _emit(
        a,
        f"Đã ghi / written: {out} ({sentence})",
        {"out": str(out), "sentence": sentence, "voice": voice},
    )
    return 0


def _sqlite_file(ctx: AppContext) -> Path:
    path = sqlite_path(ctx.db.url)
    if path is None:
        raise InvalidInputError(
            "Sao lưu PostgreSQL bằng pg_dump của máy chủ",
            "back up a PostgreSQL database with the server's pg_dump",
        )
    return path


def cmd_backup(ctx: AppContext) -> int:
    a = ctx.args
    database = _sqlite_file(ctx)
    if a.daily is not None:
        today = ctx.queries.status().business_day
        written = daily_backup(database, a.daily, today, a.keep)
        text = f"Đã sao lưu / backed up: {written}" if written else "Hôm nay đã có bản sao lưu"
        if not written:
            text += f" / today's backup exists in {a.daily}"
        _emit(a, text, {"written": str(written) if written else None, "folder": str(a.daily)})
        return 0
    info = backup(database, a.out)
    _emit(
        a,
        f"Đã sao lưu / backed up: {info.path} ({info.tickets} số / tickets, {info.bytes} bytes)",
        info,
    )
    return 0


def cmd_restore(ctx: AppContext) -> int:
    a = ctx.args
    database = _sqlite_file(ctx)
    info = restore(database, a.file)
    _emit(
        a,
        f"Đã khôi phục / restored {info.path} ({info.tickets} số / tickets) vào / into {database}",
        info,
    )
    return 0


def cmd_end_day(ctx: AppContext) -> int:
    closed = ctx.engine.end_day(include_today=ctx.args.today)
    _emit(ctx.args, f"Đã đóng / expired {closed} số / tickets", {"expired": closed})
    return 0


def cmd_status(ctx: AppContext) -> int:
    status = ctx.queries.status()
    zone = load_zone(ctx.queries.settings().time_zone)
    _emit(ctx.args, _status_text(status, zone), status)
    return 0


def _status_text(status: StatusView, zone: ZoneInfo) -> str:
    lines = [f"Ngày / business day {status.business_day.isoformat()}", "", "Đang chờ / waiting:"]
    for q in status.services:
        state = "" if q.service.is_open else "  [đóng / closed]"
        longest = f"{q.longest_wait_seconds // 60} phút / min" if q.waiting else "-"
        lines.append(
            f"  {q.service.code:<5} {q.service.name_vi:<28} {q.waiting:>4}   lâu nhất / longest "
            f"{longest}{state}"
        )
    lines += ["", "Quầy / counters:"]
    for c in status.counters:
        ticket = c.active_ticket
        current = f"{ticket.display_number} ({TICKET_STATUS_VI[ticket.status]})" if ticket else "-"
        state = COUNTER_STATE_VI[c.state] + (f" ({c.pause_reason})" if c.pause_reason else "")
        officer = c.officer_code or "-"
        lines.append(
            f"  {c.number:>3}  {state:<10} cán bộ / officer {officer:<6} số / ticket {current}"
        )
    lines += ["", "Lượt gọi gần nhất / last calls:"]
    for e in status.last_calls:
        lines.append(
            f"  {_local_time(e.at, zone)}  {e.display_number} -> quầy / counter {e.counter_number}"
            + ("  (gọi lại / recall)" if e.kind == "ticket_recalled" else "")
        )
    if not status.last_calls:
        lines.append("  -")
    return "\n".join(lines)


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
    payload = _to_jsonable(office)
    _emit(a, json.dumps(payload, ensure_ascii=False, indent=2), payload)
    return 0


def _sample(ctx: AppContext) -> IssueResult:
    """The ticket the service's next citizen would get (nothing is issued)."""
    a = ctx.args
    ticket = ctx.queries.preview(a.service, a.priority)
    ahead, wait = ctx.engine.estimate(a.service, a.priority is not None)
    return IssueResult(ticket, ahead, wait)


def cmd_ticket_preview(ctx: AppContext) -> int:
    a = ctx.args
    sample = _sample(ctx)
    image = render_ticket(
        sample.ticket,
        ctx.queries.settings(),
        sample.people_ahead,
        sample.predicted_wait_minutes,
        a.width,
    )
    try:
        image.save(a.out, format="PNG")
    except OSError as exc:
        raise InvalidInputError(
            f"Không ghi được tệp {a.out}: {exc.strerror}", f"cannot write {a.out}: {exc.strerror}"
        ) from exc
    _emit(
        a,
        f"Đã ghi / wrote {a.out} ({image.width}x{image.height}, số / number "
        f"{sample.ticket.display_number})",
        {"out": str(a.out), "width": image.width, "height": image.height, "ticket": sample.ticket},
    )
    return 0


def cmd_print_test(ctx: AppContext) -> int:
    a = ctx.args
    if a.service is None:
        services = ctx.queries.services()
        if not services:
            raise InvalidInputError(
                "Chưa có thủ tục nào: hãy chạy 'motcua init'", "no services yet: run 'motcua init'"
            )
        a.service = services[0].code
    config = ctx.printer
    if a.printer is not None:
        config = parse_printer_url(a.printer, config)
    if a.width is not None:
        config = dataclasses.replace(config, paper_width=a.width)
    printer = make_printer(config)
    name = describe(config)
    if printer is None:
        raise InvalidInputError(
            "Chưa cấu hình máy in: dùng --printer tcp://HOST:PORT",
            "no printer is configured: use --printer tcp://HOST:PORT",
        )
    print_ticket(printer, name, _sample(ctx), ctx.queries.settings(), config.paper_width)
    _emit(a, f"Đã in phiếu thử / test ticket printed: {name}", {"printer": name, "ok": True})
    return 0


def parse_printer_url(url: str, base: PrinterConfig) -> PrinterConfig:
    """tcp://HOST:PORT, usb://VENDOR:PRODUCT (hex), serial:///dev/ttyUSB0, file:///dev/usb/lp0."""
    scheme, sep, rest = url.partition("://")
    bad = InvalidInputError(
        f"Địa chỉ máy in không hợp lệ: '{url}' (ví dụ tcp://192.168.1.50:9100)",
        f"invalid printer address '{url}' (e.g. tcp://192.168.1.50:9100, usb://04b8:0202, "
        "serial:///dev/ttyUSB0, file:///dev/usb/lp0)",
    )
    if not sep or not rest:
        raise bad
    try:
        if scheme == "tcp":
            host, _, port = rest.rpartition(":")
            if not host or not 1 <= int(port) <= 65535:
                raise bad
            return dataclasses.replace(base, kind="network", host=host, port=int(port))
        if scheme == "usb":
            vendor, _, product = rest.partition(":")
            return dataclasses.replace(
                base, kind="usb", vendor_id=int(vendor, 16), product_id=int(product, 16)
            )
        if scheme in ("serial", "file"):
            return dataclasses.replace(base, kind=scheme, device=rest)
    except ValueError:
        raise bad from None
    raise bad


# ---------------------------------------------------------------------- parser


def _common() -> _Parser:
    common = _Parser(add_help=False)
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


def _counter_number(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"counter must be a whole number, not '{text}'") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"counter must be 1 or more, not {number}")
    return number


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"ngày không hợp lệ / invalid date '{text}' (YYYY-MM-DD)"
        ) from None


Handler = Callable[[AppContext], int]


def build_parser(apps: Sequence[AppCommand] = ()) -> argparse.ArgumentParser:
    common = _common()
    parser = _Parser(
        prog="motcua",
        description=(
            "motcua: hệ thống xếp hàng cho bộ phận một cửa / queue ticketing for one-stop offices"
        ),
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text, parents=[common])
        p.set_defaults(handler=handler)
        return p

    p = add("init", cmd_init, "create or upgrade the database")
    p.add_argument("--demo", action="store_true", help="seed a demo ward police office")

    p = add("issue", cmd_issue, "issue a ticket for a service")
    p.add_argument("service", help="service code or id")
    p.add_argument("--priority", metavar="CATEGORY", help="priority category code (e.g. elderly)")

    p = add("call", cmd_call, "call the next citizen to a counter")
    p.add_argument("counter", type=_counter_number)
    p.add_argument("--ticket", help="call this ticket out of order (needs --reason)")
    p.add_argument("--reason")
    p.add_argument("--officer", help="officer code (default: the officer holding the counter)")

    for name, handler, text in (
        ("recall", cmd_recall, "announce the counter's called ticket again"),
        ("no-show", cmd_no_show, "the called citizen did not come"),
        ("start", cmd_start, "start serving the called citizen"),
    ):
        add(name, handler, text).add_argument("counter", type=_counter_number)

    p = add("finish", cmd_finish, "finish the counter's ticket with an outcome")
    p.add_argument("counter", type=_counter_number)
    p.add_argument(
        "--outcome",
        choices=[o.value for o in Outcome],
        default=Outcome.DOSSIER_RECEIVED.value,
    )

    p = add("transfer", cmd_transfer, "send the counter's ticket to a service or a counter")
    p.add_argument("counter", type=_counter_number)
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--to", metavar="SERVICE")
    target.add_argument("--to-counter", type=_counter_number, metavar="N")
    p.add_argument("--reason")

    p = add("cancel", cmd_cancel, "cancel an open ticket of today")
    p.add_argument("ticket", help="display number")
    p.add_argument("--reason", required=True)
    p.add_argument("--officer")

    p = add(
        "counter",
        cmd_counter,
        "open, pause, resume or close a counter; without an action, open the counter window",
    )
    p.add_argument("action", nargs="?", choices=["open", "pause", "resume", "close"])
    p.add_argument("number", nargs="?", type=_counter_number)
    p.add_argument("--officer")
    p.add_argument("--reason")

    p = add("end-day", cmd_end_day, "expire tickets left open (earlier days; today with --today)")
    p.add_argument("--today", action="store_true", help="also close today's open tickets")

    add("status", cmd_status, "waiting per service, counters and last calls")

    _add_printing_commands(add)

    _add_report_commands(add, sub, common)
    _add_voice_commands(add)
    _add_backup_commands(add)

    p = add("settings", cmd_settings, "show or change (as an admin) office-wide settings")
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

    _add_admin_commands(add, common)
    _add_apps(apps, add, sub)
    return parser


def _add_apps(
    apps: Sequence[AppCommand],
    add: Callable[[str, Handler, str], argparse.ArgumentParser],
    sub: Any,
) -> None:
    for app in apps:
        if app.name in sub.choices:
            # An app that shares a core command's name runs when that command has no action.
            existing = sub.choices[app.name]
            app.configure(existing)
            existing.set_defaults(app_run=app.run)
        else:
            app.configure(add(app.name, app.run, app.help))


def _add_report_commands(
    add: Callable[[str, Handler, str], argparse.ArgumentParser],
    sub: Any,
    common: argparse.ArgumentParser,
) -> None:
    p = add("report", cmd_report, "counts, waiting and service times for a range of days")
    p.add_argument("--from", dest="date_from", type=_date, required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=_date, required=True, metavar="YYYY-MM-DD")
    p.add_argument("--by", choices=[g.value for g in Grouping], default=Grouping.SERVICE.value)
    p.add_argument("--format", choices=["table", "csv", "xlsx"], default="table")
    p.add_argument("--out", type=Path, metavar="FILE")

    text = "simulate an office day on the real engine (no database needed)"
    p = sub.add_parser("simulate", help=text, description=text, parents=[common])
    p.set_defaults(without_database=run_simulation)
    p.add_argument("--counters", type=int, required=True)
    p.add_argument("--arrivals-per-hour", type=float, required=True)
    p.add_argument("--hours", type=float, default=8.0)
    p.add_argument("--seed", type=int, default=1)


def _add_backup_commands(add: Callable[[str, Handler, str], argparse.ArgumentParser]) -> None:
    p = add("backup", cmd_backup, "back up the SQLite database while the apps run")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, metavar="FILE")
    target.add_argument("--daily", type=Path, metavar="DIR", help="today's backup in DIR")
    p.add_argument("--keep", type=int, default=30, metavar="DAYS", help="with --daily")
    p = add("restore", cmd_restore, "put a backup back (the current data is kept beside it)")
    p.add_argument("file", type=Path)


def _add_voice_commands(add: Callable[[str, Handler, str], argparse.ArgumentParser]) -> None:
    p = add("announce-text", cmd_announce_text, "the sentence the hall display speaks for a call")
    p.add_argument("ticket", help="display number, e.g. 1005 or A001")
    p.add_argument("counter", type=_counter_number)
    p = add("announce", cmd_announce, "write the spoken call to a WAV file (espeak-ng/SAPI5)")
    p.add_argument("ticket", help="display number, e.g. 1005 or A001")
    p.add_argument("counter", type=_counter_number)
    p.add_argument("--out", type=Path, required=True, metavar="FILE.wav")


def _add_printing_commands(add: Callable[[str, Handler, str], argparse.ArgumentParser]) -> None:
    p = add("ticket-preview", cmd_ticket_preview, "write the image a ticket would be printed as")
    p.add_argument("service", help="service code")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.png")
    p.add_argument("--width", type=int, choices=PAPER_WIDTHS, default=None)
    p.add_argument("--priority", metavar="CATEGORY")

    p = add("print-test", cmd_print_test, "print a test ticket (default: this PC's printer)")
    p.add_argument("--printer", metavar="URL", help="tcp://HOST:PORT, usb://VID:PID, ...")
    p.add_argument("--service", default=None, help="service code (default: the first one)")
    p.add_argument("--priority", metavar="CATEGORY")
    p.add_argument("--width", type=int, choices=PAPER_WIDTHS, default=None)


# ---------------------------------------------------------------------- motcua admin

PIN_ENV = "MOTCUA_PIN"
NEW_PIN_ENV = "MOTCUA_NEW_PIN"


def _read_pin(env: str, prompt: str, *, confirm: bool = False) -> str:
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


def _admin_actor(ctx: AppContext) -> OfficerIdentity:
    """The admin acting (--as CODE), authenticated with the same lockout as at a counter."""
    code = ctx.args.actor
    if code is None:
        raise InvalidInputError(
            "Cần --as MÃ_QUẢN_TRỊ (mã PIN lấy từ MOTCUA_PIN hoặc được hỏi)",
            "--as ADMIN_CODE is needed (the PIN comes from MOTCUA_PIN or is asked)",
        )
    pin = _read_pin(PIN_ENV, f"Mã PIN của / PIN of {code}: ")
    return CounterSessions(ctx.db, ctx.clock).authenticate(code, pin, ADMIN_ROLES)


def _service_codes(text: str) -> list[str]:
    codes = [c.strip().upper() for c in text.split(",") if c.strip()]
    if not codes:
        raise argparse.ArgumentTypeError("give service codes separated by commas, e.g. CT,CC")
    return codes


def _minutes_arg(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number of minutes, not '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


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
    actor = _admin_actor(ctx)
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
    _emit(
        a,
        f"Thủ tục / service {view.code}: {view.name_vi} / {view.name_en}, {state}, "
        f"giới hạn / cap {cap}, ngưỡng chờ / wait threshold {view.wait_threshold_minutes} "
        "phút / min",
        {"service": view},
    )
    return 0


def cmd_admin_counter(ctx: AppContext) -> int:
    a = ctx.args
    actor = _admin_actor(ctx)
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
    _emit(
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
        pin = _read_pin(NEW_PIN_ENV, f"Mã PIN mới của / new PIN of {a.code}: ", confirm=True)
        ctx.admin.add_first_admin(a.code, a.full_name, pin)
        _emit(
            a,
            f"Đã tạo quản trị viên đầu tiên / first admin created: {a.code}",
            {"officer": a.code, "action": "add", "by": None},
        )
        return 0
    actor = _admin_actor(ctx)
    if action == "list":
        officers = ctx.admin.officers()
        lines = [
            f"{o.code:<8} {o.full_name:<28} {o.role:<10} "
            + ("" if o.active else "[vô hiệu / deactivated] ")
            + ("[bị khóa / locked]" if o.locked else "")
            for o in officers
        ]
        _emit(a, "\n".join(lines) or "-", {"officers": officers})
        return 0
    if action == "add":
        pin = _read_pin(NEW_PIN_ENV, f"Mã PIN mới của / new PIN of {a.code}: ", confirm=True)
        ctx.admin.add_officer(a.code, a.full_name, Role(a.role), pin, actor=actor)
        text = f"Đã thêm cán bộ / officer added: {a.code} ({a.role})"
    elif action == "reset-pin":
        pin = _read_pin(NEW_PIN_ENV, f"Mã PIN mới của / new PIN of {a.code}: ", confirm=True)
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
    _emit(a, text, {"officer": a.code, "action": action, "by": actor.code})
    return 0


def cmd_admin_settings(ctx: AppContext) -> int:
    a = ctx.args
    value = _setting_value(a.key, a.value)
    actor = _admin_actor(ctx)
    office = ctx.admin.update_settings({a.key: value}, actor=actor)
    payload = _to_jsonable(office)
    _emit(a, json.dumps(payload, ensure_ascii=False, indent=2), payload)
    return 0


_Leaf = Callable[[Any, str, Handler, str], argparse.ArgumentParser]


def _add_admin_commands(
    add: Callable[[str, Handler, str], argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """`motcua admin service|counter|officer|settings ACTION ... --as CODE`."""
    acting = _Parser(add_help=False)
    acting.add_argument(
        "--as",
        dest="actor",
        default=None,
        metavar="CODE",
        help=f"the acting admin's officer code (PIN from ${PIN_ENV} or asked)",
    )
    admin = add("admin", cmd_admin_service, "change the office's configuration (admins only)")
    kinds: Any = admin.add_subparsers(dest="admin_kind", required=True, parser_class=_Parser)

    def leaf(group: Any, name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = group.add_parser(
            name, help=help_text, description=help_text, parents=[common, acting]
        )
        p.set_defaults(handler=handler)
        return p

    def actions(name: str, help_text: str) -> Any:
        kind = kinds.add_parser(name, help=help_text, description=help_text, parents=[common])
        return kind.add_subparsers(dest="admin_action", required=True, parser_class=_Parser)

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
    p.add_argument("--cap", type=_minutes_arg, help="tickets per day at most")
    p.add_argument("--threshold", type=_minutes_arg, help="wait alert threshold in minutes")
    p.add_argument("--closed", action="store_true", help="add it closed")
    p = leaf(actions, "set", cmd_admin_service, "change a service")
    p.add_argument("service")
    p.add_argument("--name-vi")
    p.add_argument("--name-en")
    p.add_argument("--numbering", help="applies only before the service's first ticket of the day")
    cap = p.add_mutually_exclusive_group()
    cap.add_argument("--cap", type=_minutes_arg, help="tickets per day at most")
    cap.add_argument("--no-cap", action="store_true", help="no daily cap")
    p.add_argument("--threshold", type=_minutes_arg, help="wait alert threshold in minutes")
    for name in ("open", "close"):
        p = leaf(actions, name, cmd_admin_service, f"{name} a service at the kiosk")
        p.add_argument("service")
        p.set_defaults(numbering=None)


def _add_admin_counters(actions: Any, leaf: _Leaf) -> None:
    p = leaf(actions, "add", cmd_admin_counter, "add a counter (closed)")
    p.add_argument("number", type=_counter_number)
    p.add_argument("--name")
    p.add_argument("--services", type=_service_codes, help="only these services, e.g. CT,CC")
    p = leaf(actions, "set", cmd_admin_counter, "rename a counter or change its services")
    p.add_argument("number", type=_counter_number)
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
        if args.command == "ticket-preview" and args.width is None:
            args.width = local.printer.paper_width
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


if __name__ == "__main__":
    raise SystemExit(main())
