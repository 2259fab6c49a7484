"""Every sentence of the kiosk, Vietnamese first and English beside it.

The language switch only decides which of the two is the large line: the other stays under it.
"""

from __future__ import annotations

import datetime as dt

from shared.bilingual import Text, day_line

CHOOSE_SERVICE = Text("Mời chọn thủ tục", "Please choose a procedure")
CHOOSE_SERVICE_PRIORITY = Text(
    "Ưu tiên: {category} — mời chọn thủ tục", "Priority: {category} — please choose a procedure"
)
PRIORITY_BUTTON = Text("Ưu tiên", "Priority")
PRIORITY_TICKET = Text("Ưu tiên: {category}", "Priority: {category}")
PRIORITY_TITLE = Text("Chọn đối tượng ưu tiên", "Who is the priority for?")
CANCEL = Text("Quay lại", "Back")
LANGUAGE_BUTTON = Text("English", "Tiếng Việt")
CLOSED = Text("Tạm ngừng nhận số", "Closed for now")
CAPPED = Text("Đã hết số hôm nay", "No tickets left today")
WAITING = Text(
    "Đang chờ: {waiting} người · Dự kiến: {wait}", "Waiting: {waiting} · Expected: {wait}"
)
YOUR_NUMBER = Text("Số thứ tự của bạn", "Your number")
AHEAD = Text("Trước bạn: {ahead} người", "People ahead: {ahead}")
PREDICTED = Text("Dự kiến chờ: {wait}", "Expected wait: {wait}")
PRINTING = Text("Đang in phiếu…", "Printing your ticket…")
PRINTED = Text("Mời bạn nhận phiếu bên dưới", "Please take your ticket below")
NO_PRINTER = Text(
    "Mời bạn ghi nhớ số hoặc chụp ảnh mã QR", "Please note your number or photograph the QR code"
)
PRINT_FAILED = Text(
    "Xin lỗi, máy in đang gặp sự cố. Số của bạn vẫn hợp lệ: mời ghi nhớ số hoặc chụp ảnh mã QR.",
    "Sorry, the printer has a problem. Your number is valid: note it or photograph the QR code.",
)
REPRINT = Text("In lại", "Print again")
DONE = Text("Xong", "Done")
BUSY = Text("Đang lấy số…", "Getting your number…")
ISSUE_FAILED = Text("Không lấy được số: {reason}", "Could not issue a ticket: {reason}")
EXIT_TITLE = Text("Thoát kiosk: nhập mã PIN quản trị", "Leave the kiosk: enter an admin PIN")
EXIT_WRONG = Text("Mã PIN không đúng", "Wrong PIN")
EXIT_LOCKED = Text(
    "Nhập sai quá nhiều lần, thử lại sau {minutes} phút",
    "Too many wrong PINs, try again in {minutes} min",
)


def wait_text(minutes: int, language: str) -> str:
    """'ngay' when nobody is ahead, else about N minutes."""
    if minutes <= 0:
        return "now" if language == "en" else "ngay"
    if language == "en":
        return f"~{minutes} min"
    return f"khoảng {minutes} phút"


def date_line(local: dt.datetime) -> str:
    """'Thứ Hai, 30/11/2026 · 09:15' (Vietnamese, the office's local time)."""
    return f"{day_line(local)} · {local:%H:%M}"


def date_line_en(local: dt.datetime) -> str:
    return day_line(local, "en")
