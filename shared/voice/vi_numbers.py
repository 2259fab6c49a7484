"""Vietnamese number words for announcements: 0..999 999 as a number, or digit by digit.

Our own rules, because num2words' Vietnamese is wrong (1015 -> "một nghìn lẻ mười lăm").
Northern wording says "nghìn", "linh" and "hai mươi tư"; southern wording says "ngàn", "lẻ" and
"hai mươi bốn" (both "tư" and "bốn" are correct after "mươi"; "bốn" is the everyday southern form).
"""

from __future__ import annotations

from shared.rules.settings import Wording

MAX_NUMBER = 999_999

DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

_THOUSAND = {Wording.NORTH: "nghìn", Wording.SOUTH: "ngàn"}
_ZERO_TENS = {Wording.NORTH: "linh", Wording.SOUTH: "lẻ"}
_FOUR_AFTER_TENS = {Wording.NORTH: "tư", Wording.SOUTH: "bốn"}


def read_number(number: int, wording: Wording = Wording.SOUTH) -> str:
    """Read NUMBER (0..999 999) the way a person announces it.

    Args:
        number: the value to read.
        wording: northern or southern words.

    Returns:
        The words, lower case, separated by single spaces: 1005 -> "một nghìn không trăm linh năm".

    Raises:
        ValueError: NUMBER is negative or above MAX_NUMBER.
    """
    if isinstance(number, bool) or not 0 <= number <= MAX_NUMBER:
        raise ValueError(f"can only read whole numbers from 0 to {MAX_NUMBER}, not {number!r}")
    if number == 0:
        return DIGIT_WORDS[0]
    thousands, rest = divmod(number, 1000)
    words: list[str] = []
    if thousands:
        words += _group(thousands, wording, inner=False)
        words.append(_THOUSAND[wording])
        if rest:
            words += _group(rest, wording, inner=True)
    else:
        words += _group(rest, wording, inner=False)
    return " ".join(words)


def read_digits(digits: str) -> str:
    """Read a string of digits one by one: "1005" -> "một không không năm".

    Raises:
        ValueError: DIGITS is empty or holds something other than the digits 0-9.
    """
    if not digits or not all("0" <= d <= "9" for d in digits):
        raise ValueError(f"only the digits 0-9 can be read one by one, not {digits!r}")
    return " ".join(DIGIT_WORDS[int(d)] for d in digits)


def _group(value: int, wording: Wording, *, inner: bool) -> list[str]:
    """The words of a group of three digits (1..999).

    An inner group follows "nghìn": its hundreds are read even when zero ("không trăm").
    """
    hundreds, tens, units = value // 100, value // 10 % 10, value % 10
    words: list[str] = []
    has_hundreds = inner or hundreds > 0
    if has_hundreds:
        words += [DIGIT_WORDS[hundreds], "trăm"]
    if tens == 0:
        if units and has_hundreds:
            words += [_ZERO_TENS[wording], DIGIT_WORDS[units]]
        elif units:
            words.append(DIGIT_WORDS[units])
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [DIGIT_WORDS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 4 and tens >= 2:
        words.append(_FOUR_AFTER_TENS[wording])
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGIT_WORDS[units])
    return words
