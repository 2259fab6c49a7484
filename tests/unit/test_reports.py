"""Reports: hand-computed values on a hand-made morning, summaries of closed days, exports, errors.

The morning, office time (Asia/Ho_Chi_Minh) on Monday 3 March 2025, by display number (test_metrics
uses it too):

    1001 (CT) issued 08:00:00, called 08:05:00 at counter 1, started 08:05:30, finished 08:10:30
    1002 (CT) issued 08:01:00, called 08:05:00 at counter 2, started 08:06:00, finished 08:20:00
    A001 (CC) issued 08:02:00, called 08:10:30 at counter 1, no-show 08:12:30
    2001 (DD) issued 08:03:00, called 08:12:30 at counter 1, started 08:13:00, finished 08:25:00
    1003 (CT) issued 08:20:00, cancelled 08:26:00 while waiting

Counters 1 (officer cb01) and 2 (cb02) open at 08:00 and serve every procedure.
Waits (first call - issue): 300, 240, 510, 570 s. Service times: 300, 840, 720 s.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from unit_support import MONDAY, MONDAY_0800, add_services

from shared.clock import FakeClock
from shared.errors import InvalidInputError
from shared.insight.export import to_csv, to_table, to_xlsx
from shared.insight.reports import (
    RD,
    DurationStats,
    Grouping,
    Report,
    ReportRow,
    _Durations,
    bin_of,
    encode_histogram,
    nearest_rank,
    report,
)
from shared.office.admin import OfficeAdmin
from shared.queue.engine import QueueEngine
from shared.rules.domain import Outcome, Role
from shared.storage.database import Database

BACKENDS_TOO = True  # also on PostgreSQL (see conftest)

TUESDAY_0800 = MONDAY_0800 + dt.timedelta(days=1)


def at(clock: FakeClock, hhmmss: str) -> None:
    """Set the clock to HH:MM:SS office time on Monday."""
    h, m, s = (int(x) for x in hhmmss.split(":"))
    clock.set(MONDAY_0800 + dt.timedelta(hours=h - 8, minutes=m, seconds=s))


def office_morning(admin: OfficeAdmin, engine: QueueEngine, clock: FakeClock) -> None:
    """Play the morning of the module docstring."""
    add_services(admin)
    admin.add_officer("cb01", "Nguyễn Văn An", Role.OFFICER, "1111")
    admin.add_officer("cb02", "Trần Thị Bình", Role.OFFICER, "2222")
    at(clock, "08:00:00")
    for number in (1, 2):
        admin.add_counter(number)
        engine.open_counter(number, officer_code=f"cb{number:02d}")
    for time, service in (
        ("08:00:00", "CT"),
        ("08:01:00", "CT"),
        ("08:02:00", "CC"),
        ("08:03:00", "DD"),
    ):
        at(clock, time)
        engine.issue_ticket(service)
    at(clock, "08:05:00")
    assert _called(engine, 1) == "1001"
    assert _called(engine, 2) == "1002"
    at(clock, "08:05:30")
    engine.start(1)
    at(clock, "08:06:00")
    engine.start(2)
    at(clock, "08:10:30")
    engine.finish(1, Outcome.DOSSIER_RECEIVED)
    assert _called(engine, 1) == "A001"
    at(clock, "08:12:30")
    engine.no_show(1)
    assert _called(engine, 1) == "2001"
    at(clock, "08:13:00")
    engine.start(1)
    at(clock, "08:20:00")
    engine.finish(2, Outcome.RESULT_RETURNED)
    engine.issue_ticket("CT")
    at(clock, "08:25:00")
    engine.finish(1, Outcome.DOSSIER_RECEIVED)
    at(clock, "08:26:00")
    engine.cancel("1003", "công dân về / left")


def _called(engine: QueueEngine, counter: int) -> str | None:
    ticket = engine.call_next(counter).ticket
    return None if ticket is None else ticket.display_number


def _stats(
    count: int, avg: float | None, med: int | None, p90: int | None, top: int | None
) -> DurationStats:
    return DurationStats(count, avg, med, p90, top)


NO_TIMES = _stats(0, None, None, None, None)


@pytest.fixture
def morning(admin: OfficeAdmin, engine: QueueEngine, clock: FakeClock) -> None:
    office_morning(admin, engine, clock)
    at(clock, "09:00:00")


def _row(rep: Report, key: str) -> ReportRow:
    return next(r for r in rep.rows if r.key == key)


@pytest.mark.usefixtures("morning")
def test_totals_of_the_morning(db: Database, clock: FakeClock) -> None:
    rep = report(db, MONDAY, MONDAY, "service", clock=clock)
    t = rep.totals
    assert (t.issued, t.served, t.no_show, t.cancelled, t.expired) == (5, 3, 1, 1, 0)
    assert t.no_show_rate == 0.25  # 1 / (3 served + 1 no-show)
    assert t.wait == _stats(4, 405.0, 300, 570, 570)  # 240 300 510 570: nearest rank 2 and 4
    # 300 720 840: above 10 minutes a median is its 10-second bin's middle (720-729: 725), and
    # never above the exact maximum (840-849: 845 -> 840)
    assert t.service == _stats(3, 620.0, 725, 840, 840)
    assert rep.computed_days == (MONDAY,)  # today: computed from its tickets


@pytest.mark.usefixtures("morning")
def test_by_service(db: Database, clock: FakeClock) -> None:
    rep = report(db, MONDAY, MONDAY, Grouping.SERVICE, clock=clock)
    assert [(r.key, r.name_vi, r.name_en) for r in rep.rows] == [
        ("CT", "Cư trú", "Residence registration"),
        ("CC", "Căn cước", "ID card"),
        ("DD", "Định danh điện tử", "Electronic identification"),
    ]
    ct, cc, dd = rep.rows
    assert (ct.issued, ct.served, ct.no_show, ct.cancelled, ct.no_show_rate) == (3, 2, 0, 1, 0.0)
    assert ct.wait == _stats(2, 270.0, 240, 300, 300)
    assert ct.service == _stats(2, 570.0, 300, 840, 840)
    assert (cc.issued, cc.served, cc.no_show, cc.no_show_rate) == (1, 0, 1, 1.0)
    assert (cc.wait, cc.service) == (_stats(1, 510.0, 510, 510, 510), NO_TIMES)
    assert (dd.wait, dd.service) == (
        _stats(1, 570.0, 570, 570, 570),
        _stats(1, 720.0, 720, 720, 720),
    )


@pytest.mark.usefixtures("morning")
def test_by_counter_and_by_officer_with_never_called_tickets_last(
    db: Database, clock: FakeClock
) -> None:
    by_counter = report(db, MONDAY, MONDAY, "counter", clock=clock)
    by_officer = report(db, MONDAY, MONDAY, "officer", clock=clock)
    assert [r.key for r in by_counter.rows] == ["1", "2", "-"]
    assert [(r.key, r.name_vi) for r in by_officer.rows] == [
        ("cb01", "Nguyễn Văn An"),
        ("cb02", "Trần Thị Bình"),
        ("-", "Chưa được gọi"),
    ]
    for rep in (by_counter, by_officer):
        first, second, never = rep.rows
        assert (first.issued, first.served, first.no_show) == (3, 2, 1)
        assert first.wait == _stats(3, 460.0, 510, 570, 570)  # 300 510 570
        assert first.service == _stats(2, 510.0, 300, 720, 720)  # 300 720
        assert (second.wait, second.service) == (
            _stats(1, 240.0, 240, 240, 240),
            _stats(1, 840.0, 840, 840, 840),
        )
        assert (never.issued, never.cancelled, never.wait) == (1, 1, NO_TIMES)
        assert rep.totals.issued == 5


@pytest.mark.usefixtures("morning")
def test_by_hour_of_issue(db: Database, clock: FakeClock) -> None:
    rep = report(db, MONDAY, MONDAY, "HOUR", clock=clock)
    assert [(r.key, r.name_en, r.issued) for r in rep.rows] == [("08:00", "08:00-09:00", 5)]


def test_the_wait_ends_at_the_first_call(
    db: Database, admin: OfficeAdmin, engine: QueueEngine, clock: FakeClock
) -> None:
    add_services(admin)
    admin.add_counter(1)
    engine.open_counter(1)
    engine.issue_ticket("CT")  # 08:00
    at(clock, "08:02:00")
    engine.call_next(1)
    at(clock, "08:04:00")
    engine.no_show(1)
    at(clock, "08:30:00")
    engine.call_ticket(1, "1001", "quay lại / came back")  # a second call, 30 min after issue
    engine.start(1)
    at(clock, "08:33:20")
    engine.finish(1, Outcome.DOSSIER_RECEIVED)
    row = report(db, MONDAY, MONDAY, "service", clock=clock).totals
    assert (row.served, row.no_show) == (1, 0)
    assert row.wait == _stats(1, 120.0, 120, 120, 120)
    assert row.service == _stats(1, 200.0, 200, 200, 200)


def _summary_rows(db: Database) -> int:
    with db.read_tx() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(RD)).scalar_one())


@pytest.mark.usefixtures("morning")
def test_a_closed_day_is_summarized_once_and_reports_the_same_numbers(
    db: Database, clock: FakeClock
) -> None:
    live = {g: report(db, MONDAY, MONDAY, g, clock=clock) for g in Grouping}
    assert _summary_rows(db) == 0  # today is never stored
    clock.set(TUESDAY_0800)
    for grouping, before in live.items():
        after = report(db, MONDAY, MONDAY + dt.timedelta(days=1), grouping, clock=clock)
        assert after.computed_days == ()  # Monday came from report_day, Tuesday has no ticket
        assert (after.rows, after.totals) == (before.rows, before.totals)
    # day + 3 services + 3 counters (1, 2, never called) + 3 officers + 1 hour
    assert _summary_rows(db) == 11


def test_a_past_day_with_open_tickets_is_computed_not_stored(
    db: Database, admin: OfficeAdmin, engine: QueueEngine, clock: FakeClock
) -> None:
    add_services(admin)
    engine.issue_ticket("CT")
    clock.set(TUESDAY_0800)  # nothing was written on Tuesday yet: 1001 still waits
    rep = report(db, MONDAY, MONDAY, "service", clock=clock)
    assert rep.computed_days == (MONDAY,)
    assert (rep.totals.issued, rep.totals.expired) == (1, 0)
    assert _summary_rows(db) == 0
    engine.issue_ticket("CT")  # Tuesday's first write expires Monday's ticket
    rep = report(db, MONDAY, MONDAY, "service", clock=clock)
    assert rep.computed_days == ()
    assert (rep.totals.issued, rep.totals.expired) == (1, 1)
    assert _summary_rows(db) > 0


def test_bad_input_is_refused_in_two_languages(db: Database, clock: FakeClock) -> None:
    with pytest.raises(InvalidInputError) as reversed_range:
        report(db, MONDAY, MONDAY - dt.timedelta(days=1), "service", clock=clock)
    assert "sau ngày kết thúc" in reversed_range.value.vi
    assert "after end date" in reversed_range.value.en
    with pytest.raises(InvalidInputError) as unknown:
        report(db, MONDAY, MONDAY, "week", clock=clock)
    assert "week" in unknown.value.vi and "unknown grouping 'week'" in unknown.value.en
    assert "service, counter, officer, hour" in unknown.value.en


# ---------------------------------------------------------------------- exports


def _xlsx_number(value: object) -> float | None:
    assert value is None or isinstance(value, int | float), value
    return None if value is None else float(value)


def _csv_number(text: str) -> float | None:
    return None if text == "" else float(text)


def _table_numbers(table: str) -> list[list[str]]:
    """The 14 number columns of every row of the table (rows, then the totals)."""
    lines = table.splitlines()
    body = [line for line in lines[7:] if line and set(line) != {"-"}]
    return [line.split()[-14:] for line in body]


@pytest.mark.usefixtures("morning")
@pytest.mark.parametrize("grouping", list(Grouping))
def test_csv_and_xlsx_hold_the_numbers_of_the_table(
    db: Database, clock: FakeClock, tmp_path: Path, grouping: Grouping
) -> None:
    rep = report(db, MONDAY, MONDAY, grouping, clock=clock)
    table = to_table(rep)
    stream = io.StringIO()
    to_csv(rep, stream)
    header, *rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert (
        header[1] == "Tên / Name"
        and header[-1] == "Phục vụ lâu nhất (phút) / Longest service (min)"
    )
    assert len(rows) == len(rep.rows) + 1
    assert rows[-1][0] == "Tổng / Total"
    expected = [[cell or "-" for cell in row[2:]] for row in rows]
    assert _table_numbers(table) == expected
    # the totals, by hand: 5 issued ... wait 405 s = 6.8 min, median service 725 s = 12.1 min
    assert expected[-1] == ["5", "3", "1", "1", "0", "25.0", "6.8", "5.0", "9.5", "9.5",
                            "10.3", "12.1", "14.0", "14.0"]  # fmt: skip

    to_csv(rep, tmp_path / "r.csv")
    on_disk = (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert on_disk.replace("\r\n", "\n") == stream.getvalue().replace("\r\n", "\n")

    to_xlsx(rep, tmp_path / "r.xlsx")
    sheet = load_workbook(tmp_path / "r.xlsx").worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert [str(v) for v in values[0]] == header
    for cells, csv_row in zip(values[1:], rows, strict=True):
        assert [str(v) if v is not None else "" for v in cells[:2]] == csv_row[:2]
        assert [_xlsx_number(v) for v in cells[2:]] == [_csv_number(c) for c in csv_row[2:]]


@pytest.mark.usefixtures("morning")
def test_the_table_names_the_period_and_the_unit_in_two_languages(
    db: Database, clock: FakeClock
) -> None:
    table = to_table(report(db, MONDAY, MONDAY, "service", clock=clock))
    assert table.splitlines()[:3] == [
        "Báo cáo theo thủ tục, 2025-03-03 - 2025-03-03",
        "Report by service, 2025-03-03 - 2025-03-03",
        "Thời gian tính bằng phút / times in minutes",
    ]
    assert "Cư trú" in table


# ---------------------------------------------------------------------- histograms


def _merged(*days: list[int]) -> DurationStats:
    merged = _Durations()
    for values in days:
        counts = [0] * (bin_of(max(values)) + 1)
        for v in values:
            counts[bin_of(v)] += 1
        merged.add_stored(len(values), sum(values), max(values), encode_histogram(counts))
    return merged.stats()


@pytest.mark.parametrize(
    ("low", "high", "error"), [(0, 599, 0), (600, 3599, 5), (3600, 28_799, 30)]
)
def test_merged_daily_histograms_give_percentiles_within_the_documented_precision(
    low: int, high: int, error: int
) -> None:
    rng = random.Random(low)
    days = [[rng.randint(low, high) for _ in range(rng.randint(1, 400))] for _ in range(30)]
    everything = sorted(v for day in days for v in day)
    stats = _merged(*days)
    assert stats.count == len(everything)
    assert stats.average_seconds == pytest.approx(sum(everything) / len(everything))
    assert stats.max_seconds == everything[-1]
    for percent, found in ((50, stats.median_seconds), (90, stats.p90_seconds)):
        exact = nearest_rank(everything, percent)
        assert exact is not None and found is not None
        assert abs(found - exact) <= error


def test_a_bin_holding_more_than_65535_tickets_is_stored_wide() -> None:
    wide = encode_histogram([70_000, 1])
    assert wide[0] == 4
    merged = _Durations()
    merged.add_stored(70_001, 1, 1, wide)
    merged.add_stored(2, 1, 1, encode_histogram([1, 1]))
    assert merged.stats() == DurationStats(70_003, 2 / 70_003, 0, 0, 1)


def test_values_above_eight_hours_are_reported_as_the_maximum() -> None:
    assert _merged([30_000, 40_000]).median_seconds == 40_000


def test_many_days_of_narrow_histograms_add_up_past_16_bits() -> None:
    merged = _Durations()
    for _ in range(3):
        merged.add_stored(30_000, 30_000 * 7, 7, encode_histogram([0] * 7 + [30_000]))
    merged.add_stored(1, 9, 9, encode_histogram([0] * 9 + [1]))
    assert merged.stats() == DurationStats(90_001, (630_000 + 9) / 90_001, 7, 7, 9)
