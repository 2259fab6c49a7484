"""Every sentence of the counter window, Vietnamese first and English beside it (shorter)."""

from __future__ import annotations

import datetime as dt

from shared.bilingual import Text
from shared.clock import hms
from shared.rules.domain import TICKET_STATUS_VI, PriorityPolicy, TicketStatus

WINDOW_TITLE = Text("motcua – Quầy {number}", "motcua – Counter {number}")
LOGIN_TITLE = Text("Đăng nhập quầy", "Counter login")
OFFICER_CODE = Text("Mã cán bộ", "Officer code")
PIN = Text("Mã PIN", "PIN")
COUNTER = Text("Quầy", "Counter")
COUNTER_FIXED = Text("Quầy {number} (cấu hình của máy này)", "Counter {number} (this PC)")
SUPERVISOR = Text("Lãnh đạo: mở khóa / giải phóng quầy", "Supervisor: unlock / release")
LOGGING_IN = Text("Đang đăng nhập…", "Logging in…")

STATE_OPEN = Text("Đang mở", "Open")
STATE_PAUSED = Text("Tạm dừng: {reason}", "Paused")
STATE_CLOSED = Text("Đã đóng", "Closed")
NO_TICKET = Text("Chưa gọi số nào", "No ticket called")
PRESS_CALL = Text("Nhấn «Gọi số tiếp theo» (F1 hoặc Space)", "Press Call next (F1 or Space)")
WAITED = Text("Đã chờ", "Waited")
SERVING_FOR = Text("Đang phục vụ", "Serving for")
PRIORITY = Text("Ưu tiên", "Priority")
CALLED_TIMES = Text("Đã gọi {count} lần", "Called {count} times")

CALL_NEXT = Text("Gọi số tiếp theo", "Call next")
RECALL = Text("Gọi lại", "Recall")
NO_SHOW = Text("Vắng mặt", "No-show")
START = Text("Bắt đầu phục vụ", "Start")
FINISH = Text("Kết thúc", "Finish")
TRANSFER = Text("Chuyển", "Transfer")
CALL_TICKET = Text("Gọi số cụ thể", "Call a number")
PAUSE = Text("Tạm dừng", "Pause")
RESUME = Text("Tiếp tục", "Resume")
LOGOUT = Text("Đăng xuất", "Log out")

QUEUE_TITLE = Text("Hàng chờ", "Queue")
QUEUE_SERVICE = Text("Thủ tục", "Service")
QUEUE_WAITING = Text("Chờ", "Waiting")
QUEUE_LONGEST = Text("Lâu nhất", "Longest")
QUEUE_TOTAL = Text("Tổng số người chờ: {count}", "Total waiting: {count}")
QUEUE_TRANSFERRED = Text(
    "Chuyển riêng đến quầy này: {count}", "Transferred to this counter: {count}"
)
QUEUE_ALL_SERVICES = Text("Quầy này phục vụ mọi thủ tục", "This counter serves every service")
QUEUE_FILTER = Text("Quầy này chỉ phục vụ: {codes}", "This counter serves: {codes}")
QUEUE_NOT_SERVED = Text("(quầy không phục vụ)", "(not served here)")

CALLED = Text("Đã gọi số {number}", "Called {number}")
CALLED_CLOSED = Text(
    "Đã gọi số {number} (số {previous} đã kết thúc)", "Called {number} ({previous} finished)"
)
NOBODY_WAITING = Text("Không còn công dân chờ", "Nobody is waiting")
RECALLED = Text("Đã gọi lại số {number}", "Recalled {number}")
MARKED_NO_SHOW = Text("Số {number}: vắng mặt", "{number}: no-show")
STARTED = Text("Bắt đầu phục vụ số {number}", "Serving {number}")
FINISHED = Text("Số {number}: {outcome}", "{number}: {outcome_en}")
TRANSFERRED_SERVICE = Text("Đã chuyển số {number} sang {target}", "Moved {number} to {target}")
TRANSFERRED_COUNTER = Text(
    "Đã chuyển số {number} đến quầy {target}", "Moved {number} to counter {target}"
)
PAUSED = Text("Quầy tạm dừng", "Counter paused")
RESUMED = Text("Quầy tiếp tục nhận công dân", "Counter resumed")
LOGGED_IN = Text("Xin chào {name}", "Welcome")
RESTORED = Text(
    "Đã khôi phục phiên làm việc: số {number} ({status})",
    "Session restored: ticket {number}",
)
LOGGED_OUT = Text("Đã đăng xuất, quầy {number} đã đóng", "Logged out, counter {number} closed")
RELEASED = Text(
    "Quầy {number} đã được lãnh đạo giải phóng: hãy đăng nhập lại",
    "Counter {number} was released by a supervisor: log in again",
)
SESSION_LOST = Text(
    "Quầy {number} không còn do bạn giữ: hãy đăng nhập lại",
    "You no longer hold counter {number}: log in again",
)
UNLOCKED = Text("Đã mở khóa tài khoản {code}", "Account {code} unlocked")
RELEASED_BY_YOU = Text("Đã giải phóng quầy {number}", "Counter {number} released")
BUSY = Text("Cơ sở dữ liệu đang bận, đang thử lại…", "Database busy, retrying…")
FEED_FAILED = Text("Mất kết nối cơ sở dữ liệu, đang thử lại…", "Database unreachable, retrying…")

# Dialogs
CALL_TICKET_TITLE = Text("Gọi một số không theo thứ tự", "Call a number out of order")
TICKET_NUMBER = Text("Số thứ tự", "Ticket number")
REASON = Text("Lý do", "Reason")
REASON_REQUIRED = Text("Cần ghi lý do", "A reason is required")
NUMBER_REQUIRED = Text("Cần nhập số thứ tự", "Enter a ticket number")
OUT_OF_ORDER_REASONS = (
    "Công dân vắng mặt khi được gọi, nay quay lại",
    "Công dân quay lại bổ sung hồ sơ",
    "Công dân quay lại nhận kết quả",
)
OUTCOME_TITLE = Text("Kết thúc phục vụ: chọn kết quả", "Finish: choose the outcome")
TRANSFER_TITLE = Text("Chuyển số {number}", "Transfer {number}")
TO_SERVICE = Text("Sang thủ tục", "To a service")
TO_COUNTER = Text("Đến quầy", "To a counter")
PAUSE_TITLE = Text("Tạm dừng quầy", "Pause the counter")
PAUSE_REASONS = ("Nghỉ giữa giờ", "Họp", "Xử lý hồ sơ", "Sự cố thiết bị")
SUPERVISOR_TITLE = Text("Lãnh đạo xác nhận", "Supervisor")
SUPERVISOR_CODE = Text("Mã lãnh đạo", "Supervisor code")
UNLOCK_OFFICER = Text("Mở khóa tài khoản cán bộ", "Unlock an officer")
RELEASE_COUNTER = Text("Giải phóng quầy (máy bị hỏng)", "Release a counter (dead PC)")
OK = Text("Đồng ý", "OK")
CANCEL = Text("Hủy", "Cancel")


def clock_text(seconds: float) -> str:
    """A duration as the counter shows it: 4:05, or 1:02:03 past an hour."""
    return hms(int(seconds))


def since(start: dt.datetime | None, end: dt.datetime) -> str:
    return "–" if start is None else clock_text((end - start).total_seconds())


def status_text(status: TicketStatus) -> Text:
    return Text(TICKET_STATUS_VI[status], str(status).replace("_", " "))


def priority_text(code: str | None, policy: PriorityPolicy) -> Text | None:
    if code is None:
        return None
    category = policy.category(code)
    if category is None:
        return Text(code, code)
    return Text(category.name_vi, category.name_en)


CONFIRM_CALL = Text(
    "Số {number} đang được phục vụ: nhấn Gọi số tiếp lần nữa để kết thúc và gọi người tiếp theo",
    "Ticket {number} is being served: press Call next again to finish it and call the next one",
)
