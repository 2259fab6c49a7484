"""Every sentence of the supervisor window, Vietnamese first and English beside it."""

from __future__ import annotations

from shared.bilingual import Text
from shared.clock import hms

WINDOW_TITLE = Text("motcua – Lãnh đạo", "motcua – Supervisor")
LOGIN_TITLE = Text("Đăng nhập lãnh đạo", "Supervisor login")
LOGIN_HINT = Text(
    "Dành cho lãnh đạo và quản trị viên", "For supervisors and admins (officers are refused)"
)
OFFICER_CODE = Text("Mã cán bộ", "Officer code")
LOGOUT = Text("Đăng xuất", "Log out")
LOGGING_IN = Text("Đang đăng nhập…", "Logging in…")
WELCOME = Text("Xin chào {name} ({role})", "Welcome, {code}")
LOGGED_OUT = Text("Đã đăng xuất", "Logged out")

TAB_LIVE = Text("Trực tiếp", "Live")
TAB_AUDIT = Text("Kiểm tra", "Audit")
TAB_REPORTS = Text("Báo cáo", "Reports")
TAB_ADMIN = Text("Quản trị", "Administration")

ALERTS = Text("Cảnh báo", "Alerts")
NO_ALERTS = Text("Không có cảnh báo", "No alerts")
SERVICES = Text("Thủ tục", "Services")
COUNTERS = Text("Quầy", "Counters")
OFFICERS = Text("Cán bộ hôm nay", "Officers today")
CHART_TITLE = Text("Theo giờ", "By hour")

COL_SERVICE = Text("Thủ tục", "Service")
COL_WAITING = Text("Đang chờ", "Waiting")
COL_LONGEST = Text("Chờ lâu nhất", "Longest")
COL_AVG_WAIT = Text("Chờ TB", "Avg wait")
COL_P90_WAIT = Text("Chờ P90", "P90 wait")
COL_SERVED = Text("Đã phục vụ", "Served")
COL_NO_SHOW = Text("Vắng mặt", "No-show")
COL_COUNTER = Text("Quầy", "Counter")
COL_STATE = Text("Trạng thái", "State")
COL_OFFICER = Text("Cán bộ", "Officer")
COL_TICKET = Text("Số", "Ticket")
COL_FOR = Text("Thời gian", "For")
COL_NAME = Text("Họ tên", "Name")
COL_AVG_SERVICE = Text("Phục vụ TB", "Avg service")
COL_IDLE = Text("Thời gian rảnh", "Idle")
COL_TIME = Text("Giờ", "Time")
COL_KIND = Text("Loại", "Kind")
COL_WHAT = Text("Nội dung", "What happened")
COL_REASON = Text("Lý do", "Reason")
COL_BY = Text("Người thực hiện", "By")

SERIES_ARRIVALS = Text("Lấy số", "Arrivals")
SERIES_SERVED = Text("Đã phục vụ", "Served")
SERIES_WAIT = Text("Chờ TB (phút)", "Avg wait (min)")
AXIS_PEOPLE = Text("Người", "People")
AXIS_MINUTES = Text("Phút", "Minutes")

RELEASE = Text("Giải phóng quầy đã chọn", "Release the selected counter")
RELEASE_CONFIRM = Text(
    "Giải phóng quầy {number}? Số đang phục vụ sẽ trở lại hàng chờ.",
    "Release counter {number}? Its ticket goes back to the queue.",
)
UNLOCK = Text("Mở khóa tài khoản", "Unlock account")
RELEASED = Text("Đã giải phóng quầy {number}", "Counter {number} released")
UNLOCKED = Text("Đã mở khóa tài khoản {code}", "Account {code} unlocked")
SELECT_COUNTER = Text("Chọn một quầy trong bảng", "Select a counter in the table")
ENTER_CODE = Text("Nhập mã cán bộ", "Enter an officer code")

AUDIT_DAY = Text("Ngày", "Day")
SHOW = Text("Xem", "Show")
AUDIT_COUNT = Text("{count} thao tác", "{count} actions")

DATE_FROM = Text("Từ ngày", "From")
DATE_TO = Text("Đến ngày", "To")
GROUP_BY = Text("Theo", "By")
RUN_REPORT = Text("Lập báo cáo", "Run report")
EXPORT_CSV = Text("Xuất CSV", "Export CSV")
EXPORT_XLSX = Text("Xuất Excel", "Export XLSX")
EXPORTED = Text("Đã ghi {path}", "Written: {path}")
NO_REPORT = Text("Hãy lập báo cáo trước", "Run a report first")

ADMIN_ONLY = Text(
    "Chỉ quản trị viên được thay đổi cấu hình", "Only an admin can change the configuration"
)
SAVED = Text("Đã lưu: {what}", "Saved: {what}")
ADD = Text("Thêm", "Add")
SAVE = Text("Lưu", "Save")
OPEN = Text("Mở", "Open")
CLOSE = Text("Đóng", "Close")
CODE = Text("Mã", "Code")
NAME_VI = Text("Tên tiếng Việt", "Vietnamese name")
NAME_EN = Text("Tên tiếng Anh", "English name")
NUMBERING = Text("Đánh số (1001-1999 hoặc A)", "Numbering (1001-1999 or A)")
DAILY_CAP = Text("Giới hạn số/ngày (0: không)", "Daily cap (0: none)")
THRESHOLD = Text("Ngưỡng cảnh báo chờ (phút)", "Wait alert threshold (min)")
NUMBER = Text("Số quầy", "Counter number")
COUNTER_NAME = Text("Tên quầy", "Counter name")
COUNTER_SERVICES = Text(
    "Chỉ phục vụ (CT,CC; để trống: mọi thủ tục)", "Serves only (CT,CC; empty: all)"
)
FULL_NAME = Text("Họ tên", "Full name")
ROLE = Text("Vai trò", "Role")
NEW_PIN = Text("Mã PIN mới", "New PIN")
RESET_PIN = Text("Đặt lại PIN", "Reset PIN")
DEACTIVATE = Text("Vô hiệu hóa", "Deactivate")
OFFICE_NAME = Text("Tên đơn vị", "Office name")
NOTICE_TEXT = Text("Thông báo màn hình sảnh", "Hall display notice")
TICKET_FOOTER = Text("Dòng cuối phiếu", "Ticket footer")
VOICE = Text("Giọng đọc (JSON)", "Voice options (JSON)")
PRIORITY = Text("Chính sách ưu tiên (JSON)", "Priority policy (JSON)")
BAD_JSON = Text("{field}: JSON không hợp lệ", "{field}: invalid JSON")
SERVICE_BOX = Text("Thủ tục", "Service")
COUNTER_BOX = Text("Quầy", "Counter")
OFFICER_BOX = Text("Cán bộ", "Officer")
SETTINGS_BOX = Text("Thiết lập chung", "Office settings")

BUSY = Text("Cơ sở dữ liệu đang bận, đang thử lại…", "Database busy, retrying…")
FEED_FAILED = Text("Mất kết nối cơ sở dữ liệu, đang thử lại…", "Database unreachable, retrying…")

ACTIVITY = {
    "closed": Text("Đóng", "Closed"),
    "idle": Text("Đang rảnh", "Idle"),
    "serving": Text("Đang phục vụ", "Serving"),
    "paused": Text("Tạm dừng", "Paused"),
}
ROLES = {
    "officer": Text("Cán bộ", "Officer"),
    "supervisor": Text("Lãnh đạo", "Supervisor"),
    "admin": Text("Quản trị", "Admin"),
}


def duration(seconds: float | None) -> str:
    """A duration as the tables show it: 4:05, or 1:02:03 past an hour; – for none."""
    return "–" if seconds is None else hms(round(seconds))


LOGO = Text("Logo", "Logo")
LOGO_CHOOSE = Text("Chọn ảnh logo…", "Choose a logo image…")
LOGO_CLEAR = Text("Bỏ logo", "Remove the logo")
