"""Domain vocabulary: states and kinds as StrEnum, and the frozen views the apps keep."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    FINISHED = "finished"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


TICKET_STATUS_VI: dict[TicketStatus, str] = {
    TicketStatus.WAITING: "đang chờ",
    TicketStatus.CALLED: "đã gọi",
    TicketStatus.SERVING: "đang phục vụ",
    TicketStatus.FINISHED: "đã xong",
    TicketStatus.NO_SHOW: "vắng mặt",
    TicketStatus.CANCELLED: "đã hủy",
    TicketStatus.EXPIRED: "hết hạn",
}

ACTIVE_STATUSES = (TicketStatus.CALLED, TicketStatus.SERVING)
OPEN_STATUSES = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING)


class Outcome(StrEnum):
    """How a served ticket ended (kết quả phục vụ)."""

    DOSSIER_RECEIVED = "dossier_received"
    RESULT_RETURNED = "result_returned"
    GUIDANCE_ONLY = "guidance_only"
    DOSSIER_INCOMPLETE = "dossier_incomplete"
    NOT_RECORDED = "not_recorded"


OUTCOME_LABELS: dict[Outcome, tuple[str, str]] = {
    Outcome.DOSSIER_RECEIVED: ("Đã tiếp nhận hồ sơ", "Dossier received"),
    Outcome.RESULT_RETURNED: ("Đã trả kết quả", "Result returned"),
    Outcome.GUIDANCE_ONLY: ("Chỉ hướng dẫn", "Guidance only"),
    Outcome.DOSSIER_INCOMPLETE: ("Hồ sơ chưa đầy đủ", "Dossier incomplete"),
    Outcome.NOT_RECORDED: ("Không ghi nhận", "Not recorded"),
}


class CounterState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


COUNTER_STATE_VI: dict[CounterState, str] = {
    CounterState.CLOSED: "đóng",
    CounterState.OPEN: "mở",
    CounterState.PAUSED: "tạm dừng",
}


class Role(StrEnum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class PriorityMode(StrEnum):
    STRICT = "strict"
    INTERLEAVE = "interleave"


class EventKind(StrEnum):
    TICKET_ISSUED = "ticket_issued"
    TICKET_CALLED = "ticket_called"
    TICKET_RECALLED = "ticket_recalled"
    TICKET_NO_SHOW = "ticket_no_show"
    SERVICE_STARTED = "service_started"
    TICKET_FINISHED = "ticket_finished"
    TICKET_TRANSFERRED = "ticket_transferred"
    TICKET_CANCELLED = "ticket_cancelled"
    TICKET_EXPIRED = "ticket_expired"
    COUNTER_OPENED = "counter_opened"
    COUNTER_PAUSED = "counter_paused"
    COUNTER_RESUMED = "counter_resumed"
    COUNTER_CLOSED = "counter_closed"
    SERVICE_CHANGED = "service_changed"
    COUNTER_CHANGED = "counter_changed"
    OFFICER_CHANGED = "officer_changed"
    SETTINGS_CHANGED = "settings_changed"
    # Sessions at counters (shared.office.sessions).
    OFFICER_LOGGED_IN = "officer_logged_in"
    OFFICER_LOGGED_OUT = "officer_logged_out"
    OFFICER_LOCKED_OUT = "officer_locked_out"
    OFFICER_UNLOCKED = "officer_unlocked"
    COUNTER_RELEASED = "counter_released"
    # The kiosk's printer: a fault, its end, and a ticket printed again (never a new ticket).
    PRINTER_FAULT = "printer_fault"
    PRINTER_RESTORED = "printer_restored"
    TICKET_REPRINTED = "ticket_reprinted"
    # `motcua restore` put a backup back: every running app reads everything again.
    DATABASE_RESTORED = "database_restored"


@dataclass(frozen=True, slots=True)
class PriorityCategory:
    code: str
    name_vi: str
    name_en: str


DEFAULT_PRIORITY_CATEGORIES: tuple[PriorityCategory, ...] = (
    PriorityCategory("elderly", "Người cao tuổi (từ 60 tuổi)", "Elderly (60+)"),
    PriorityCategory("disability", "Người khuyết tật", "Person with disabilities"),
    PriorityCategory("pregnant", "Phụ nữ mang thai", "Pregnant woman"),
    PriorityCategory("child_under_6", "Người đi cùng trẻ dưới 6 tuổi", "With a child under 6"),
    PriorityCategory(
        "meritorious", "Người có công với cách mạng", "Person with meritorious services"
    ),
)


@dataclass(frozen=True, slots=True)
class PriorityPolicy:
    """How priority tickets are ordered against normal ones.

    Attributes:
        mode: strict (priority always first) or interleave.
        interleave_n: with interleave, at most this many priority calls in a row while normal
            tickets wait.
        starvation_minutes: a normal ticket that has waited longer than this goes before priority
            tickets that arrived after it (0 disables the bound).
        categories: the priority categories a citizen can choose at the kiosk.
    """

    mode: PriorityMode = PriorityMode.INTERLEAVE
    interleave_n: int = 2
    starvation_minutes: int = 30
    categories: tuple[PriorityCategory, ...] = DEFAULT_PRIORITY_CATEGORIES

    def category(self, code: str) -> PriorityCategory | None:
        return next((c for c in self.categories if c.code == code), None)


@dataclass(frozen=True, slots=True)
class ServiceView:
    id: int
    code: str
    name_vi: str
    name_en: str
    prefix: str | None
    block_start: int | None
    block_end: int | None
    daily_cap: int | None
    is_open: bool
    wait_threshold_minutes: int


@dataclass(frozen=True, slots=True)
class TicketView:
    id: int
    display_number: str
    business_day: dt.date
    sequence: int
    service_code: str
    service_name_vi: str
    service_name_en: str
    priority_category: str | None
    status: TicketStatus
    counter_number: int | None
    target_counter_number: int | None
    officer_code: str | None
    issued_at: dt.datetime
    called_at: dt.datetime | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    call_count: int
    outcome: Outcome | None
    token: str


@dataclass(frozen=True, slots=True)
class IssueResult:
    """A ticket just issued, with the people ahead of it and its predicted wait: both None when
    they could not be read after the ticket was committed (the ticket is issued all the same)."""

    ticket: TicketView
    people_ahead: int | None
    predicted_wait_minutes: int | None


@dataclass(frozen=True, slots=True)
class CallResult:
    """What call next did: the ticket called (None when nobody waits) and any ticket it closed."""

    counter_number: int
    ticket: TicketView | None
    closed_previous: TicketView | None = None


@dataclass(frozen=True, slots=True)
class CounterView:
    id: int
    number: int
    name: str
    state: CounterState
    pause_reason: str | None
    officer_code: str | None
    service_codes: tuple[str, ...]
    active_ticket: TicketView | None


@dataclass(frozen=True, slots=True)
class ServiceQueueView:
    service: ServiceView
    waiting: int
    longest_wait_seconds: int


@dataclass(frozen=True, slots=True)
class EventView:
    id: int
    kind: EventKind
    at: dt.datetime
    business_day: dt.date
    ticket_id: int | None
    display_number: str | None
    counter_number: int | None
    officer_code: str | None
    service_code: str | None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StatusView:
    business_day: dt.date
    services: tuple[ServiceQueueView, ...]
    counters: tuple[CounterView, ...]
    last_calls: tuple[EventView, ...]
