"""Officers at counters: PIN login and lockout, one officer per counter, crash re-login, logout,
supervisor unlock and release (shared.office.sessions)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from unit_support import add_services

from shared.clock import FakeClock
from shared.errors import ConflictError, NotFoundError, PermissionDeniedError
from shared.office.admin import OfficeAdmin
from shared.office.sessions import LOCKOUT_MINUTES, MAX_FAILED_PINS, CounterSessions
from shared.queue.engine import QueueEngine
from shared.queue.queries import QueueQueries
from shared.rules.domain import CounterState, EventView, Outcome, Role, TicketStatus
from shared.storage.database import Database
from shared.storage.tables import OF

BACKENDS_TOO = True  # also on PostgreSQL (see conftest)


@pytest.fixture
def sessions(db: Database, clock: FakeClock) -> CounterSessions:
    return CounterSessions(db, clock)


@pytest.fixture
def staffed(admin: OfficeAdmin, add_counter: Callable[..., None]) -> None:
    """Services CT, CC, DD; closed counters 1, 2, 3; officers cb01, cb02, supervisor ld01."""
    add_services(admin)
    for number in (1, 2, 3):
        add_counter(number, open_=False)
    admin.add_officer("cb01", "Nguyễn Văn An", Role.OFFICER, "1111")
    admin.add_officer("cb02", "Trần Thị Bình", Role.OFFICER, "2222")
    admin.add_officer("ld01", "Võ Minh Đức", Role.SUPERVISOR, "9999")


def _kinds(events: list[EventView], after: int = 0) -> list[str]:
    return [str(e.kind) for e in events if e.id > after]


def _last_id(events: Callable[[], list[EventView]]) -> int:
    log = events()
    return log[-1].id if log else 0


@pytest.mark.usefixtures("staffed")
def test_login_opens_a_closed_counter_in_the_officers_name(
    sessions: CounterSessions, queries: QueueQueries, events: Callable[[], list[EventView]]
) -> None:
    before = _last_id(events)
    session = sessions.login("cb01", "1111", 1)
    assert session.officer.full_name == "Nguyễn Văn An"
    assert session.officer.role is Role.OFFICER
    assert not session.resumed
    assert session.counter.state is CounterState.OPEN
    assert session.counter.officer_code == "cb01"
    assert queries.counter(1).officer_code == "cb01"
    new = [e for e in events() if e.id > before]
    assert [str(e.kind) for e in new] == ["counter_opened", "officer_logged_in"]
    assert {e.officer_code for e in new} == {"cb01"}
    assert {e.counter_number for e in new} == {1}


@pytest.mark.usefixtures("staffed")
def test_the_pin_is_stored_only_as_a_salted_scrypt_hash(db: Database) -> None:
    with db.read_tx() as conn:
        stored = conn.execute(sa.select(OF.c.pin_hash).where(OF.c.code == "cb01")).scalar_one()
    assert stored.startswith("scrypt$")
    assert "1111" not in stored


@pytest.mark.usefixtures("staffed")
def test_wrong_pins_name_the_tries_left_then_lock_the_account_for_five_minutes(
    sessions: CounterSessions, clock: FakeClock, events: Callable[[], list[EventView]]
) -> None:
    for left in range(MAX_FAILED_PINS - 1, 0, -1):
        with pytest.raises(PermissionDeniedError) as wrong:
            sessions.login("cb01", "0000", 1)
        assert f"còn {left} lần thử" in wrong.value.vi
    before = _last_id(events)
    with pytest.raises(PermissionDeniedError) as locked:
        sessions.login("cb01", "0000", 1)
    assert "bị khóa" in locked.value.vi
    assert f"{LOCKOUT_MINUTES} phút" in locked.value.vi
    lock_events = [e for e in events() if e.id > before]
    assert [str(e.kind) for e in lock_events] == ["officer_locked_out"]
    assert lock_events[0].officer_code == "cb01"

    # Locked: even the right PIN is refused, naming the minutes left.
    clock.advance(minutes=3)
    with pytest.raises(PermissionDeniedError) as still:
        sessions.login("cb01", "1111", 1)
    assert "2 phút" in still.value.vi
    assert "2 min" in still.value.en

    clock.advance(minutes=2)
    session = sessions.login("cb01", "1111", 1)
    assert session.counter.officer_code == "cb01"


@pytest.mark.usefixtures("staffed")
def test_a_right_pin_resets_the_count_of_wrong_ones(sessions: CounterSessions) -> None:
    for _ in range(MAX_FAILED_PINS - 1):
        with pytest.raises(PermissionDeniedError):
            sessions.login("cb01", "0000", 1)
    sessions.login("cb01", "1111", 1)
    with pytest.raises(PermissionDeniedError) as wrong:
        sessions.login("cb01", "0000", 1)
    assert f"còn {MAX_FAILED_PINS - 1} lần thử" in wrong.value.vi


@pytest.mark.usefixtures("staffed")
def test_unknown_officer_and_unknown_counter_are_refused(sessions: CounterSessions) -> None:
    with pytest.raises(PermissionDeniedError, match="không đúng"):
        sessions.login("nobody", "1111", 1)
    with pytest.raises(NotFoundError, match="quầy số 9"):
        sessions.login("cb01", "1111", 9)


@pytest.mark.usefixtures("staffed")
def test_a_counter_held_by_another_officer_is_refused_with_their_code(
    sessions: CounterSessions, queries: QueueQueries
) -> None:
    sessions.login("cb01", "1111", 1)
    with pytest.raises(ConflictError) as held:
        sessions.login("cb02", "2222", 1)
    assert "Quầy 1 đang do cán bộ cb01" in held.value.vi
    assert queries.counter(1).officer_code == "cb01"


@pytest.mark.usefixtures("staffed")
def test_one_officer_cannot_hold_two_counters(
    sessions: CounterSessions, queries: QueueQueries
) -> None:
    sessions.login("cb01", "1111", 1)
    with pytest.raises(ConflictError) as two:
        sessions.login("cb01", "1111", 2)
    assert "đang đăng nhập ở quầy 1" in two.value.vi
    assert queries.counter(2).state is CounterState.CLOSED


@pytest.mark.usefixtures("staffed")
def test_logging_in_again_after_a_crash_restores_the_active_ticket(
    db: Database,
    clock: FakeClock,
    engine: QueueEngine,
    events: Callable[[], list[EventView]],
) -> None:
    CounterSessions(db, clock).login("cb01", "1111", 1)
    engine.issue_ticket("CT")
    engine.call_next(1, officer_code="cb01")
    engine.start(1)
    # The PC dies: a new process, new service objects, the same database.
    before = _last_id(events)
    session = CounterSessions(db, clock).login("cb01", "1111", 1)
    assert session.resumed
    assert session.counter.active_ticket is not None
    assert session.counter.active_ticket.display_number == "1001"
    assert session.counter.active_ticket.status is TicketStatus.SERVING
    new = [e for e in events() if e.id > before]
    assert [str(e.kind) for e in new] == ["officer_logged_in"]
    assert new[0].details == {"resumed": True}


@pytest.mark.usefixtures("staffed")
def test_logout_is_refused_while_a_ticket_is_held_then_closes_the_counter(
    sessions: CounterSessions,
    engine: QueueEngine,
    queries: QueueQueries,
    events: Callable[[], list[EventView]],
) -> None:
    sessions.login("cb01", "1111", 1)
    engine.issue_ticket("CT")
    engine.call_next(1, officer_code="cb01")
    with pytest.raises(ConflictError, match="trước khi đăng xuất"):
        sessions.logout(1, "cb01")
    engine.finish(1, Outcome.DOSSIER_RECEIVED)
    before = _last_id(events)
    view = sessions.logout(1, "cb01")
    assert view.state is CounterState.CLOSED
    assert view.officer_code is None
    assert _kinds(events(), before) == ["counter_closed", "officer_logged_out"]
    # The officer is free again: another counter takes them.
    assert sessions.login("cb01", "1111", 2).counter.number == 2
    assert queries.counter(2).officer_code == "cb01"


@pytest.mark.usefixtures("staffed")
def test_only_the_holder_can_log_out(sessions: CounterSessions) -> None:
    sessions.login("cb01", "1111", 1)
    with pytest.raises(ConflictError, match="không còn giữ quầy 1"):
        sessions.logout(1, "cb02")


@pytest.mark.usefixtures("staffed")
def test_only_a_supervisor_can_unlock_and_it_is_logged(
    sessions: CounterSessions, events: Callable[[], list[EventView]]
) -> None:
    for _ in range(MAX_FAILED_PINS):
        with pytest.raises(PermissionDeniedError):
            sessions.login("cb01", "0000", 1)
    with pytest.raises(PermissionDeniedError, match="Chỉ lãnh đạo"):
        sessions.unlock_officer("cb02", "2222", "cb01")
    with pytest.raises(PermissionDeniedError, match="còn 4 lần thử"):
        sessions.unlock_officer("ld01", "0000", "cb01")
    before = _last_id(events)
    unlocked = sessions.unlock_officer("ld01", "9999", "cb01")
    assert unlocked.code == "cb01"
    new = [e for e in events() if e.id > before]
    assert [str(e.kind) for e in new] == ["officer_unlocked"]
    assert new[0].officer_code == "cb01"
    assert new[0].details["by"] == "ld01"
    assert new[0].details["was_locked"] is True
    assert sessions.login("cb01", "1111", 1).counter.officer_code == "cb01"


@pytest.mark.usefixtures("staffed")
def test_release_frees_a_dead_pcs_counter_and_its_citizen_keeps_their_place(
    sessions: CounterSessions,
    engine: QueueEngine,
    queries: QueueQueries,
    events: Callable[[], list[EventView]],
) -> None:
    sessions.login("cb01", "1111", 1)
    sessions.login("cb02", "2222", 2)
    for _ in range(3):
        engine.issue_ticket("CT")
    engine.call_next(1, officer_code="cb01")  # 1001 at counter 1
    engine.call_next(2, officer_code="cb02")  # 1002 at counter 2
    engine.transfer(2, to_counter=1, reason="cần quầy 1")  # 1002 now waits for counter 1 only
    with pytest.raises(PermissionDeniedError, match="Chỉ lãnh đạo"):
        sessions.release_counter("cb02", "2222", 1)
    # Counter 1's PC dies.
    before = _last_id(events)
    view = sessions.release_counter("ld01", "9999", 1)
    assert view.state is CounterState.CLOSED
    assert view.officer_code is None
    assert view.active_ticket is None
    new = [e for e in events() if e.id > before]
    assert [str(e.kind) for e in new] == [
        "ticket_transferred",
        "ticket_transferred",
        "counter_released",
    ]
    assert [e.display_number for e in new[:2]] == ["1001", "1002"]
    assert {e.details["reason"] for e in new[:2]} == {"counter_released"}
    assert new[2].officer_code == "cb01"
    assert new[2].details["by"] == "ld01"
    assert new[2].details["returned_ticket"] == "1001"
    # The called citizen is first again, then the one transferred to the dead counter.
    first = engine.call_next(2, officer_code="cb02")
    assert first.ticket is not None
    assert first.ticket.display_number == "1001"
    assert first.ticket.call_count == 2
    second = engine.call_next(2, officer_code="cb02")
    assert second.ticket is not None
    assert second.ticket.display_number == "1002"
    # The officer of the dead PC can log in elsewhere, and at counter 1 again.
    assert sessions.login("cb01", "1111", 3).counter.officer_code == "cb01"
    with pytest.raises(ConflictError, match="đã đóng"):
        sessions.release_counter("ld01", "9999", 1)


@pytest.mark.usefixtures("staffed")
def test_an_open_counter_nobody_holds_keeps_its_state_at_login(
    sessions: CounterSessions, engine: QueueEngine, events: Callable[[], list[EventView]]
) -> None:
    engine.open_counter(3)
    engine.pause_counter(3, "họp")
    before = _last_id(events)
    session = sessions.login("cb02", "2222", 3)
    assert session.counter.state is CounterState.PAUSED
    assert session.counter.pause_reason == "họp"
    assert _kinds(events(), before) == ["officer_logged_in"]
