"""The queue's commands: init, issue, call, recall, no-show, start, finish, transfer, cancel,
end-day and status. Each one calls the engine function the apps call."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from shared.cli.base import AppContext, Commands, counter_number, emit, local_time
from shared.errors import MotcuaError
from shared.office.demo import seed_demo
from shared.rules.domain import (
    COUNTER_STATE_VI,
    TICKET_STATUS_VI,
    CallResult,
    Outcome,
    StatusView,
    TicketView,
)
from shared.rules.numbering import load_zone
from shared.storage.database import safe_url
from shared.storage.schema import upgrade

log = logging.getLogger(__name__)


def register(commands: Commands) -> None:
    add = commands.add
    p = add("init", cmd_init, "create or upgrade the database")
    p.add_argument("--demo", action="store_true", help="seed a demo ward police office")

    p = add("issue", cmd_issue, "issue a ticket for a service")
    p.add_argument("service", help="service code or id")
    p.add_argument("--priority", metavar="CATEGORY", help="priority category code (e.g. elderly)")

    p = add("call", cmd_call, "call the next citizen to a counter")
    p.add_argument("counter", type=counter_number)
    p.add_argument("--ticket", help="call this ticket out of order (needs --reason)")
    p.add_argument("--reason")
    p.add_argument("--officer", help="officer code (default: the officer holding the counter)")

    for name, handler, text in (
        ("recall", cmd_recall, "announce the counter's called ticket again"),
        ("no-show", cmd_no_show, "the called citizen did not come"),
        ("start", cmd_start, "start serving the called citizen"),
    ):
        add(name, handler, text).add_argument("counter", type=counter_number)

    p = add("finish", cmd_finish, "finish the counter's ticket with an outcome")
    p.add_argument("counter", type=counter_number)
    p.add_argument(
        "--outcome",
        choices=[o.value for o in Outcome],
        default=Outcome.DOSSIER_RECEIVED.value,
    )

    p = add("transfer", cmd_transfer, "send the counter's ticket to a service or a counter")
    p.add_argument("counter", type=counter_number)
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--to", metavar="SERVICE")
    target.add_argument("--to-counter", type=counter_number, metavar="N")
    p.add_argument("--reason")

    p = add("cancel", cmd_cancel, "cancel an open ticket of today")
    p.add_argument("ticket", help="display number")
    p.add_argument("--reason", required=True)
    p.add_argument("--officer")

    p = add("end-day", cmd_end_day, "expire tickets left open (earlier days; today with --today)")
    p.add_argument("--today", action="store_true", help="also close today's open tickets")

    add("status", cmd_status, "waiting per service, counters and last calls")


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
    emit(
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
    emit(
        ctx.args,
        f"{t.display_number}  {t.service_name_vi} / {t.service_name_en}"
        + (
            f"  (trước bạn / ahead: {result.people_ahead}, chờ khoảng / about "
            f"{result.predicted_wait_minutes} phút / min)"
            if result.people_ahead is not None
            else ""
        ),
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
    emit(ctx.args, text, payload)
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
    emit(ctx.args, f"{verb}: {ticket.display_number}{where}", {"ticket": ticket})
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
    emit(a, f"Đã chuyển / transferred {ticket.display_number} -> {target}", {"ticket": ticket})
    return 0


def cmd_cancel(ctx: AppContext) -> int:
    ticket = ctx.engine.cancel(ctx.args.ticket, ctx.args.reason, officer_code=ctx.args.officer)
    return _print_ticket(ctx, "Đã hủy / cancelled", ticket)


def cmd_end_day(ctx: AppContext) -> int:
    closed = ctx.engine.end_day(include_today=ctx.args.today)
    emit(ctx.args, f"Đã đóng / expired {closed} số / tickets", {"expired": closed})
    return 0


def cmd_status(ctx: AppContext) -> int:
    status = ctx.queries.status()
    zone = load_zone(ctx.queries.settings().time_zone)
    emit(ctx.args, _status_text(status, zone), status)
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
            f"  {local_time(e.at, zone)}  {e.display_number} -> quầy / counter {e.counter_number}"
            + ("  (gọi lại / recall)" if e.kind == "ticket_recalled" else "")
        )
    if not status.last_calls:
        lines.append("  -")
    return "\n".join(lines)
