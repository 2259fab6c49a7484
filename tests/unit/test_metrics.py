"""The supervisor's live numbers on a hand-made morning match the values computed by hand."""

from __future__ import annotations

import datetime as dt

from test_reports import at, office_morning

from shared.clock import FakeClock
from shared.insight.metrics import AlertKind, CounterActivity, LiveMetrics, live_metrics
from shared.office.admin import OfficeAdmin
from shared.queue.engine import QueueEngine
from shared.storage.database import Database

BACKENDS_TOO = True  # also on PostgreSQL (see conftest)


def _morning_at_0915(admin: OfficeAdmin, engine: QueueEngine, clock: FakeClock) -> None:
    """The fixture's morning, then 2002 (DD) waiting from 08:30, counter 2 paused at 08:30, a
    printer fault at kiosk-1 and a fault then a recovery at kiosk-2; read at 09:15."""
    office_morning(admin, engine, clock)
    at(clock, "08:30:00")
    engine.issue_ticket("DD")
    engine.pause_counter(2, "họp giao ban")
    at(clock, "08:40:00")
    engine.record_printer_fault("kiosk-1", "hết giấy / paper out")
    engine.record_printer_fault("kiosk-2", "offline")
    at(clock, "08:41:00")
    engine.record_printer_restored("kiosk-2")
    at(clock, "09:15:00")


def _metrics(
    db: Database, admin: OfficeAdmin, engine: QueueEngine, clock: FakeClock
) -> LiveMetrics:
    _morning_at_0915(admin, engine, clock)
    return live_metrics(db, clock)


def test_per_service_waiting_now_waits_of_today_served_and_no_shows(
    db: Database, admin: OfficeAdmin, engine: QueueEngine, clock: FakeClock
) -> None:
    m = _metrics(db, admin, engine, clock)
    assert m.business_day == dt.date(2025, 3, 3)
    by_code = {s.code: s for s in m.services}
    ct, cc, dd = by_code["CT"], by_code["CC"], by_code["DD"]
    # CT: 1001 waited 300 s, 1002 240 s; 1003 was cancelled while waiting.
    assert (ct.waiting, ct.longest_wait_seconds, ct.called) == (0, 0, 2)
    assert (ct.average_wait_seconds, ct.p90_wait_seconds) == (270.0, 300)
    assert (ct.served, ct.no_show) == (2, 0)
    # CC: A001 waited 510 s and did not come.
    assert (cc.called, cc.average_wait_seconds, cc.p90_wait_seconds) == (1, 510.0, 510)
    assert (cc.served, cc.no_show) == (0, 1)
    # DD: 2001 waited 570 s and was served; 2002 has waited since 08:30 (45 minutes).
    assert (dd.waiting, dd.longest_wait_seconds) == (1, 45 * 60)
    assert (dd.called, dd.average_wait_seconds, dd.served) == (1, 570.0, 1)


def test_counters_show_their_state_officer_and_idle_time(
    db: Database, admin: OfficeAdmin, engine: QueueEngine, clock: FakeClock
) -> None:
    m = _metrics(db, admin, engine, clock)
    one, two = m.counters
    assert one.activity is CounterActivity.IDLE
    assert one.officer_code == "cb01"
    assert one.idle_seconds == 50 * 60  # its last ticket ended at 08:25
    assert one.waiting_for_it == 1
    assert two.activity is CounterActivity.PAUSED
    assert two.pause_reason == "họp giao ban"


def test_a_counter_serving_shows_its_ticket_and_for_how_long(
    db: Database, admin: OfficeAdmin, engine: QueueEngine, clock: FakeClock
) -> None:
    _morning_at_0915(admin, engine, clock)
    engine.call_next(1)
    at(clock, "09:17:30")
    one = live_metrics(db, clock).counters[0]
    assert one.activity is CounterActivity.SERVING
    assert (one.ticket_number, one.ticket_seconds, one.idle_seconds) == ("2002", 150, None)


def test_hours_count_arrivals_by_issue_and_served_by_finish(
    db: Database, admin: OfficeAdmin, engine: QueueEngine, clock: FakeClock
) -> None:
    m = _metrics(db, admin, engine, clock)
    assert len(m.hours) == 1
    hour = m.hours[0]
    assert (hour.hour, hour.arrivals, hour.served) == (8, 6, 3)
    assert hour.average_wait_seconds == (300 + 240 + 510 + 570) / 4


def test_officers_served_service_time_open_and_idle_time(
    db: Database, admin: OfficeAdmin, engine: QueueEngine, clock: FakeClock
) -> None:
    m = _metrics(db, admin, engine, clock)
    cb01, cb02 = m.officers
    assert (cb01.code, cb01.served, cb01.average_service_seconds) == ("cb01", 2, 510.0)
    # Counter 1 open 08:00-09:15 (4,500 s), holding 1001, A001 and 2001 from 08:05 to 08:25
    # (1,200 s).
    assert (cb01.open_seconds, cb01.idle_seconds) == (4500, 3300)
    # Counter 2 open 08:00-08:30 (paused since), holding 1002 from 08:05 to 08:20.
    assert (cb02.code, cb02.served, cb02.average_service_seconds) == ("cb02", 1, 840.0)
    assert (cb02.open_seconds, cb02.idle_seconds) == (1800, 900)


def test_alerts_long_wait_idle_counter_and_printer_fault_in_two_languages(
    db: Database, admin: OfficeAdmin, engine: QueueEngine, clock: FakeClock
) -> None:
    m = _metrics(db, admin, engine, clock)
    alerts = {(a.kind, a.subject): a for a in m.alerts}
    assert set(alerts) == {
        (AlertKind.LONG_WAIT, "DD"),
        (AlertKind.COUNTER_IDLE, "1"),
        (AlertKind.PRINTER_FAULT, "kiosk-1"),
    }
    wait = alerts[(AlertKind.LONG_WAIT, "DD")]
    assert "45 phút" in wait.text_vi and "45 min" in wait.text_en
    idle = alerts[(AlertKind.COUNTER_IDLE, "1")]
    # Counter 1 was idle from 08:25, but 2002 only waits since 08:30.
    assert "45 phút" in idle.text_vi and "idle for 45 min" in idle.text_en
    printer = alerts[(AlertKind.PRINTER_FAULT, "kiosk-1")]
    assert "08:40" in printer.text_vi and "paper out" in printer.text_en
    assert printer.text.startswith(printer.text_vi)


def test_no_alert_before_the_thresholds(
    db: Database, admin: OfficeAdmin, engine: QueueEngine, clock: FakeClock
) -> None:
    office_morning(admin, engine, clock)
    at(clock, "08:30:00")
    engine.issue_ticket("DD")
    at(clock, "08:39:59")  # 2002 waited 9:59, the counters have been idle for less than 10 min
    assert live_metrics(db, clock).alerts == ()
    at(clock, "09:00:00")  # 30 minutes is not past the threshold
    kinds = [a.kind for a in live_metrics(db, clock).alerts]
    assert kinds == [AlertKind.COUNTER_IDLE, AlertKind.COUNTER_IDLE]


def test_an_empty_day(db: Database, admin: OfficeAdmin, clock: FakeClock) -> None:
    m = live_metrics(db, clock)
    assert (m.services, m.counters, m.hours, m.officers, m.alerts) == ((), (), (), (), ())
