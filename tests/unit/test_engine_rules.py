"""The queue engine's rules, one test each: every test fails if its rule is broken."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from unit_support import MONDAY, active_per_counter

from shared.clock import FakeClock
from shared.errors import ConflictError, DatabaseError, InvalidInputError, NotFoundError
from shared.office.admin import OfficeAdmin
from shared.queue.engine import QueueEngine
from shared.queue.queries import QueueQueries
from shared.rules.domain import (
    CounterState,
    EventKind,
    EventView,
    Outcome,
    TicketStatus,
    TicketView,
)
from shared.rules.numbering import NumberingFormat
from shared.storage.database import Database, open_database

BACKENDS_TOO = True  # also on PostgreSQL (see conftest)

TUESDAY = MONDAY + dt.timedelta(days=1)
TUESDAY_0005 = dt.datetime(2025, 3, 3, 17, 5, tzinfo=dt.UTC)  # 00:05 local on Tuesday

pytestmark = pytest.mark.usefixtures("office")

Events = Callable[[], list[EventView]]
FindTicket = Callable[..., TicketView]
AddCounter = Callable[..., None]


def issue(engine: QueueEngine, *services: str, priority: str | None = None) -> list[str]:
    return [engine.issue_ticket(s, priority).ticket.display_number for s in services]


def call(engine: QueueEngine, counter: int) -> str | None:
    result = engine.call_next(counter)
    return None if result.ticket is None else result.ticket.display_number


def call_all(engine: QueueEngine, counter: int) -> list[str]:
    called = []
    while (number := call(engine, counter)) is not None:
        called.append(number)
    return called


def snapshot(queries: QueueQueries, day: dt.date = MONDAY) -> tuple[Any, ...]:
    """Every ticket of DAY, every counter and service, and the length of the event log."""
    counters = queries.status().counters
    log = queries.events_after(0, limit=100_000)
    return tuple(queries.tickets_of_day(day)), counters, tuple(queries.services()), len(log)


def set_priority(
    admin: OfficeAdmin, mode: str, interleave_n: int = 2, starvation: int = 30
) -> None:
    admin.update_settings(
        {"priority": {"mode": mode, "interleave_n": interleave_n, "starvation_minutes": starvation}}
    )


# ---------------------------------------------------------------------- numbering


def test_numbers_count_per_service_and_restart_the_next_business_day(
    engine: QueueEngine, clock: FakeClock
) -> None:
    assert issue(engine, "CT", "CT", "CC", "CT", "DD", "CC") == [
        "1001",
        "1002",
        "A001",
        "1003",
        "2001",
        "A002",
    ]
    clock.set(TUESDAY_0005)
    tuesday = [engine.issue_ticket(s).ticket for s in ("CC", "CT", "CT")]
    assert [t.display_number for t in tuesday] == ["A001", "1001", "1002"]
    assert [t.sequence for t in tuesday] == [1, 1, 2]
    assert {t.business_day for t in tuesday} == {TUESDAY}


def test_display_numbers_never_repeat_in_a_day_even_after_transfers(
    engine: QueueEngine, queries: QueueQueries
) -> None:
    issue(engine, "CT", "CT")
    assert call(engine, 1) == "1001"
    assert call(engine, 2) == "1002"
    # 1002 now waits in CC's queue; CT's next number must still be 1003.
    engine.transfer(2, to_service="CC")
    engine.transfer(1, to_service="DD")
    numbers = issue(engine, "CT", "CC", "DD", "CT", "CC")
    assert numbers == ["1003", "A001", "2001", "1004", "A002"]
    all_numbers = [t.display_number for t in queries.tickets_of_day(MONDAY)]
    assert len(all_numbers) == len(set(all_numbers)) == 7


# ---------------------------------------------------------------------- end of day


def test_first_write_of_a_new_day_expires_tickets_left_open(
    engine: QueueEngine, clock: FakeClock, events: Events, ticket: FindTicket
) -> None:
    issue(engine, "CT", "CT", "CC", "CC")
    assert call(engine, 1) == "1001"
    engine.finish(1, Outcome.GUIDANCE_ONLY)  # 1001 finished: stays finished
    assert call(engine, 1) == "1002"  # called
    assert call(engine, 2) == "A001"
    engine.start(2)  # serving; A002 still waiting
    open_ids = {ticket(n).id for n in ("1002", "A001", "A002")}
    before = len(events())

    clock.set(TUESDAY_0005)
    assert engine.issue_ticket("CT").ticket.display_number == "1001"

    expired = [e for e in events()[before:] if e.kind is EventKind.TICKET_EXPIRED]
    assert sorted(e.ticket_id for e in expired) == sorted(open_ids)
    assert {e.details["reason"] for e in expired} == {"day_rolled_over"}
    for number in ("1002", "A001", "A002"):
        t = ticket(number)
        assert t.status is TicketStatus.EXPIRED
        assert t.finished_at == TUESDAY_0005
    assert ticket("1001").status is TicketStatus.FINISHED
    # The counters are free again: calling next does not "finish" yesterday's tickets.
    result = engine.call_next(1)
    assert result.closed_previous is None
    assert result.ticket is not None and result.ticket.business_day == TUESDAY
    # Only the first write of the day expires anything.
    engine.issue_ticket("CC")
    assert sum(e.kind is EventKind.TICKET_EXPIRED for e in events()) == 3


def test_end_day_with_today_expires_todays_open_tickets(
    engine: QueueEngine, events: Events, ticket: FindTicket
) -> None:
    issue(engine, "CT", "CT", "CC")
    call(engine, 1)
    before = len(events())
    assert engine.end_day() == 0  # without --today only earlier days are closed
    assert len(events()) == before
    assert ticket("1002").status is TicketStatus.WAITING

    assert engine.end_day(include_today=True) == 3
    new = events()[before:]
    assert [e.kind for e in new] == [EventKind.TICKET_EXPIRED] * 3
    assert {e.details["reason"] for e in new} == {"office_closed"}
    assert {ticket(n).status for n in ("1001", "1002", "A001")} == {TicketStatus.EXPIRED}
    assert engine.call_next(2).ticket is None


# ---------------------------------------------------------------------- issuing


def test_daily_cap_refuses_the_next_ticket_and_changes_nothing(
    admin: OfficeAdmin, engine: QueueEngine, queries: QueueQueries
) -> None:
    admin.add_service("XP", "Xử phạt", "Fines", NumberingFormat.parse("5001-5999"), daily_cap=2)
    assert issue(engine, "XP", "XP") == ["5001", "5002"]
    before = snapshot(queries)
    with pytest.raises(ConflictError) as refused:
        engine.issue_ticket("XP")
    assert "XP" in refused.value.en
    assert snapshot(queries) == before
    waiting = {q.service.code: q.waiting for q in queries.status().services}
    assert waiting["XP"] == 2


def test_a_block_smaller_than_the_cap_caps_the_day(
    admin: OfficeAdmin, engine: QueueEngine, queries: QueueQueries
) -> None:
    admin.add_service("TKQ", "Trả kết quả", "Results", NumberingFormat.parse("6001-6002"))
    assert issue(engine, "TKQ", "TKQ") == ["6001", "6002"]
    before = snapshot(queries)
    with pytest.raises(ConflictError):
        engine.issue_ticket("TKQ")
    assert snapshot(queries) == before


def test_a_closed_service_issues_no_ticket(
    admin: OfficeAdmin, engine: QueueEngine, queries: QueueQueries
) -> None:
    issue(engine, "CT")
    admin.set_service_open("CT", False)
    before = snapshot(queries)
    with pytest.raises(ConflictError):
        engine.issue_ticket("CT")
    assert snapshot(queries) == before
    admin.set_service_open("CT", True)
    assert issue(engine, "CT") == ["1002"]


def test_unknown_service_and_invalid_priority_are_refused(
    engine: QueueEngine, queries: QueueQueries
) -> None:
    before = snapshot(queries)
    with pytest.raises(NotFoundError):
        engine.issue_ticket("ZZ")
    with pytest.raises(InvalidInputError) as refused:
        engine.issue_ticket("CT", "vip")
    assert "vip" in refused.value.en
    assert snapshot(queries) == before
    assert engine.issue_ticket("CT", "elderly").ticket.priority_category == "elderly"


# ---------------------------------------------------------------------- calling


def test_call_next_takes_the_longest_waiting_ticket_across_services(engine: QueueEngine) -> None:
    issued = issue(engine, "CC", "DD", "CT", "CC", "CT", "DD")
    assert call_all(engine, 1) == issued


def test_a_filtered_counter_only_calls_its_services(
    engine: QueueEngine, add_counter: AddCounter
) -> None:
    add_counter(3, services=["CC", "DD"])
    issue(engine, "CT", "CT", "CC", "DD")
    assert call(engine, 3) == "A001"  # not 1001, which waited longer
    assert call(engine, 3) == "2001"
    assert call(engine, 3) is None  # CT tickets still wait, but not for counter 3
    assert call_all(engine, 1) == ["1001", "1002"]


@pytest.mark.parametrize(
    ("interleave_n", "expected"),
    [
        (1, "P1 N1 P2 N2 P3 N3 P4 P5 P6"),
        (2, "P1 P2 N1 P3 P4 N2 P5 P6 N3"),
        (3, "P1 P2 P3 N1 P4 P5 P6 N2 N3"),
    ],
)
def test_interleave_n_calls_n_priority_tickets_then_a_normal_one(
    admin: OfficeAdmin, engine: QueueEngine, interleave_n: int, expected: str
) -> None:
    set_priority(admin, "interleave", interleave_n)
    names = dict(zip(issue(engine, "CT", "CT", "CT"), ["N1", "N2", "N3"], strict=True))
    prio = issue(engine, "CC", "CC", "DD", "CC", "DD", "CC", priority="elderly")
    names |= dict(zip(prio, ["P1", "P2", "P3", "P4", "P5", "P6"], strict=True))
    # Alternate counters: the streak is the office's, not one counter's.
    order = [call(engine, 1 + i % 2) for i in range(9)]
    assert " ".join(names[n] for n in order if n is not None) == expected


def test_strict_calls_every_priority_ticket_first(admin: OfficeAdmin, engine: QueueEngine) -> None:
    set_priority(admin, "strict")
    normal = issue(engine, "CT", "CC")
    prio = issue(engine, "CT", "DD", "CC", priority="pregnant")
    assert call_all(engine, 1) == prio + normal


@pytest.mark.parametrize("mode", ["strict", "interleave"])
def test_a_starving_normal_ticket_goes_before_later_priority_tickets_only(
    admin: OfficeAdmin, engine: QueueEngine, clock: FakeClock, mode: str
) -> None:
    set_priority(admin, mode, interleave_n=5, starvation=30)
    [p_before] = issue(engine, "CC", priority="elderly")
    clock.advance(minutes=1)
    [normal] = issue(engine, "CT")
    clock.advance(minutes=30, seconds=1)  # the normal ticket has waited more than 30 minutes
    p_after = issue(engine, "CC", "DD", priority="disability")
    # The priority ticket issued before it still goes first; the later ones wait.
    assert call_all(engine, 1) == [p_before, normal, *p_after]


def test_a_normal_ticket_within_the_starvation_bound_waits(
    admin: OfficeAdmin, engine: QueueEngine, clock: FakeClock
) -> None:
    set_priority(admin, "strict", starvation=30)
    [normal] = issue(engine, "CT")
    clock.advance(minutes=29)
    prio = issue(engine, "CC", "DD", priority="elderly")
    assert call_all(engine, 1) == [*prio, normal]


# ---------------------------------------------------------------------- transfer


def test_transfer_to_a_service_keeps_the_number_and_the_place(
    engine: QueueEngine, add_counter: AddCounter, queries: QueueQueries, ticket: FindTicket
) -> None:
    add_counter(3, services=["CC"])
    issue(engine, "CT", "CT")
    assert call(engine, 1) == "1001"
    issue(engine, "CC")  # A001 arrives after 1001
    moved = engine.transfer(1, to_service="CC", reason="sai thủ tục")
    assert (moved.display_number, moved.service_code) == ("1001", "CC")
    assert moved.status is TicketStatus.WAITING and moved.counter_number is None
    waiting = {q.service.code: q.waiting for q in queries.status().services}
    assert (waiting["CT"], waiting["CC"]) == (1, 2)
    assert call(engine, 3) == "1001"  # before A001, issued after it
    assert ticket("1001").call_count == 2
    assert call(engine, 3) == "A001"
    assert call(engine, 2) == "1002"


def test_transfer_to_a_counter_reserves_the_ticket_for_it(
    engine: QueueEngine, add_counter: AddCounter, ticket: FindTicket
) -> None:
    add_counter(3)
    issue(engine, "CT", "CT")
    assert call(engine, 1) == "1001"
    moved = engine.transfer(1, to_counter=2)
    assert moved.status is TicketStatus.WAITING and moved.target_counter_number == 2
    assert call(engine, 3) == "1002"  # 1001 waited longer but is reserved for counter 2
    assert call(engine, 1) is None
    assert call(engine, 2) == "1001"
    assert ticket("1001").target_counter_number is None


def test_closing_a_counter_returns_the_tickets_transferred_to_it_to_the_queue(
    engine: QueueEngine, add_counter: AddCounter, events: Events, ticket: FindTicket
) -> None:
    add_counter(3)
    issue(engine, "CT", "CT")
    assert call(engine, 1) == "1001"
    engine.transfer(1, to_counter=2)
    engine.close_counter(2)  # the officer of counter 2 goes home before calling 1001
    assert ticket("1001").target_counter_number is None
    returned = [e for e in events() if e.kind == EventKind.TICKET_TRANSFERRED][-1]
    assert (returned.display_number, returned.details["reason"]) == ("1001", "counter_closed")
    assert call(engine, 3) == "1001"  # not stranded, and still before 1002


def test_transfer_to_a_closed_counter_or_its_own_counter_is_refused(
    engine: QueueEngine, add_counter: AddCounter, queries: QueueQueries, ticket: FindTicket
) -> None:
    add_counter(4, open_=False)
    issue(engine, "CT")
    call(engine, 1)
    before = snapshot(queries)
    with pytest.raises(ConflictError):
        engine.transfer(1, to_counter=4)
    with pytest.raises(InvalidInputError):
        engine.transfer(1, to_counter=1)
    with pytest.raises(InvalidInputError):
        engine.transfer(1, to_service="CC", to_counter=2)
    with pytest.raises(InvalidInputError):
        engine.transfer(1)
    with pytest.raises(NotFoundError):
        engine.transfer(1, to_service="ZZ")
    assert snapshot(queries) == before
    assert ticket("1001").status is TicketStatus.CALLED


# ---------------------------------------------------------------- recall, no-show, out of order


def test_recall_counts_the_call_and_keeps_the_order_and_call_time(
    engine: QueueEngine, clock: FakeClock, events: Events, ticket: FindTicket
) -> None:
    issue(engine, "CT", "CT", "CT")
    call(engine, 1)
    called_at = ticket("1001").called_at
    clock.advance(minutes=2)
    recalled = engine.recall(1)
    assert recalled.call_count == 2
    assert recalled.status is TicketStatus.CALLED
    assert recalled.called_at == called_at == dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC)
    last = events()[-1]
    assert (last.kind, last.display_number, last.counter_number) == (
        EventKind.TICKET_RECALLED,
        "1001",
        1,
    )
    assert call_all(engine, 2) == ["1002", "1003"]


def test_only_a_called_ticket_can_be_recalled(engine: QueueEngine, queries: QueueQueries) -> None:
    before = snapshot(queries)
    with pytest.raises(ConflictError):
        engine.recall(1)  # nothing called
    assert snapshot(queries) == before
    issue(engine, "CT")
    call(engine, 1)
    engine.start(1)
    before = snapshot(queries)
    with pytest.raises(ConflictError):
        engine.recall(1)  # already being served
    assert snapshot(queries) == before


def test_no_show_closes_the_ticket_and_frees_the_counter(
    engine: QueueEngine, clock: FakeClock, ticket: FindTicket, queries: QueueQueries
) -> None:
    issue(engine, "CT", "CT")
    call(engine, 1)
    clock.advance(minutes=3)
    gone = engine.no_show(1)
    assert gone.status is TicketStatus.NO_SHOW and gone.finished_at == clock.now()
    counter = next(c for c in queries.status().counters if c.number == 1)
    assert counter.active_ticket is None
    result = engine.call_next(1)
    assert result.closed_previous is None
    assert result.ticket is not None and result.ticket.display_number == "1002"
    assert call(engine, 2) is None  # a no-show does not go back to the queue
    assert ticket("1001").status is TicketStatus.NO_SHOW


def test_call_ticket_calls_out_of_order_with_a_reason(
    engine: QueueEngine, events: Events, ticket: FindTicket, queries: QueueQueries
) -> None:
    issue(engine, "CT", "CT", "CT")
    call(engine, 1)
    engine.no_show(1)
    before = snapshot(queries)
    with pytest.raises(InvalidInputError):
        engine.call_ticket(1, "1003", "   ")
    assert snapshot(queries) == before

    later = engine.call_ticket(1, "1003", " người cao tuổi ").ticket  # 1002 waited longer
    assert later is not None and later.display_number == "1003"
    back = engine.call_ticket(2, "1001", "came back").ticket  # the no-show returned
    assert back is not None and back.status is TicketStatus.CALLED
    assert (back.call_count, back.counter_number, back.finished_at) == (2, 2, None)

    called = [e for e in events() if e.kind is EventKind.TICKET_CALLED]
    assert [(e.display_number, e.details.get("out_of_order")) for e in called[-2:]] == [
        ("1003", True),
        ("1001", True),
    ]
    assert [e.details["reason"] for e in called[-2:]] == ["người cao tuổi", "came back"]
    assert called[0].details.get("out_of_order") is not True
    assert ticket("1002").status is TicketStatus.WAITING
    # A finished ticket cannot be called again.
    engine.finish(1, Outcome.RESULT_RETURNED)
    before = snapshot(queries)
    with pytest.raises(ConflictError):
        engine.call_ticket(1, "1003", "again")
    with pytest.raises(NotFoundError):
        engine.call_ticket(1, "1999", "no such ticket")
    assert snapshot(queries) == before


# ---------------------------------------------------------------------- serving


def test_start_then_finish_records_the_times_and_the_outcome(
    engine: QueueEngine, clock: FakeClock, ticket: FindTicket
) -> None:
    issue(engine, "CT")
    call(engine, 1)
    clock.advance(minutes=1)
    started = engine.start(1)
    assert started.status is TicketStatus.SERVING
    clock.advance(minutes=7)
    done = engine.finish(1, Outcome.DOSSIER_RECEIVED)
    t = ticket("1001")
    assert t == done
    assert t.status is TicketStatus.FINISHED
    assert t.outcome is Outcome.DOSSIER_RECEIVED
    assert t.called_at == dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC)
    assert t.started_at == dt.datetime(2025, 3, 3, 1, 1, tzinfo=dt.UTC)
    assert t.finished_at == dt.datetime(2025, 3, 3, 1, 8, tzinfo=dt.UTC)


def test_finish_without_start_leaves_no_start_time(
    engine: QueueEngine, clock: FakeClock, ticket: FindTicket, queries: QueueQueries
) -> None:
    issue(engine, "CT")
    call(engine, 1)
    clock.advance(minutes=2)
    engine.finish(1, Outcome.GUIDANCE_ONLY)
    t = ticket("1001")
    assert (t.status, t.outcome, t.started_at) == (
        TicketStatus.FINISHED,
        Outcome.GUIDANCE_ONLY,
        None,
    )
    assert t.finished_at == clock.now()
    before = snapshot(queries)
    with pytest.raises(ConflictError):
        engine.finish(1, Outcome.GUIDANCE_ONLY)  # nothing left to finish
    with pytest.raises(ConflictError):
        engine.start(1)
    assert snapshot(queries) == before


def test_call_next_finishes_the_ticket_the_counter_still_holds(
    engine: QueueEngine, events: Events, ticket: FindTicket
) -> None:
    issue(engine, "CT", "CT")
    call(engine, 1)
    engine.start(1)
    before = len(events())
    result = engine.call_next(1)
    assert result.ticket is not None and result.ticket.display_number == "1002"
    assert result.closed_previous is not None
    closed = result.closed_previous
    assert (closed.display_number, closed.status, closed.outcome) == (
        "1001",
        TicketStatus.FINISHED,
        Outcome.NOT_RECORDED,
    )
    assert ticket("1001").started_at is not None
    new = events()[before:]
    assert [(e.kind, e.display_number) for e in new] == [
        (EventKind.TICKET_FINISHED, "1001"),
        (EventKind.TICKET_CALLED, "1002"),
    ]
    assert new[0].details["closed_by"] == "call_next"
    assert new[0].details["outcome"] == "not_recorded"

    # With nobody left, the held ticket is finished all the same, with the outcome given.
    last = engine.call_next(1, previous_outcome=Outcome.DOSSIER_INCOMPLETE)
    assert last.ticket is None
    assert last.closed_previous is not None
    assert last.closed_previous.outcome is Outcome.DOSSIER_INCOMPLETE


def test_a_counter_never_holds_two_active_tickets(
    engine: QueueEngine, add_counter: AddCounter, queries: QueueQueries
) -> None:
    add_counter(3, services=["CC"])
    issue(engine, "CT", "CC", "CT", "DD", "CC", "CT", "CC", "DD")
    steps: list[Callable[[], object]] = [
        lambda: engine.call_next(1),
        lambda: engine.call_next(2),
        lambda: engine.call_next(1),
        lambda: engine.start(1),
        lambda: engine.call_ticket(1, "2002", "urgent"),
        lambda: engine.call_next(3),
        lambda: engine.transfer(1, to_counter=2),
        lambda: engine.call_next(2),
        lambda: engine.call_ticket(2, "A003", "back"),
        lambda: engine.no_show(2),
        lambda: engine.call_ticket(3, "1003", "asked for"),
        lambda: engine.transfer(3, to_service="CT"),
        lambda: engine.call_next(1),
        lambda: engine.call_next(2),
        lambda: engine.call_next(1),
        lambda: engine.call_next(3),
    ]
    for step in steps:
        step()
        held = active_per_counter(queries.tickets_of_day(MONDAY))
        assert all(len(numbers) == 1 for numbers in held.values()), held
        views = {c.number: c.active_ticket for c in queries.status().counters}
        assert {n: [t.display_number] for n, t in views.items() if t is not None} == held


# ---------------------------------------------------------------------- counters


def test_a_closed_or_paused_counter_cannot_call(
    engine: QueueEngine, add_counter: AddCounter, queries: QueueQueries
) -> None:
    add_counter(5, open_=False)
    issue(engine, "CT")
    before = snapshot(queries)
    with pytest.raises(ConflictError):
        engine.call_next(5)
    with pytest.raises(ConflictError):
        engine.call_ticket(5, "1001", "reason")
    with pytest.raises(InvalidInputError):
        engine.pause_counter(1, "  ")  # pausing needs a reason
    assert snapshot(queries) == before

    paused = engine.pause_counter(1, "nghỉ trưa")
    assert (paused.state, paused.pause_reason) == (CounterState.PAUSED, "nghỉ trưa")
    before = snapshot(queries)
    with pytest.raises(ConflictError):
        engine.call_next(1)
    with pytest.raises(ConflictError):
        engine.pause_counter(1, "again")
    assert snapshot(queries) == before

    resumed = engine.resume_counter(1)
    assert (resumed.state, resumed.pause_reason) == (CounterState.OPEN, None)
    with pytest.raises(ConflictError):
        engine.resume_counter(1)  # not paused
    assert call(engine, 1) == "1001"


def test_a_counter_with_an_active_ticket_cannot_pause_or_close(
    engine: QueueEngine, queries: QueueQueries
) -> None:
    issue(engine, "CT")
    call(engine, 1)
    before = snapshot(queries)
    with pytest.raises(ConflictError):
        engine.pause_counter(1, "họp")
    with pytest.raises(ConflictError):
        engine.close_counter(1)
    assert snapshot(queries) == before
    engine.finish(1, Outcome.GUIDANCE_ONLY)
    assert engine.close_counter(1).state is CounterState.CLOSED
    with pytest.raises(ConflictError):
        engine.close_counter(1)
    assert engine.open_counter(1).state is CounterState.OPEN


# ---------------------------------------------------------------------- cancel


def test_cancel_needs_a_reason_and_a_cancelled_ticket_is_never_called(
    engine: QueueEngine, queries: QueueQueries, ticket: FindTicket
) -> None:
    issue(engine, "CT", "CT", "CT")
    before = snapshot(queries)
    with pytest.raises(InvalidInputError):
        engine.cancel("1001", " ")
    assert snapshot(queries) == before
    cancelled = engine.cancel("1001", "in nhầm")
    assert cancelled.status is TicketStatus.CANCELLED
    assert call_all(engine, 1) == ["1002", "1003"]
    assert ticket("1001").status is TicketStatus.CANCELLED
    with pytest.raises(ConflictError):
        engine.cancel("1001", "again")


def test_cancelling_a_called_ticket_frees_its_counter(
    engine: QueueEngine, queries: QueueQueries
) -> None:
    issue(engine, "CT", "CT")
    call(engine, 1)
    engine.cancel("1001", "công dân đã về")
    counter = next(c for c in queries.status().counters if c.number == 1)
    assert counter.active_ticket is None
    result = engine.call_next(1)
    assert result.closed_previous is None  # nothing was still held
    assert result.ticket is not None and result.ticket.display_number == "1002"


# ---------------------------------------------------------------------- events


def test_every_state_change_writes_exactly_one_event(engine: QueueEngine, events: Events) -> None:
    k = EventKind
    steps: list[tuple[Callable[[], object], list[EventKind]]] = [
        (lambda: engine.issue_ticket("CT"), [k.TICKET_ISSUED]),
        (lambda: engine.issue_ticket("CC", "elderly"), [k.TICKET_ISSUED]),
        (lambda: engine.issue_ticket("CT"), [k.TICKET_ISSUED]),
        (lambda: engine.call_next(1), [k.TICKET_CALLED]),
        (lambda: engine.recall(1), [k.TICKET_RECALLED]),
        (lambda: engine.start(1), [k.SERVICE_STARTED]),
        (lambda: engine.transfer(1, to_service="DD"), [k.TICKET_TRANSFERRED]),
        (lambda: engine.call_next(2), [k.TICKET_CALLED]),
        (lambda: engine.no_show(2), [k.TICKET_NO_SHOW]),
        (lambda: engine.call_ticket(2, "A001", "back"), [k.TICKET_CALLED]),
        (lambda: engine.call_next(2), [k.TICKET_FINISHED, k.TICKET_CALLED]),
        (lambda: engine.finish(2, Outcome.RESULT_RETURNED), [k.TICKET_FINISHED]),
        (lambda: engine.cancel("1002", "left"), [k.TICKET_CANCELLED]),
        (lambda: engine.pause_counter(2, "break"), [k.COUNTER_PAUSED]),
        (lambda: engine.resume_counter(2), [k.COUNTER_RESUMED]),
        (lambda: engine.close_counter(2), [k.COUNTER_CLOSED]),
        (lambda: engine.open_counter(2), [k.COUNTER_OPENED]),
        (lambda: engine.end_day(include_today=True), []),  # nothing is open any more
    ]
    seen = len(events())
    for step, kinds in steps:
        step()
        new = events()[seen:]
        assert [e.kind for e in new] == kinds, step
        seen += len(new)


def test_a_refused_action_leaves_tickets_and_events_unchanged(
    admin: OfficeAdmin, engine: QueueEngine, queries: QueueQueries, clock: FakeClock
) -> None:
    issue(engine, "CT", "CT")
    call(engine, 1)
    before = snapshot(queries)
    refused: list[tuple[Callable[[], object], type[Exception]]] = [
        (lambda: engine.pause_counter(1, "busy"), ConflictError),
        (lambda: engine.close_counter(1), ConflictError),
        (lambda: engine.transfer(1, to_counter=99), NotFoundError),
        (lambda: engine.call_next(99), NotFoundError),
        (lambda: engine.recall(2), ConflictError),
        (lambda: engine.call_ticket(2, "1001", "taken"), ConflictError),
        (lambda: engine.open_counter(1), ConflictError),
        (lambda: engine.cancel("A001", "nobody"), NotFoundError),
        # a counter is written before its unknown service is found: all of it is undone
        (lambda: admin.add_counter(7, services=["CT", "ZZ"]), NotFoundError),
    ]
    for action, error in refused:
        with pytest.raises(error):
            action()
        assert snapshot(queries) == before, action

    # On a new day a refused action does not expire yesterday's tickets either.
    clock.set(TUESDAY_0005)
    with pytest.raises(NotFoundError):
        engine.issue_ticket("ZZ")
    assert snapshot(queries) == before


def test_a_refused_first_action_of_the_day_does_not_lose_the_expiry(
    engine: QueueEngine, clock: FakeClock, ticket: FindTicket, events: Events
) -> None:
    issue(engine, "CT", "CC")
    clock.set(TUESDAY_0005)
    with pytest.raises(NotFoundError):
        engine.issue_ticket("ZZ")  # refused: its transaction, expiry included, is undone
    assert engine.issue_ticket("CT").ticket.business_day == TUESDAY
    assert {ticket(n).status for n in ("1001", "A001")} == {TicketStatus.EXPIRED}
    assert sum(e.kind is EventKind.TICKET_EXPIRED for e in events()) == 2


def test_event_ids_strictly_increase_across_writers(
    db_url: str, engine: QueueEngine, clock: FakeClock, queries: QueueQueries
) -> None:
    other_db = open_database(db_url)  # a second PC on the same database
    try:
        other = QueueEngine(other_db, clock)
        last = queries.events_after(0, limit=100_000)[-1].id
        writers = [engine, other, other, engine, other, engine]
        for i, writer in enumerate(writers):
            writer.issue_ticket("CT")
            writer.call_next(1 + i % 2)
            new = queries.events_after(last)
            ids = [e.id for e in new]
            assert len(ids) >= 2
            assert ids == sorted(set(ids)) and ids[0] > last
            last = ids[-1]
    finally:
        other_db.dispose()


# ---------------------------------------------------------------------- clock and empty queue


def test_a_clock_jumping_back_does_not_reorder_the_queue(
    engine: QueueEngine, clock: FakeClock
) -> None:
    clock.set(dt.datetime(2025, 3, 3, 2, 0, tzinfo=dt.UTC))  # 09:00
    first = issue(engine, "CT")
    clock.set(dt.datetime(2025, 3, 3, 1, 30, tzinfo=dt.UTC))  # the PC's clock is set back to 08:30
    second = issue(engine, "CC", "DD")
    assert call_all(engine, 1) == first + second


def test_call_next_with_nobody_waiting_changes_nothing(
    engine: QueueEngine, queries: QueueQueries
) -> None:
    before = snapshot(queries)
    result = engine.call_next(1)
    assert (result.counter_number, result.ticket, result.closed_previous) == (1, None, None)
    assert snapshot(queries) == before


@pytest.mark.usefixtures("office")
def test_a_committed_ticket_is_issued_even_when_its_estimate_cannot_be_read(
    db: Database, engine: QueueEngine, queries: QueueQueries, monkeypatch: pytest.MonkeyPatch
) -> None:
    @contextmanager
    def read_fails() -> Iterator[Any]:
        raise DatabaseError("Mất kết nối cơ sở dữ liệu", "the database connection was lost")
        yield  # pragma: no cover - a generator that fails at once

    monkeypatch.setattr(db, "read_tx", read_fails)  # the read after the commit fails
    result = engine.issue_ticket("CT")
    monkeypatch.undo()
    assert result.ticket.display_number == "1001"  # no ghost ticket: it is reported issued
    assert result.people_ahead is None and result.predicted_wait_minutes is None
    assert [t.display_number for t in queries.tickets_of_day(MONDAY)] == ["1001"]
    assert engine.issue_ticket("CT").people_ahead == 1  # the next one has its estimate
