"""The supervisor's audit of a business day: actions that bypass the queue order or change it.

Read from the event log only (one read transaction, no lock): calls out of order, transfers,
no-shows, cancellations, counters released, and officer accounts locked out or unlocked, each with
who did it, at which counter and when. Every one of these is written by the engine in the same
transaction as its change, so nothing the queue did is missing here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from shared.clock import Clock
from shared.insight.reports import first_event_id
from shared.queue.queries import event_select, event_view
from shared.rules.domain import EventKind, EventView
from shared.rules.numbering import business_day
from shared.storage.database import Database
from shared.storage.tables import E, office_zone


class AuditKind(StrEnum):
    OUT_OF_ORDER_CALL = "out_of_order_call"
    TRANSFER = "transfer"
    NO_SHOW = "no_show"
    CANCELLATION = "cancellation"
    COUNTER_RELEASE = "counter_release"
    OFFICER_LOCKED_OUT = "officer_locked_out"
    OFFICER_UNLOCKED = "officer_unlocked"


AUDIT_KIND_LABELS: dict[AuditKind, tuple[str, str]] = {
    AuditKind.OUT_OF_ORDER_CALL: ("Gọi không theo thứ tự", "Out-of-order call"),
    AuditKind.TRANSFER: ("Chuyển số", "Transfer"),
    AuditKind.NO_SHOW: ("Vắng mặt", "No-show"),
    AuditKind.CANCELLATION: ("Hủy số", "Cancellation"),
    AuditKind.COUNTER_RELEASE: ("Giải phóng quầy", "Counter released"),
    AuditKind.OFFICER_LOCKED_OUT: ("Khóa tài khoản", "Account locked"),
    AuditKind.OFFICER_UNLOCKED: ("Mở khóa tài khoản", "Account unlocked"),
}

_KINDS = {
    EventKind.TICKET_CALLED: AuditKind.OUT_OF_ORDER_CALL,
    EventKind.TICKET_TRANSFERRED: AuditKind.TRANSFER,
    EventKind.TICKET_NO_SHOW: AuditKind.NO_SHOW,
    EventKind.TICKET_CANCELLED: AuditKind.CANCELLATION,
    EventKind.COUNTER_RELEASED: AuditKind.COUNTER_RELEASE,
    EventKind.OFFICER_LOCKED_OUT: AuditKind.OFFICER_LOCKED_OUT,
    EventKind.OFFICER_UNLOCKED: AuditKind.OFFICER_UNLOCKED,
}

# Reasons the engine writes itself (the others are typed by an officer and shown as they are).
_SYSTEM_REASONS: dict[str, tuple[str, str]] = {
    "counter_released": ("quầy được giải phóng", "counter released"),
    "counter_closed": ("quầy đóng", "counter closed"),
}


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audited action.

    Attributes:
        at: when (aware UTC); local_time: the same as the office's clock shows it (HH:MM:SS).
        officer_code: the officer who did it, or whose counter or account it was about.
        by: the supervisor or admin who did it, for releases and unlocks.
        reason: the reason given, if any.
        text_vi, text_en: one sentence saying what happened.
    """

    event_id: int
    kind: AuditKind
    at: dt.datetime
    local_time: str
    ticket_number: str | None
    service_code: str | None
    counter_number: int | None
    officer_code: str | None
    by: str | None
    reason: str | None
    text_vi: str
    text_en: str


def audit_day(db: Database, clock: Clock, day: dt.date | None = None) -> list[AuditEntry]:
    """The audited actions of business day DAY (default: today), oldest first."""
    with db.read_tx() as conn:
        zone = office_zone(conn)
        day = day or business_day(clock.now(), zone)
        start = first_event_id(conn, day)
        end = first_event_id(conn, day + dt.timedelta(days=1))
        rows = conn.execute(
            event_select()
            .where(
                E.c.id >= start,
                E.c.id < end,
                E.c.kind.in_([str(k) for k in _KINDS]),
            )
            .order_by(E.c.id)
        )
        events = [event_view(r) for r in rows]
    entries = []
    for event in events:
        if event.kind is EventKind.TICKET_CALLED and not event.details.get("out_of_order"):
            continue
        entries.append(_entry(event, event.at.astimezone(zone).strftime("%H:%M:%S")))
    return entries


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _entry(event: EventView, local_time: str) -> AuditEntry:
    kind = _KINDS[event.kind]
    d = event.details
    number = event.display_number or "?"
    counter = event.counter_number
    reason = _text(d.get("reason"))
    by = _text(d.get("by"))
    officer = event.officer_code
    if kind is AuditKind.OUT_OF_ORDER_CALL:
        vi = f"Gọi số {number} đến quầy {counter} không theo thứ tự"
        en = f"called {number} to counter {counter} out of order"
    elif kind is AuditKind.TRANSFER:
        if d.get("to_counter") is not None:
            target_vi, target_en = f"quầy {d['to_counter']}", f"counter {d['to_counter']}"
        elif d.get("to_service") is not None:
            target_vi = target_en = f"{d['to_service']}"
        else:
            target_vi, target_en = "hàng chờ", "the queue"
        source = d.get("from_counter", counter)
        vi = f"Chuyển số {number} từ quầy {source} sang {target_vi}"
        en = f"moved {number} from counter {source} to {target_en}"
        if reason in _SYSTEM_REASONS:
            reason = " / ".join(_SYSTEM_REASONS[reason])
    elif kind is AuditKind.NO_SHOW:
        vi = f"Số {number} vắng mặt khi quầy {counter} gọi"
        en = f"{number} did not come to counter {counter}"
    elif kind is AuditKind.CANCELLATION:
        vi = f"Hủy số {number}"
        en = f"cancelled {number}"
    elif kind is AuditKind.COUNTER_RELEASE:
        holder = officer or "-"
        vi = f"Giải phóng quầy {counter} (cán bộ {holder} đang giữ)"
        en = f"released counter {counter} (held by {holder})"
        returned = _text(d.get("returned_ticket"))
        if returned:
            vi += f", số {returned} trở lại hàng chờ"
            en += f", {returned} back in the queue"
    elif kind is AuditKind.OFFICER_LOCKED_OUT:
        vi = f"Khóa tài khoản {officer} sau {d.get('failed_pin_count')} lần sai PIN"
        en = f"locked {officer} after {d.get('failed_pin_count')} wrong PINs"
    else:
        vi = f"Mở khóa tài khoản {officer}"
        en = f"unlocked {officer}"
    return AuditEntry(
        event_id=event.id,
        kind=kind,
        at=event.at,
        local_time=local_time,
        ticket_number=event.display_number,
        service_code=event.service_code,
        counter_number=counter,
        officer_code=officer,
        by=by,
        reason=reason,
        text_vi=vi,
        text_en=en,
    )


__all__ = ["AUDIT_KIND_LABELS", "AuditEntry", "AuditKind", "audit_day"]
