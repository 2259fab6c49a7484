"""The call sentence: ticket letters by name, digits as a number or one by one, the counter."""

from __future__ import annotations

import pytest

from shared.errors import InvalidInputError
from shared.rules.settings import VoiceOptions, Wording
from shared.voice.announcement import LETTER_NAMES, announcement_text, read_ticket_number

SOUTH = VoiceOptions(wording=Wording.SOUTH)
NORTH = VoiceOptions(wording=Wording.NORTH)


def test_the_reference_sentence() -> None:
    assert announcement_text("1005", 2, NORTH) == (
        "Mời công dân có số thứ tự một nghìn không trăm linh năm đến quầy số hai"
    )
    assert announcement_text("1005", 2, SOUTH) == (
        "Mời công dân có số thứ tự một ngàn không trăm lẻ năm đến quầy số hai"
    )


@pytest.mark.parametrize(
    ("display_number", "south", "north"),
    [
        ("A001", "a một", "a một"),
        ("B024", "bê hai mươi bốn", "bê hai mươi tư"),
        ("TKQ012", "tê ca quy mười hai", "tê ca quy mười hai"),
        ("CC105", "xê xê một trăm lẻ năm", "xê xê một trăm linh năm"),
        ("Đ21", "đê hai mươi mốt", "đê hai mươi mốt"),
        ("lmn5", "e lờ em mờ en nờ năm", "e lờ em mờ en nờ năm"),
        ("A-015", "a mười lăm", "a mười lăm"),
        (" X 2000 ", "ích xì hai ngàn", "ích xì hai nghìn"),
        ("A000", "a không", "a không"),
        ("0", "không", "không"),
        ("VIP", "vê i pê", "vê i pê"),
        ("1A2", "một a hai", "một a hai"),
    ],
)
def test_ticket_numbers_by_wording(display_number: str, south: str, north: str) -> None:
    assert read_ticket_number(display_number, Wording.SOUTH) == south
    assert read_ticket_number(display_number, Wording.NORTH) == north


@pytest.mark.parametrize(
    ("display_number", "words"),
    [
        ("1005", "một không không năm"),
        ("A001", "a không không một"),
        ("TKQ012", "tê ca quy không một hai"),
    ],
)
def test_digit_by_digit_option(display_number: str, words: str) -> None:
    voice = VoiceOptions(digit_by_digit=True)
    sentence = announcement_text(display_number, 12, voice)
    assert sentence == f"Mời công dân có số thứ tự {words} đến quầy số mười hai"


def test_a_number_too_long_to_say_as_a_number_is_read_digit_by_digit() -> None:
    assert read_ticket_number("A1234567") == "a một hai ba bốn năm sáu bảy"
    assert (
        read_ticket_number("000999999") == "chín trăm chín mươi chín ngàn chín trăm chín mươi chín"
    )


def test_the_counter_is_always_a_number() -> None:
    voice = VoiceOptions(digit_by_digit=True, wording=Wording.NORTH)
    assert announcement_text("7", 21, voice).endswith("đến quầy số hai mươi mốt")
    assert announcement_text("7", 10, voice).endswith("đến quầy số mười")


def test_every_letter_has_a_name_and_the_names_are_distinct() -> None:
    basic = "ABCDEGHIKLMNOPQRSTUVXY" + "ĂÂĐÊÔƠƯ" + "FJWZ"
    assert set(LETTER_NAMES) == set(basic)
    assert len(set(LETTER_NAMES.values())) == len(LETTER_NAMES)
    for letter in basic:
        assert read_ticket_number(letter.lower()) == read_ticket_number(letter)


def test_decomposed_letters_are_read_like_composed_ones() -> None:
    decomposed = "D\u0110E\u0302"  # D, Đ, E + combining circumflex (Ê)
    assert read_ticket_number(decomposed) == "dê đê ê"


@pytest.mark.parametrize("bad", ["", "   ", "--", "A#1", "Á1", "1+1", "٣"])
def test_unreadable_ticket_numbers_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInputError):
        announcement_text(bad, 1, SOUTH)


@pytest.mark.parametrize("bad", [-1, 1_000_000])
def test_an_impossible_counter_number_is_refused(bad: int) -> None:
    with pytest.raises(InvalidInputError, match="counter"):
        announcement_text("1", bad, SOUTH)
