"""Role checks in the engine: who may watch (supervisor app) and who may change the office."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from shared.clock import FakeClock
from shared.errors import PermissionDeniedError
from shared.office.admin import OfficeAdmin
from shared.office.sessions import LOCKOUT_MINUTES, MAX_FAILED_PINS, CounterSessions
from shared.queue.authz import SYSTEM_ACTOR, OfficerIdentity
from shared.queue.engine import QueueEngine
from shared.queue.queries import QueueQueries
from shared.rules.domain import CounterState, Role
from shared.rules.numbering import NumberingFormat
from shared.storage.database import Database
from shared.storage.tables import OF

BACKENDS_TOO = True  # also on PostgreSQL (see conftest)

OFFICER = OfficerIdentity("cb01", "Nguyễn Văn An", Role.OFFICER)
SUPERVISOR = OfficerIdentity("ld01", "Võ Minh Đức", Role.SUPERVISOR)
ADMIN = OfficerIdentity("ad01", "Quản Trị Viên", Role.ADMIN)


@pytest.fixture
def sessions(db: Database, clock: FakeClock) -> CounterSessions:
    return CounterSessions(db, clock)


@pytest.fixture
def staffed(admin: OfficeAdmin, office: None) -> None:
    """The unit office (CT, CC, DD; counters 1 and 2 open) with one officer of each role."""
    admin.add_officer("cb01", "Nguyễn Văn An", Role.OFFICER, "1111")
    admin.add_officer("ld01", "Võ Minh Đức", Role.SUPERVISOR, "9999")
    admin.add_officer("ad01", "Quản Trị Viên", Role.ADMIN, "7777")


# ---------------------------------------------------------------------- authentication


@pytest.mark.usefixtures("staffed")
def test_supervisors_and_admins_are_authenticated_for_the_supervisor_app(
    sessions: CounterSessions,
) -> None:
    assert sessions.authenticate("ld01", "9999") == SUPERVISOR
    assert sessions.authenticate(" ad01 ", "7777") == ADMIN


@pytest.mark.usefixtures("staffed")
def test_an_officer_is_refused_by_the_engine_even_with_the_right_pin(
    sessions: CounterSessions, admin: OfficeAdmin
) -> None:
    with pytest.raises(PermissionDeniedError, match="'cb01' is an officer"):
        sessions.authenticate("cb01", "1111")
    # A refused role is not a wrong PIN: it never locks the account.
    assert next(o for o in admin.officers() if o.code == "cb01").failed_pin_count == 0
    with pytest.raises(PermissionDeniedError, match="only an admin"):
        sessions.authenticate("ld01", "9999", roles=(Role.ADMIN,))


@pytest.mark.usefixtures("staffed")
def test_wrong_pins_lock_the_supervisor_app_as_they_lock_a_counter(
    sessions: CounterSessions, clock: FakeClock
) -> None:
    for tries_left in range(MAX_FAILED_PINS - 1, 0, -1):
        with pytest.raises(PermissionDeniedError, match=f"{tries_left} tries left"):
            sessions.authenticate("ld01", "0000")
    with pytest.raises(PermissionDeniedError, match="locked"):
        sessions.authenticate("ld01", "0000")
    with pytest.raises(PermissionDeniedError, match="locked"):
        sessions.authenticate("ld01", "9999")  # the right PIN, but locked
    with pytest.raises(PermissionDeniedError, match="locked"):
        sessions.login("ld01", "9999", 1)  # the same lockout at a counter
    clock.advance(minutes=LOCKOUT_MINUTES, seconds=1)
    assert sessions.authenticate("ld01", "9999") == SUPERVISOR


@pytest.mark.usefixtures("staffed")
def test_unknown_and_deactivated_accounts_are_refused(
    sessions: CounterSessions, admin: OfficeAdmin
) -> None:
    with pytest.raises(PermissionDeniedError, match="wrong officer code or PIN"):
        sessions.authenticate("nobody", "1234")
    admin.set_officer_active("ld01", False, actor=ADMIN)
    with pytest.raises(PermissionDeniedError, match="deactivated"):
        sessions.authenticate("ld01", "9999")


# ---------------------------------------------------------------------- supervisor actions


@pytest.mark.usefixtures("staffed")
def test_unlock_and_release_as_a_logged_in_supervisor(
    sessions: CounterSessions, engine: QueueEngine, queries: QueueQueries
) -> None:
    with pytest.raises(PermissionDeniedError, match="'cb01' is an officer"):
        sessions.unlock_officer_as(OFFICER, "ld01")
    for _ in range(MAX_FAILED_PINS):
        with pytest.raises(PermissionDeniedError):
            sessions.login("cb01", "0000", 1)
    assert sessions.unlock_officer_as(SUPERVISOR, "cb01").code == "cb01"
    sessions.login("cb01", "1111", 1)
    engine.issue_ticket("CT")
    engine.call_next(1)
    with pytest.raises(PermissionDeniedError, match="only a supervisor or an admin"):
        sessions.release_counter_as(OFFICER, 1)
    assert queries.counter(1).state is CounterState.OPEN
    view = sessions.release_counter_as(ADMIN, 1)
    assert view.state is CounterState.CLOSED
    assert [t.status for t in queries.tickets_of_day(queries.status().business_day)] == ["waiting"]


@pytest.mark.usefixtures("staffed")
def test_a_role_changed_after_login_is_checked_again(
    sessions: CounterSessions, admin: OfficeAdmin
) -> None:
    actor = sessions.authenticate("ld01", "9999")
    admin.set_officer_active("ld01", False, actor=ADMIN)
    with pytest.raises(PermissionDeniedError, match="deactivated"):
        sessions.unlock_officer_as(actor, "cb01")


# ---------------------------------------------------------------------- admin changes


def _changes() -> list[tuple[str, Callable[[OfficeAdmin, OfficerIdentity], object]]]:
    block = NumberingFormat.parse("8001-8999")
    return [
        ("add_service", lambda a, who: a.add_service("ZZ", "Khác", "Other", block, actor=who)),
        ("set_service", lambda a, who: a.set_service("CT", wait_threshold_minutes=5, actor=who)),
        ("close_service", lambda a, who: a.set_service_open("CT", False, actor=who)),
        ("add_counter", lambda a, who: a.add_counter(9, actor=who)),
        ("set_counter", lambda a, who: a.set_counter(1, name="Quầy VIP", actor=who)),
        (
            "add_officer",
            lambda a, who: a.add_officer("cb09", "Ngô Chín", Role.ADMIN, "1234", actor=who),
        ),
        ("reset_pin", lambda a, who: a.reset_pin("cb01", "5555", actor=who)),
        ("deactivate", lambda a, who: a.set_officer_active("cb01", False, actor=who)),
        ("settings", lambda a, who: a.update_settings({"office_name": "X"}, actor=who)),
    ]


def _snapshot(db: Database, queries: QueueQueries, admin: OfficeAdmin) -> tuple[object, ...]:
    with db.read_tx() as conn:
        pins = conn.execute(sa.select(OF.c.code, OF.c.pin_hash).order_by(OF.c.code)).all()
    return (queries.services(), queries.counters(), admin.officers(), queries.settings(), pins)


@pytest.mark.usefixtures("staffed")
@pytest.mark.parametrize(("name", "change"), _changes(), ids=[n for n, _ in _changes()])
@pytest.mark.parametrize("who", [OFFICER, SUPERVISOR], ids=["officer", "supervisor"])
def test_only_an_admin_changes_the_configuration(
    db: Database,
    admin: OfficeAdmin,
    queries: QueueQueries,
    name: str,
    change: Callable[[OfficeAdmin, OfficerIdentity], object],
    who: OfficerIdentity,
) -> None:
    before = _snapshot(db, queries, admin)
    with pytest.raises(PermissionDeniedError, match="only an admin"):
        change(admin, who)
    assert _snapshot(db, queries, admin) == before
    change(admin, ADMIN)
    assert _snapshot(db, queries, admin) != before, name


@pytest.mark.usefixtures("staffed")
def test_an_identity_that_only_looks_like_the_system_actor_is_refused(
    admin: OfficeAdmin,
) -> None:
    fake = OfficerIdentity(SYSTEM_ACTOR.code, SYSTEM_ACTOR.full_name, Role.ADMIN)
    with pytest.raises(PermissionDeniedError, match="unknown officer 'system'"):
        admin.update_settings({"office_name": "X"}, actor=fake)


@pytest.mark.usefixtures("staffed")
def test_a_claimed_role_is_not_believed(admin: OfficeAdmin) -> None:
    """The role is read from the officer's row, not from the identity passed in."""
    claims_admin = OfficerIdentity("cb01", "Nguyễn Văn An", Role.ADMIN)
    with pytest.raises(PermissionDeniedError, match="'cb01' is an officer"):
        admin.set_service_open("CT", False, actor=claims_admin)
