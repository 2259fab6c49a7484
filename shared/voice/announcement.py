"""The sentence the hall display speaks for a call, built from the ticket and the counter number.

Letters of a ticket number are read by their Vietnamese names, the ones used to spell
abbreviations aloud ("VTV" is "vê tê vê", "HTV" is "hát tê vê"): a, á, ớ, bê, xê, dê, đê, e, ê,
giê, hát, i, ca, e lờ, em mờ, en nờ, o, ô, ơ, pê, quy, e rờ, ét xì, tê, u, ư, vê, ích xì, i dài,
plus the usual names of the four letters Vietnamese borrows (ép, gi, vê kép, dét). Two-syllable
names are written with a space, not a hyphen, so that every speech engine reads both syllables.
"""

from __future__ import annotations

import re
import unicodedata

from shared.errors import InvalidInputError
from shared.rules.settings import VoiceOptions, Wording
from shared.voice.vi_numbers import MAX_NUMBER, read_digits, read_number

LETTER_NAMES: dict[str, str] = {
    "A": "a", "Ă": "á", "Â": "ớ", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "Ê": "ê",
    "F": "ép", "G": "giê", "H": "hát", "I": "i", "J": "gi", "K": "ca", "L": "e lờ", "M": "em mờ",
    "N": "en nờ", "O": "o", "Ô": "ô", "Ơ": "ơ", "P": "pê", "Q": "quy", "R": "e rờ", "S": "ét xì",
    "T": "tê", "U": "u", "Ư": "ư", "V": "vê", "W": "vê kép", "X": "ích xì", "Y": "i dài",
    "Z": "dét",
}  # fmt: skip

CALL_TEMPLATE = "Mời công dân có số thứ tự {ticket} đến quầy số {counter}"

_PARTS = re.compile(r"([0-9]+)|([^\W\d_])|[\s\-./_]+|(.)")


def read_ticket_number(
    display_number: str, wording: Wording = Wording.SOUTH, *, digit_by_digit: bool = False
) -> str:
    """The words for a ticket number as printed: "A001" -> "a một", "1005" -> "một nghìn ...".

    Letters are read by name (LETTER_NAMES), each run of digits as one number, or digit by digit
    when asked (or when it is longer than six digits). Spaces, dashes, dots and slashes between
    the parts are not read.

    Raises:
        InvalidInputError: the number is empty or holds a character that cannot be read.
    """
    words: list[str] = []
    for match in _PARTS.finditer(unicodedata.normalize("NFC", display_number.strip())):
        digits, letter, other = match.groups()
        if digits is not None:
            too_long = len(digits.lstrip("0")) > len(str(MAX_NUMBER))
            if digit_by_digit or too_long:
                words.append(read_digits(digits))
            else:
                words.append(read_number(int(digits), wording))
        elif letter is not None and letter.upper() in LETTER_NAMES:
            words.append(LETTER_NAMES[letter.upper()])
        elif letter is not None or other is not None:
            char = letter or other
            raise InvalidInputError(
                f"Không đọc được ký tự '{char}' trong số thứ tự '{display_number}'",
                f"cannot read the character '{char}' of ticket number '{display_number}'",
            )
    if not words:
        raise InvalidInputError(
            f"Số thứ tự '{display_number}' không có gì để đọc",
            f"ticket number '{display_number}' has nothing to read aloud",
        )
    return " ".join(words)


def announcement_text(display_number: str, counter_number: int, voice: VoiceOptions) -> str:
    """The call sentence: "Mời công dân có số thứ tự ... đến quầy số ...".

    Args:
        display_number: the ticket number as printed ("1005", "A001", "TKQ012").
        counter_number: the counter the citizen goes to; always read as a number.
        voice: the wording and whether ticket numbers are read digit by digit.

    Raises:
        InvalidInputError: the ticket number cannot be read, or the counter number is out of range.
    """
    if isinstance(counter_number, bool) or not 0 <= counter_number <= MAX_NUMBER:
        raise InvalidInputError(
            f"Số quầy {counter_number!r} không hợp lệ", f"invalid counter number {counter_number!r}"
        )
    ticket = read_ticket_number(display_number, voice.wording, digit_by_digit=voice.digit_by_digit)
    return CALL_TEMPLATE.format(ticket=ticket, counter=read_number(counter_number, voice.wording))
