"""Ticket numbering: formats, their validation, clashes between services, the business day."""

from __future__ import annotations

import datetime as dt

import pytest
from unit_support import MONDAY

from shared.clock import FakeClock
from shared.errors import ConflictError, InvalidInputError
from shared.office.admin import OfficeAdmin
from shared.queue.engine import QueueEngine
from shared.queue.queries import QueueQueries
from shared.rules.numbering import NumberingFormat, business_day, load_zone

HCM = load_zone("Asia/Ho_Chi_Minh")


def test_a_numeric_block_numbers_from_its_start_to_its_end() -> None:
    fmt = NumberingFormat.parse("1001-1999")
    assert (fmt.prefix, fmt.block_start, fmt.block_end) == (None, 1001, 1999)
    assert fmt.capacity == 999
    assert [fmt.display_number(n) for n in (1, 2, 999)] == ["1001", "1002", "1999"]
    assert NumberingFormat.parse(" 2001 - 2010 ") == NumberingFormat(None, 2001, 2010)
    assert NumberingFormat.parse("7-7").capacity == 1


def test_a_letter_prefix_numbers_a001_to_a999() -> None:
    fmt = NumberingFormat.parse("a")
    assert fmt == NumberingFormat(prefix="A")
    assert fmt.capacity == 999
    assert [fmt.display_number(n) for n in (1, 42, 999)] == ["A001", "A042", "A999"]
    assert NumberingFormat.parse("Kb").display_number(7) == "KB007"


@pytest.mark.parametrize(("text", "sequence"), [("1001-1999", 1000), ("A", 1000), ("5-6", 3)])
def test_no_display_number_past_the_capacity(text: str, sequence: int) -> None:
    fmt = NumberingFormat.parse(text)
    with pytest.raises(ConflictError):
        fmt.display_number(sequence)
    with pytest.raises(ConflictError):
        fmt.display_number(0)


@pytest.mark.parametrize("text", ["", "ABC", "1", "A1", "Đ", "Ă", "A-", "A B", "12"])
def test_prefix_must_be_one_or_two_letters_a_to_z(text: str) -> None:
    with pytest.raises(InvalidInputError):
        NumberingFormat.parse(text)


@pytest.mark.parametrize("prefix", ["a", "A\n", "AB\n", " A", "ÀB"])
def test_prefix_given_directly_is_checked_too(prefix: str) -> None:
    # A format can be built without parse(), e.g. from the fields of a form. A prefix "A\n" would
    # be stored as is, would not clash with "A", and would print tickets "A\n001".
    with pytest.raises(InvalidInputError):
        NumberingFormat(prefix=prefix)


@pytest.mark.parametrize("text", ["0-10", "10-5", "1-100000", "0-0", "100000-100001"])
def test_invalid_numeric_blocks_are_refused(text: str) -> None:
    with pytest.raises(InvalidInputError):
        NumberingFormat.parse(text)


def test_a_format_is_a_prefix_or_a_whole_block() -> None:
    with pytest.raises(InvalidInputError):
        NumberingFormat(prefix="A", block_start=1, block_end=9)
    with pytest.raises(InvalidInputError):
        NumberingFormat(block_start=1001)
    with pytest.raises(InvalidInputError):
        NumberingFormat()


def _add(admin: OfficeAdmin, code: str, numbering: str) -> None:
    admin.add_service(code, f"Thủ tục {code}", f"Service {code}", NumberingFormat.parse(numbering))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("A", "A"),
        ("1001-1999", "1001-1999"),
        ("1001-1999", "1500-2500"),  # overlaps the end
        ("1001-1999", "500-1001"),  # touches the first number
        ("1001-1999", "1999-2999"),  # touches the last number
        ("1001-1999", "1100-1200"),  # inside
        ("1100-1200", "1001-1999"),  # around
    ],
)
def test_clashing_numbering_is_refused_naming_both_services(
    admin: OfficeAdmin, queries: QueueQueries, first: str, second: str
) -> None:
    _add(admin, "CT", first)
    with pytest.raises(ConflictError) as refused:
        _add(admin, "CC", second)
    assert "'CT'" in refused.value.en and "'CC'" in refused.value.en
    assert "'CT'" in refused.value.vi and "'CC'" in refused.value.vi
    assert [s.code for s in queries.services()] == ["CT"]


def test_numbering_that_cannot_collide_is_accepted(
    admin: OfficeAdmin, queries: QueueQueries
) -> None:
    for code, numbering in [
        ("CT", "1001-1999"),
        ("CC", "2000-2999"),
        ("DD", "1-1000"),
        ("DX", "A"),
        ("XP", "AB"),
        ("HD", "B"),
    ]:
        _add(admin, code, numbering)
    assert [s.code for s in queries.services()] == ["CT", "CC", "DD", "DX", "XP", "HD"]


def test_a_service_code_is_added_once(admin: OfficeAdmin, queries: QueueQueries) -> None:
    _add(admin, "CT", "1001-1999")
    with pytest.raises(ConflictError):
        _add(admin, "ct", "2001-2999")
    assert [s.code for s in queries.services()] == ["CT"]


def test_business_day_rolls_at_local_midnight() -> None:
    before = dt.datetime(2025, 3, 3, 16, 59, 59, tzinfo=dt.UTC)  # 23:59:59 in Hồ Chí Minh City
    after = dt.datetime(2025, 3, 3, 17, 0, 0, tzinfo=dt.UTC)  # 00:00:00 the next day
    assert business_day(before, HCM) == dt.date(2025, 3, 3)
    assert business_day(after, HCM) == dt.date(2025, 3, 4)
    # Early morning local time is still the previous UTC date.
    assert business_day(dt.datetime(2025, 3, 3, 23, 30, tzinfo=dt.UTC), HCM) == dt.date(2025, 3, 4)


def test_tickets_get_the_local_business_day(
    admin: OfficeAdmin, engine: QueueEngine, clock: FakeClock
) -> None:
    _add(admin, "CT", "1001-1999")
    clock.set(dt.datetime(2025, 3, 3, 16, 59, 59, tzinfo=dt.UTC))
    late = engine.issue_ticket("CT").ticket
    clock.set(dt.datetime(2025, 3, 3, 17, 0, 0, tzinfo=dt.UTC))
    first = engine.issue_ticket("CT").ticket
    assert (late.business_day, late.display_number) == (MONDAY, "1001")
    assert (first.business_day, first.display_number) == (dt.date(2025, 3, 4), "1001")


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        load_zone("Asia/Atlantis")
