"""Random sequences of counter and kiosk actions, checked against a small reference model.

The model implements the documented policy on its own: the queue order is the arrival order; a
counter calls the oldest ticket it may serve (its service filter, or a ticket transferred to it);
strict mode always prefers a priority ticket; interleave N allows at most N calls in a row that
took a priority ticket while a normal one waited; a normal ticket that has waited longer than the
starvation bound goes before priority tickets that arrived after it.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from unit_support import MONDAY, MONDAY_0800, SERVICES, active_per_counter, create_database

from shared.clock import FakeClock
from shared.errors import ConflictError, InvalidInputError
from shared.office.admin import OfficeAdmin
from shared.queue.engine import QueueEngine
from shared.queue.queries import QueueQueries
from shared.rules.domain import Outcome, TicketStatus, TicketView
from shared.rules.numbering import NumberingFormat
from shared.storage.database import open_database, sqlite_url

WAITING, CALLED, SERVING = "waiting", "called", "serving"
FINISHED, NO_SHOW, CANCELLED = "finished", "no_show", "cancelled"
OPEN = (WAITING, CALLED, SERVING)


@dataclass
class ModelTicket:
    id: int
    number: str
    service: str
    priority: bool
    issued_at: dt.datetime
    status: str = WAITING
    counter: int | None = None
    target: int | None = None
    call_count: int = 0


@dataclass
class Model:
    mode: str
    interleave_n: int
    starvation_minutes: int
    counters: dict[int, frozenset[str] | None]  # None: serves every service
    tickets: dict[int, ModelTicket] = field(default_factory=dict)
    issued: dict[str, int] = field(default_factory=dict)
    over_normal: list[bool] = field(default_factory=list)  # one flag per call, oldest first
    last_reason: str = ""  # why choose() picked its ticket (reported as a Hypothesis event)

    def active(self, counter: int) -> ModelTicket | None:
        held = [
            t
            for t in self.tickets.values()
            if t.counter == counter and t.status in (CALLED, SERVING)
        ]
        assert len(held) <= 1
        return held[0] if held else None

    def choose(self, counter: int, now: dt.datetime) -> tuple[ModelTicket | None, bool]:
        allowed = self.counters[counter]
        eligible = [
            t
            for t in sorted(self.tickets.values(), key=lambda t: t.id)
            if t.status == WAITING
            and (
                t.target == counter
                or (t.target is None and (allowed is None or t.service in allowed))
            )
        ]
        normal = next((t for t in eligible if not t.priority), None)
        prio = next((t for t in eligible if t.priority), None)
        if prio is None or normal is None:
            self.last_reason = "only one kind waiting"
            return prio or normal, False
        bound = dt.timedelta(minutes=self.starvation_minutes)
        if self.starvation_minutes > 0 and normal.id < prio.id and now - normal.issued_at > bound:
            self.last_reason = "a starving normal ticket"
            return normal, False
        streak = 0
        for flag in reversed(self.over_normal):
            if not flag:
                break
            streak += 1
        if self.mode == "interleave" and streak >= self.interleave_n:
            self.last_reason = "a normal ticket after the interleave streak"
            return normal, False
        self.last_reason = "priority over a waiting normal ticket"
        return prio, True


@functools.cache
def _empty_database() -> Path:
    """A migrated database file, made once: each example starts from a copy (Alembic is slow)."""
    folder = Path(tempfile.mkdtemp(prefix="motcua-stateful-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "template.db"
    create_database(path).dispose()
    assert not path.with_name("template.db-wal").exists()  # fully checkpointed: one file
    return path


def _number(ticket: TicketView | None) -> str | None:
    return None if ticket is None else ticket.display_number


class QueueMachine(RuleBasedStateMachine):
    """One office on a fresh database file; every action is also applied to the model."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="motcua-stateful-"))
        shutil.copyfile(_empty_database(), self.folder / "q.db")
        self.db = open_database(sqlite_url(self.folder / "q.db"))
        self.clock = FakeClock(MONDAY_0800)
        self.engine = QueueEngine(self.db, self.clock)
        self.queries = QueueQueries(self.db, self.clock)
        self.codes: list[str] = []
        self.formats: dict[str, NumberingFormat] = {}
        self.model = Model("strict", 1, 0, {})

    def teardown(self) -> None:
        self.db.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    # ------------------------------------------------------------------ setup

    @initialize(
        service_count=st.integers(2, 3),
        counter_count=st.integers(2, 3),
        filtered=st.booleans(),
        mode=st.sampled_from(["strict", "interleave"]),
        interleave_n=st.integers(1, 3),
        starvation=st.sampled_from([0, 3, 10]),
        queue=st.lists(
            st.tuples(st.integers(0, 2), st.sampled_from([None, "elderly"]), st.integers(0, 4)),
            min_size=2,
            max_size=12,
        ),
    )
    def set_up_office(
        self,
        *,
        service_count: int,
        counter_count: int,
        filtered: bool,
        mode: str,
        interleave_n: int,
        starvation: int,
        queue: list[tuple[int, str | None, int]],
    ) -> None:
        """The office opens with people already queueing (issued a few minutes apart)."""
        admin = OfficeAdmin(self.db, self.clock)
        for code, name_vi, name_en, numbering in SERVICES[:service_count]:
            self.formats[code] = NumberingFormat.parse(numbering)
            admin.add_service(code, name_vi, name_en, self.formats[code])
            self.codes.append(code)
        admin.update_settings(
            {
                "priority": {
                    "mode": mode,
                    "interleave_n": interleave_n,
                    "starvation_minutes": starvation,
                }
            }
        )
        counters: dict[int, frozenset[str] | None] = {}
        for number in range(1, counter_count + 1):
            # The last counter may serve only the second service.
            only = frozenset(self.codes[1:2]) if filtered and number == counter_count else None
            admin.add_counter(number, services=sorted(only or ()))
            self.engine.open_counter(number)
            counters[number] = only
        self.model = Model(mode, interleave_n, starvation, counters)
        for service, priority, minutes in queue:
            self.clock.advance(minutes=minutes)
            self._issue(service, priority)

    def counter(self, index: int) -> int:
        """A counter number from a drawn index: 0-2 any counter, 3-5 one holding a ticket if any
        (so that recall, start, transfer... are not mostly tried on idle counters)."""
        numbers = sorted(self.model.counters)
        busy = [n for n in numbers if self.model.active(n) is not None]
        if index >= 3 and busy:
            return busy[index % len(busy)]
        return numbers[index % len(numbers)]

    # ------------------------------------------------------------------ kiosk

    @rule(
        tickets=st.lists(
            st.tuples(st.integers(0, 2), st.sampled_from([None, None, "elderly", "pregnant"])),
            min_size=1,
            max_size=4,
        )
    )
    def issue(self, tickets: list[tuple[int, str | None]]) -> None:
        for service, priority in tickets:
            self._issue(service, priority)

    def _issue(self, service: int, priority: str | None) -> None:
        code = self.codes[service % len(self.codes)]
        ticket = self.engine.issue_ticket(code, priority).ticket
        sequence = self.model.issued.get(code, 0) + 1
        self.model.issued[code] = sequence
        assert ticket.display_number == self.formats[code].display_number(sequence)
        assert ticket.status is TicketStatus.WAITING
        assert all(ticket.id > t for t in self.model.tickets)  # id = arrival order
        self.model.tickets[ticket.id] = ModelTicket(
            ticket.id, ticket.display_number, code, priority is not None, self.clock.now()
        )

    @rule(ticket=st.integers(0, 200), reason=st.sampled_from(["left", "  ", "printed twice"]))
    def cancel(self, ticket: int, reason: str) -> None:
        if not self.model.tickets:
            return
        t = sorted(self.model.tickets.values(), key=lambda t: t.id)[
            ticket % len(self.model.tickets)
        ]
        if not reason.strip():
            try:
                self.engine.cancel(t.number, reason)
            except InvalidInputError:
                return
            raise AssertionError("cancel without a reason was accepted")
        if t.status not in OPEN:
            try:
                self.engine.cancel(t.number, reason)
            except ConflictError:
                return
            raise AssertionError(f"cancelled {t.number} that was already {t.status}")
        view = self.engine.cancel(t.number, reason)
        assert view.status is TicketStatus.CANCELLED
        t.status = CANCELLED

    @rule(seconds=st.integers(10, 900))
    def advance_clock(self, seconds: int) -> None:
        # At most 40 steps of 15 minutes from 08:00: the business day never changes.
        self.clock.advance(seconds=seconds)

    # ------------------------------------------------------------------ counters

    @rule(counter=st.integers(0, 5))
    def call_next(self, counter: int) -> None:
        self._call_next(counter)

    @rule(counter=st.integers(0, 5))
    def call_next_again(self, counter: int) -> None:
        """Calling is what the model is about: twice the weight of the other actions."""
        self._call_next(counter)

    def _call_next(self, counter: int) -> None:
        number = self.counter(counter)
        held = self.model.active(number)
        expected, over_normal = self.model.choose(number, self.clock.now())
        result = self.engine.call_next(number)
        got_closed = _number(result.closed_previous)
        assert got_closed == (None if held is None else held.number)
        got = _number(result.ticket)
        assert got == (None if expected is None else expected.number), (
            f"counter {number} called {got}, the model expected "
            f"{None if expected is None else expected.number}"
        )
        if held is not None:
            held.status = FINISHED
            event("call_next finished the held ticket")
        if expected is not None:
            self._called(expected, number)
            self.model.over_normal.append(over_normal)
            event(f"call_next: {self.model.last_reason}")

    def _called(self, t: ModelTicket, counter: int) -> None:
        t.status, t.counter, t.target = CALLED, counter, None
        t.call_count += 1

    @rule(counter=st.integers(0, 5), ticket=st.integers(0, 200))
    def call_ticket(self, counter: int, ticket: int) -> None:
        if not self.model.tickets:
            return
        number = self.counter(counter)
        t = sorted(self.model.tickets.values(), key=lambda t: t.id)[
            ticket % len(self.model.tickets)
        ]
        if t.status not in (WAITING, NO_SHOW):
            try:
                self.engine.call_ticket(number, t.number, "out of order")
            except ConflictError:
                return
            raise AssertionError(f"called {t.number} out of order while {t.status}")
        held = self.model.active(number)
        result = self.engine.call_ticket(number, t.number, "out of order")
        assert result.ticket is not None and result.ticket.display_number == t.number
        got_closed = _number(result.closed_previous)
        assert got_closed == (None if held is None else held.number)
        if held is not None:
            held.status = FINISHED
        self._called(t, number)
        self.model.over_normal.append(False)

    def _refused(self, action: str, number: int) -> None:
        try:
            getattr(self.engine, action)(number)
        except ConflictError:
            return
        raise AssertionError(f"{action} on counter {number} was accepted")

    @rule(counter=st.integers(0, 5))
    def recall(self, counter: int) -> None:
        number = self.counter(counter)
        held = self.model.active(number)
        if held is None or held.status != CALLED:
            self._refused("recall", number)
            return
        view = self.engine.recall(number)
        held.call_count += 1
        assert (view.display_number, view.call_count) == (held.number, held.call_count)

    @rule(counter=st.integers(0, 5))
    def no_show(self, counter: int) -> None:
        number = self.counter(counter)
        held = self.model.active(number)
        if held is None or held.status != CALLED:
            self._refused("no_show", number)
            return
        assert self.engine.no_show(number).display_number == held.number
        held.status = NO_SHOW

    @rule(counter=st.integers(0, 5))
    def start(self, counter: int) -> None:
        number = self.counter(counter)
        held = self.model.active(number)
        if held is None or held.status != CALLED:
            self._refused("start", number)
            return
        assert self.engine.start(number).display_number == held.number
        held.status = SERVING

    @rule(counter=st.integers(0, 5), outcome=st.sampled_from(list(Outcome)))
    def finish(self, counter: int, outcome: Outcome) -> None:
        number = self.counter(counter)
        held = self.model.active(number)
        if held is None:
            try:
                self.engine.finish(number, outcome)
            except ConflictError:
                return
            raise AssertionError(f"finish on idle counter {number} was accepted")
        view = self.engine.finish(number, outcome)
        assert (view.display_number, view.outcome) == (held.number, outcome)
        held.status = FINISHED

    @rule(counter=st.integers(0, 5), service=st.integers(0, 2))
    def transfer_to_service(self, counter: int, service: int) -> None:
        number = self.counter(counter)
        code = self.codes[service % len(self.codes)]
        held = self.model.active(number)
        if held is None:
            try:
                self.engine.transfer(number, to_service=code)
            except ConflictError:
                return
            raise AssertionError(f"transfer from idle counter {number} was accepted")
        view = self.engine.transfer(number, to_service=code)
        assert (view.display_number, view.service_code) == (held.number, code)
        held.status, held.service, held.counter, held.target = WAITING, code, None, None

    @rule(counter=st.integers(0, 5), to_index=st.integers(0, 2))
    def transfer_to_counter(self, counter: int, to_index: int) -> None:
        number, to = self.counter(counter), self.counter(to_index)
        held = self.model.active(number)
        if held is None or to == number:
            try:
                self.engine.transfer(number, to_counter=to)
            except (ConflictError, InvalidInputError):
                return
            raise AssertionError(f"transfer from counter {number} to {to} was accepted")
        view = self.engine.transfer(number, to_counter=to)
        assert (view.display_number, view.target_counter_number) == (held.number, to)
        held.status, held.counter, held.target = WAITING, None, to
        event("transferred to a counter")

    # ------------------------------------------------------------------ invariants

    @invariant()
    def tickets_match_the_model(self) -> None:
        tickets = self.queries.tickets_of_day(MONDAY)
        numbers = [t.display_number for t in tickets]
        assert len(numbers) == len(set(numbers)), "a display number was issued twice"
        held = active_per_counter(tickets)
        assert all(len(n) == 1 for n in held.values()), f"a counter holds two tickets: {held}"
        actual = {
            t.id: (str(t.status), t.service_code, t.call_count, t.target_counter_number)
            for t in tickets
        }
        expected = {
            t.id: (t.status, t.service, t.call_count, t.target) for t in self.model.tickets.values()
        }
        assert actual == expected
        for t in tickets:
            if t.status in (TicketStatus.CALLED, TicketStatus.SERVING):
                assert t.counter_number == self.model.tickets[t.id].counter

    @invariant()
    def waiting_per_service_matches_the_model(self) -> None:
        status = self.queries.status()
        assert status.business_day == MONDAY
        waiting = {q.service.code: q.waiting for q in status.services}
        expected = {
            code: sum(
                1 for t in self.model.tickets.values() if t.status == WAITING and t.service == code
            )
            for code in self.codes
        }
        assert waiting == expected


QueueMachine.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestQueueEngineAgainstModel = QueueMachine.TestCase
