"""The kiosk's printer in the event log: faults, their end and reprints (never a new ticket)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from unit_support import MONDAY

from shared.errors import NotFoundError
from shared.queue.engine import QueueEngine
from shared.queue.queries import QueueQueries
from shared.rules.domain import EventKind, EventView

BACKENDS_TOO = True  # also on PostgreSQL (see conftest)

pytestmark = pytest.mark.usefixtures("office")


def test_a_printer_fault_is_an_event_naming_the_kiosk_and_the_ticket(
    engine: QueueEngine, events: Callable[[], list[EventView]]
) -> None:
    issued = engine.issue_ticket("CT").ticket
    engine.record_printer_fault("kiosk-1", "connection refused", issued.id)
    engine.record_printer_restored("kiosk-1")
    fault, restored = events()[-2:]
    assert fault.kind is EventKind.PRINTER_FAULT
    assert fault.ticket_id == issued.id
    assert fault.display_number == issued.display_number
    assert fault.service_code == "CT"
    assert fault.details == {"kiosk": "kiosk-1", "detail": "connection refused"}
    assert restored.kind is EventKind.PRINTER_RESTORED
    assert restored.details == {"kiosk": "kiosk-1"}


def test_a_reprint_returns_the_same_ticket_and_issues_none(
    engine: QueueEngine, queries: QueueQueries, events: Callable[[], list[EventView]]
) -> None:
    issued = engine.issue_ticket("CT").ticket
    again = engine.reprint(issued.id, "kiosk-1")
    assert again == issued
    assert [t.display_number for t in queries.tickets_of_day(MONDAY)] == [issued.display_number]
    assert events()[-1].kind is EventKind.TICKET_REPRINTED


def test_a_reprint_of_an_unknown_ticket_is_refused(
    engine: QueueEngine, events: Callable[[], list[EventView]]
) -> None:
    before = events()
    with pytest.raises(NotFoundError, match="unknown ticket id 999"):
        engine.reprint(999, "kiosk-1")
    assert events() == before
