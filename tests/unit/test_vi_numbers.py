"""Vietnamese number words: the reference readings, every number to 9999 checked rule by rule."""

from __future__ import annotations

import re

import pytest

from shared.rules.settings import Wording
from shared.voice.vi_numbers import MAX_NUMBER, read_digits, read_number

NORTH, SOUTH = Wording.NORTH, Wording.SOUTH

# number, northern reading, southern reading
REFERENCE = [
    (0, "không", "không"),
    (1, "một", "một"),
    (4, "bốn", "bốn"),
    (5, "năm", "năm"),
    (9, "chín", "chín"),
    (10, "mười", "mười"),
    (11, "mười một", "mười một"),
    (14, "mười bốn", "mười bốn"),
    (15, "mười lăm", "mười lăm"),
    (19, "mười chín", "mười chín"),
    (20, "hai mươi", "hai mươi"),
    (21, "hai mươi mốt", "hai mươi mốt"),
    (24, "hai mươi tư", "hai mươi bốn"),
    (25, "hai mươi lăm", "hai mươi lăm"),
    (31, "ba mươi mốt", "ba mươi mốt"),
    (55, "năm mươi lăm", "năm mươi lăm"),
    (94, "chín mươi tư", "chín mươi bốn"),
    (99, "chín mươi chín", "chín mươi chín"),
    (100, "một trăm", "một trăm"),
    (101, "một trăm linh một", "một trăm lẻ một"),
    (104, "một trăm linh bốn", "một trăm lẻ bốn"),
    (105, "một trăm linh năm", "một trăm lẻ năm"),
    (110, "một trăm mười", "một trăm mười"),
    (111, "một trăm mười một", "một trăm mười một"),
    (115, "một trăm mười lăm", "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt", "một trăm hai mươi mốt"),
    (200, "hai trăm", "hai trăm"),
    (305, "ba trăm linh năm", "ba trăm lẻ năm"),
    (1000, "một nghìn", "một ngàn"),
    (1001, "một nghìn không trăm linh một", "một ngàn không trăm lẻ một"),
    (1005, "một nghìn không trăm linh năm", "một ngàn không trăm lẻ năm"),
    (1010, "một nghìn không trăm mười", "một ngàn không trăm mười"),
    (1015, "một nghìn không trăm mười lăm", "một ngàn không trăm mười lăm"),
    (1100, "một nghìn một trăm", "một ngàn một trăm"),
    (1234, "một nghìn hai trăm ba mươi tư", "một ngàn hai trăm ba mươi bốn"),
    (2000, "hai nghìn", "hai ngàn"),
    (2024, "hai nghìn không trăm hai mươi tư", "hai ngàn không trăm hai mươi bốn"),
    (2025, "hai nghìn không trăm hai mươi lăm", "hai ngàn không trăm hai mươi lăm"),
    (5001, "năm nghìn không trăm linh một", "năm ngàn không trăm lẻ một"),
    (9999, "chín nghìn chín trăm chín mươi chín", "chín ngàn chín trăm chín mươi chín"),
    (10_000, "mười nghìn", "mười ngàn"),
    (15_000, "mười lăm nghìn", "mười lăm ngàn"),
    (21_000, "hai mươi mốt nghìn", "hai mươi mốt ngàn"),
    (100_000, "một trăm nghìn", "một trăm ngàn"),
    (105_000, "một trăm linh năm nghìn", "một trăm lẻ năm ngàn"),
    (110_005, "một trăm mười nghìn không trăm linh năm", "một trăm mười ngàn không trăm lẻ năm"),
    (
        999_999,
        "chín trăm chín mươi chín nghìn chín trăm chín mươi chín",
        "chín trăm chín mươi chín ngàn chín trăm chín mươi chín",
    ),
]


@pytest.mark.parametrize(("number", "north", "south"), REFERENCE)
def test_reference_readings(number: int, north: str, south: str) -> None:
    assert read_number(number, NORTH) == north
    assert read_number(number, SOUTH) == south


def test_num2words_mistakes_are_not_made() -> None:
    assert read_number(1015, NORTH) != "một nghìn lẻ mười lăm"
    assert read_number(2024, NORTH) != "hai nghìn lẻ hai mươi bốn"


# ----------------------------------------------------------------- an independent reference
# Two checks written apart from the code under test: a reader that turns the words back into the
# value (so the words say the right number), and one rule per component on the digits of the
# number (so the words say it in the one accepted way).

_VALUE = {
    "không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4,
    "năm": 5, "lăm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
}  # fmt: skip
_NAMES = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_WORDS = {
    NORTH: {"thousand": "nghìn", "zero_tens": "linh", "other": ("ngàn", "lẻ")},
    SOUTH: {"thousand": "ngàn", "zero_tens": "lẻ", "other": ("nghìn", "linh")},
}


def _value_of(words: str, wording: Wording) -> int:
    """Reads number words back into their value, left to right."""
    total = group = 0
    digit: int | None = None
    for word in words.split(" "):
        if word in _VALUE:
            assert digit is None, f"two digits in a row in {words!r}"
            digit = _VALUE[word]
        elif word == "trăm":
            assert digit is not None
            group, digit = group + digit * 100, None
        elif word == "mươi":
            assert digit is not None and digit >= 2
            group, digit = group + digit * 10, None
        elif word == "mười":
            assert digit is None
            group += 10
        elif word == _WORDS[wording]["zero_tens"]:
            assert digit is None and group % 100 == 0
        elif word == _WORDS[wording]["thousand"]:
            total, group, digit = (group + (digit or 0)) * 1000, 0, None
        else:
            raise AssertionError(f"unexpected word {word!r} in {words!r}")
    return total + group + (digit or 0)


def _check_components(number: int, words: str, wording: Wording) -> None:
    """Each rule of the reading, checked on the digits of NUMBER (0..9999)."""
    thousands, hundreds, tens, units = (int(d) for d in f"{number:04d}")
    w = _WORDS[wording]
    padded = f" {words} "
    assert re.fullmatch(r"[^\s]+( [^\s]+)*", words), "single spaces, no padding"
    for other in w["other"]:
        assert f" {other} " not in padded, f"{other!r} belongs to the other wording"
    # thousands
    assert (f" {w['thousand']} " in padded) == (thousands > 0)
    if thousands:
        assert words.startswith(f"{_NAMES[thousands]} {w['thousand']}")
    # hundreds: read when non-zero, and as "không trăm" after the thousands if more follows
    rest = number % 1000
    assert (" không trăm " in padded) == (thousands > 0 and hundreds == 0 and rest > 0)
    assert padded.count(" trăm ") == int(hundreds > 0 or (thousands > 0 and rest > 0))
    # tens
    assert (" mười " in padded) == (tens == 1)
    assert (" mươi " in padded) == (tens >= 2)
    assert " một mươi " not in padded
    has_hundreds_word = " trăm " in padded
    assert (f" {w['zero_tens']} " in padded) == (tens == 0 and units > 0 and has_hundreds_word)
    # units
    last = words.rsplit(" ", maxsplit=1)[-1]
    if units == 0:
        assert last in {"không", "mười", "mươi", "trăm", w["thousand"]}
        assert (last == "không") == (number == 0)
    elif units == 1:
        assert last == ("mốt" if tens >= 2 else "một")
    elif units == 4:
        assert last == ("tư" if tens >= 2 and wording is NORTH else "bốn")
    elif units == 5:
        assert last == ("lăm" if tens >= 1 else "năm")
    else:
        assert last == _NAMES[units]
    assert padded.count(" không ") == int(number == 0 or " không trăm " in padded)


@pytest.mark.parametrize("wording", [NORTH, SOUTH])
def test_every_number_to_9999_follows_each_rule(wording: Wording) -> None:
    for number in range(10_000):
        words = read_number(number, wording)
        assert _value_of(words, wording) == number, words
        _check_components(number, words, wording)


@pytest.mark.parametrize("wording", [NORTH, SOUTH])
def test_larger_numbers_read_back_to_their_value(wording: Wording) -> None:
    numbers = [*range(10_000, MAX_NUMBER + 1, 997), 10_001, 100_100, 101_010, MAX_NUMBER]
    for number in numbers:
        assert _value_of(read_number(number, wording), wording) == number


def test_the_two_wordings_differ_only_in_their_words() -> None:
    swap = {"nghìn": "ngàn", "linh": "lẻ", "tư": "bốn"}
    for number in range(10_000):
        north = read_number(number, NORTH).split(" ")
        assert [swap.get(w, w) for w in north] == read_number(number, SOUTH).split(" ")


@pytest.mark.parametrize("bad", [-1, MAX_NUMBER + 1, 10**9])
def test_numbers_out_of_range_are_refused(bad: int) -> None:
    with pytest.raises(ValueError, match="0 to 999999"):
        read_number(bad)


# ----------------------------------------------------------------- digit by digit


@pytest.mark.parametrize(
    ("digits", "words"),
    [
        ("1005", "một không không năm"),
        ("0", "không"),
        ("001", "không không một"),
        ("15", "một năm"),
        ("0123456789", "không một hai ba bốn năm sáu bảy tám chín"),
    ],
)
def test_digit_by_digit(digits: str, words: str) -> None:
    assert read_digits(digits) == words


def test_every_four_digit_string_reads_back_digit_by_digit() -> None:
    for number in range(10_000):
        digits = f"{number:04d}"
        spoken = read_digits(digits).split(" ")
        assert "".join(str(_NAMES.index(w)) for w in spoken) == digits


@pytest.mark.parametrize("bad", ["", "12a", " 1", "١٢", "-5"])
def test_digit_by_digit_refuses_anything_but_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="digits"):
        read_digits(bad)
