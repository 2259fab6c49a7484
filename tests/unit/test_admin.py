"""Office configuration use cases and the audit of a day."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shared.clock import FakeClock
from shared.errors import ConflictError, PermissionDeniedError
from shared.insight.audit import AuditKind, audit_day
from shared.office.admin import KEEP, OfficeAdmin
from shared.office.sessions import CounterSessions
from shared.queue.authz import OfficerIdentity
from shared.queue.engine import QueueEngine
from shared.queue.queries import QueueQueries
from shared.rules.domain import EventKind, EventView, Role
from shared.rules.numbering import NumberingFormat
from shared.storage.database import Database

BACKENDS_TOO = True  # also on PostgreSQL (see conftest)

ADMIN = OfficerIdentity("ad01", "Quản Trị Viên", Role.ADMIN)


@pytest.fixture
def staffed(admin: OfficeAdmin, office: None) -> None:
    admin.add_officer("cb01", "Nguyễn Văn An", Role.OFFICER, "1111")
    admin.add_officer("cb02", "Trần Thị Bình", Role.OFFICER, "2222")
    admin.add_officer("ld01", "Võ Minh Đức", Role.SUPERVISOR, "9999")
    admin.add_officer("ad01", "Quản Trị Viên", Role.ADMIN, "7777")


@pytest.mark.usefixtures("staffed")
def test_every_change_names_the_admin_in_its_event(
    admin: OfficeAdmin, events: Callable[[], list[EventView]]
) -> None:
    before = events()[-1].id
    admin.set_service("CT", name_vi="Cư trú (tạm trú, thường trú)", actor=ADMIN)
    admin.set_counter(2, services=["CC"], actor=ADMIN)
    admin.reset_pin("cb01", "5555", actor=ADMIN)
    admin.update_settings({"notice_text": "Nghỉ trưa 11:30-13:00"}, actor=ADMIN)
    new = [e for e in events() if e.id > before]
    assert [str(e.kind) for e in new] == [
        EventKind.SERVICE_CHANGED,
        EventKind.COUNTER_CHANGED,
        EventKind.OFFICER_CHANGED,
        EventKind.SETTINGS_CHANGED,
    ]
    assert {e.details["by"] for e in new} == {"ad01"}


@pytest.mark.usefixtures("staffed")
def test_a_service_is_changed_field_by_field(admin: OfficeAdmin, queries: QueueQueries) -> None:
    admin.set_service("CC", daily_cap=40, wait_threshold_minutes=10, actor=ADMIN)
    admin.set_service("CC", name_en="Citizen ID card", daily_cap=KEEP, actor=ADMIN)
    cc = next(s for s in queries.services() if s.code == "CC")
    assert (cc.name_vi, cc.name_en, cc.daily_cap, cc.wait_threshold_minutes) == (
        "Căn cước",
        "Citizen ID card",
        40,
        10,
    )
    admin.set_service("CC", daily_cap=None, actor=ADMIN)
    assert next(s for s in queries.services() if s.code == "CC").daily_cap is None


@pytest.mark.usefixtures("staffed")
def test_numbering_changes_only_before_the_first_ticket_of_the_day(
    admin: OfficeAdmin, engine: QueueEngine, queries: QueueQueries, clock: FakeClock
) -> None:
    admin.set_service("DD", numbering=NumberingFormat.parse("3001-3999"), actor=ADMIN)
    assert engine.issue_ticket("DD").ticket.display_number == "3001"
    with pytest.raises(ConflictError, match="has issued 1 tickets today"):
        admin.set_service("DD", numbering=NumberingFormat.parse("4001-4999"), actor=ADMIN)
    with pytest.raises(ConflictError, match="overlaps"):
        admin.set_service("CT", numbering=NumberingFormat.parse("3500-3600"), actor=ADMIN)
    clock.advance(hours=24)
    admin.set_service("DD", numbering=NumberingFormat.parse("4001-4999"), actor=ADMIN)
    assert engine.issue_ticket("DD").ticket.display_number == "4001"


@pytest.mark.usefixtures("staffed")
def test_a_deactivated_officer_cannot_log_in_and_one_at_a_counter_is_not_deactivated(
    admin: OfficeAdmin, sessions_: CounterSessions
) -> None:
    sessions_.login("cb01", "1111", 1)
    with pytest.raises(ConflictError, match="holds counter 1"):
        admin.set_officer_active("cb01", False, actor=ADMIN)
    admin.set_officer_active("cb02", False, actor=ADMIN)
    with pytest.raises(PermissionDeniedError, match="deactivated"):
        sessions_.login("cb02", "2222", 2)
    admin.set_officer_active("cb02", True, actor=ADMIN)
    assert sessions_.login("cb02", "2222", 2).officer.code == "cb02"


@pytest.fixture
def sessions_(db: Database, clock: FakeClock) -> CounterSessions:
    return CounterSessions(db, clock)


@pytest.mark.usefixtures("office")
def test_the_first_admin_is_created_once(admin: OfficeAdmin, sessions_: CounterSessions) -> None:
    admin.add_first_admin("ad01", "Quản Trị Viên", "7777")
    assert sessions_.authenticate("ad01", "7777", (Role.ADMIN,)).role is Role.ADMIN
    with pytest.raises(PermissionDeniedError, match="already has an admin"):
        admin.add_first_admin("ad02", "Kẻ Mạo Danh", "1234")


# ---------------------------------------------------------------------- audit


@pytest.mark.usefixtures("staffed")
def test_the_audit_lists_who_bypassed_or_changed_the_queue(
    db: Database, engine: QueueEngine, sessions_: CounterSessions, clock: FakeClock
) -> None:
    sessions_.login("cb01", "1111", 1)
    sessions_.login("cb02", "2222", 2)
    for code in ("CT", "CT", "CC", "CT"):
        engine.issue_ticket(code)
    clock.advance(minutes=3)
    engine.call_next(1)  # 1001
    engine.call_next(1)  # 1002: nobody answers
    engine.no_show(1)
    engine.call_ticket(2, "1003", "Công dân quay lại bổ sung hồ sơ", officer_code="cb02")
    engine.transfer(2, to_service="CC", reason="Sai thủ tục")
    engine.cancel("A001", "Công dân bỏ về", officer_code="cb01")
    engine.call_next(2)
    sessions_.release_counter_as(OfficerIdentity("ld01", "Võ Minh Đức", Role.SUPERVISOR), 2)
    entries = audit_day(db, clock)
    assert [(e.kind, e.ticket_number, e.counter_number) for e in entries] == [
        (AuditKind.NO_SHOW, "1002", 1),
        (AuditKind.OUT_OF_ORDER_CALL, "1003", 2),
        (AuditKind.TRANSFER, "1003", 2),
        (AuditKind.CANCELLATION, "A001", None),
        (AuditKind.TRANSFER, "1003", 2),  # the released counter's ticket goes back
        (AuditKind.COUNTER_RELEASE, None, 2),
    ]
    call, transfer = entries[1], entries[2]
    assert (call.officer_code, call.reason, call.local_time) == (
        "cb02",
        "Công dân quay lại bổ sung hồ sơ",
        "08:03:00",
    )
    assert "từ quầy 2 sang CC" in transfer.text_vi and transfer.reason == "Sai thủ tục"
    assert entries[3].officer_code == "cb01"
    release = entries[-1]
    assert (release.by, release.officer_code) == ("ld01", "cb02")
    assert "1003" in release.text_en
    clock.advance(hours=24)
    assert audit_day(db, clock) == []
    assert len(audit_day(db, clock, entries[0].at.date())) == len(entries)
