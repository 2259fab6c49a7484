"""Render a ticket to a 1-bit image for a thermal printer, Vietnamese first and English beside it.

Vietnamese never goes through the printer's code pages (most print '?' for most Vietnamese
letters): every letter is drawn here with the DejaVu Sans font shipped in shared/assets/fonts/.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import qrcode
import qrcode.constants
from PIL import Image, ImageDraw, ImageFont

from shared.errors import InvalidInputError
from shared.office.config import PAPER_WIDTHS
from shared.paths import asset_path
from shared.rules.domain import TicketView
from shared.rules.settings import OfficeSettings

REGULAR_FONT = "fonts/DejaVuSans.ttf"
BOLD_FONT = "fonts/DejaVuSans-Bold.ttf"

# M recovers from a smudge on thermal paper and keeps a ~60-character URL at version 4 (33 modules).
QR_ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
QR_BORDER_MODULES = 4  # the quiet zone a scanner needs around the code

WHITE = 1
BLACK = 0

_NUMBER_LABEL = ("SỐ THỨ TỰ", "YOUR NUMBER")
_ISSUED_LABEL = ("Giờ lấy số", "Issued")
_AHEAD_LABEL = ("Số người chờ trước bạn", "People ahead")
_WAIT_LABEL = ("Thời gian chờ dự kiến", "Estimated wait")
_PRIORITY_LABEL = ("ƯU TIÊN", "PRIORITY")
_SCAN_LABEL = ("Quét mã để theo dõi lượt", "Scan to follow your turn")

Font = ImageFont.FreeTypeFont


@dataclass(frozen=True, slots=True)
class TicketParts:
    """A ticket in two images, for printers that draw the QR code themselves between them.

    Attributes:
        body: everything above the QR code.
        footer: the scan hint and the office's footer, printed under the QR code.
        url: what the QR code holds.
    """

    body: Image.Image
    footer: Image.Image
    url: str


def ticket_url(ticket: TicketView, office: OfficeSettings) -> str:
    """The lookup URL the ticket's QR code holds: the office's base URL followed by the token."""
    return office.lookup_base_url + ticket.token


def check_width(width: int) -> None:
    """Refuse a paper width that is not 384 (58 mm), 512 or 576 dots (80 mm)."""
    if width not in PAPER_WIDTHS:
        raise InvalidInputError(
            f"khổ giấy {width} chấm không hợp lệ, phải là 384, 512 hoặc 576",
            f"paper width {width} dots is invalid, must be 384, 512 or 576",
        )


def render_ticket(
    ticket: TicketView,
    office: OfficeSettings,
    people_ahead: int | None,
    predicted_wait_minutes: int | None,
    width: int,
) -> Image.Image:
    """The whole ticket, QR code included, as a 1-bit image exactly `width` dots wide.

    Raises:
        InvalidInputError: the width is not 384, 512 or 576.
    """
    parts = render_ticket_parts(ticket, office, people_ahead, predicted_wait_minutes, width)
    qr_image = render_qr(parts.url, width)
    image = Image.new(
        "1", (width, parts.body.height + qr_image.height + parts.footer.height), WHITE
    )
    image.paste(parts.body, (0, 0))
    image.paste(qr_image, ((width - qr_image.width) // 2, parts.body.height))
    image.paste(parts.footer, (0, parts.body.height + qr_image.height))
    return image


def render_ticket_parts(
    ticket: TicketView,
    office: OfficeSettings,
    people_ahead: int | None,
    predicted_wait_minutes: int | None,
    width: int,
) -> TicketParts:
    """The ticket without its QR code: the part above it and the part below it.

    Raises:
        InvalidInputError: the width is not 384, 512 or 576.
    """
    check_width(width)
    scale = width / 384
    body = _Canvas(width, scale)
    body.text(office.office_name, 22, bold=True)
    body.rule()
    body.text(ticket.service_name_vi, 24, bold=True)
    body.text(ticket.service_name_en, 17)
    body.gap(6)
    body.text(f"{_NUMBER_LABEL[0]} / {_NUMBER_LABEL[1]}", 15)
    body.number(ticket.display_number)
    category = next(
        (c for c in office.priority.categories if c.code == ticket.priority_category), None
    )
    if ticket.priority_category is not None:
        name_vi, name_en = (
            (category.name_vi, category.name_en)
            if category is not None
            else (ticket.priority_category, ticket.priority_category)
        )
        body.inverted(f"{_PRIORITY_LABEL[0]}: {name_vi} / {_PRIORITY_LABEL[1]}: {name_en}", 17)
    body.gap(4)
    issued = ticket.issued_at.astimezone(ZoneInfo(office.time_zone))
    body.text(f"{_ISSUED_LABEL[0]} / {_ISSUED_LABEL[1]}: {issued:%H:%M  %d/%m/%Y}", 17)
    if people_ahead is not None:  # None: the estimate could not be read, the ticket is valid
        body.text(f"{_AHEAD_LABEL[0]} / {_AHEAD_LABEL[1]}: {people_ahead}", 17)
    if predicted_wait_minutes is not None:
        body.text(
            f"{_WAIT_LABEL[0]} / {_WAIT_LABEL[1]}: ~{predicted_wait_minutes} phút/min",
            17,
            bold=True,
        )
    body.gap(4)
    footer = _Canvas(width, scale)
    footer.text(f"{_SCAN_LABEL[0]} / {_SCAN_LABEL[1]}", 15)
    footer.rule()
    footer.text(office.ticket_footer, 17)
    footer.gap(8)
    return TicketParts(body=body.image(), footer=footer.image(), url=ticket_url(ticket, office))


def render_qr(url: str, width: int) -> Image.Image:
    """The QR code of `url` with its quiet zone, about 45% of the paper width, in whole dots."""
    code = qrcode.QRCode(error_correction=QR_ERROR_CORRECTION, border=QR_BORDER_MODULES)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()  # includes the border
    modules = len(matrix)
    module_dots = max(2, int(width * 0.45) // modules)
    small = Image.new("1", (modules, modules), WHITE)
    small.putdata([BLACK if dark else WHITE for row in matrix for dark in row])
    return small.resize((modules * module_dots, modules * module_dots), Image.Resampling.NEAREST)


@functools.lru_cache(maxsize=64)
def _font(size: int, *, bold: bool) -> Font:
    return ImageFont.truetype(str(asset_path(BOLD_FONT if bold else REGULAR_FONT)), size)


def _wrap(text: str, font: Font, max_width: int) -> list[str]:
    """Greedy word wrap; a word wider than the line is broken between letters.

    A bilingual "tiếng Việt / English" text that does not fit on one line breaks at its " / "
    first, so the English starts its own line.
    """
    if font.getlength(text) <= max_width:
        return [text]
    lines: list[str] = []
    paragraphs = [p for line in text.splitlines() for p in line.replace(" / ", "\n/ ").split("\n")]
    for paragraph in paragraphs or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if font.getlength(candidate) <= max_width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for letter in word:
                if line and font.getlength(line + letter) > max_width:
                    lines.append(line)
                    line = ""
                line += letter
        lines.append(line)
    return lines


class _Canvas:
    """A strip of paper drawn top to bottom; image() crops it to what was drawn."""

    _MAX_HEIGHT_POINTS = 1200  # far more than a ticket needs; allocating it costs ~1 ms per 1000

    def __init__(self, width: int, scale: float) -> None:
        self._width = width
        self._scale = scale
        self._margin = round(8 * scale)
        self._max_height = round(self._MAX_HEIGHT_POINTS * scale)
        self._image = Image.new("1", (width, self._max_height), WHITE)
        self._draw = ImageDraw.Draw(self._image)
        self._draw.fontmode = "1"  # no grey edges: a thermal head prints dots, not shades
        self._y = self._margin

    def _px(self, points: float) -> int:
        return max(1, round(points * self._scale))

    def gap(self, points: float) -> None:
        self._y += self._px(points)

    def text(self, text: str, points: float, *, bold: bool = False) -> None:
        """Centered text, wrapped to the paper width."""
        font = _font(self._px(points), bold=bold)
        line_height = round(font.size * 1.3)
        for line in _wrap(text, font, self._width - 2 * self._margin):
            self._draw.text((self._width / 2, self._y), line, font=font, fill=BLACK, anchor="ma")
            self._y += line_height

    def inverted(self, text: str, points: float) -> None:
        """White text on a black band, so staff see a priority ticket at a glance."""
        font = _font(self._px(points), bold=True)
        line_height = round(font.size * 1.3)
        lines = _wrap(text, font, self._width - 4 * self._margin)
        pad = self._px(4)
        band = (
            self._margin,
            self._y,
            self._width - self._margin,
            self._y + 2 * pad + line_height * len(lines),
        )
        self._draw.rectangle(band, fill=BLACK)
        self._y += pad
        for line in lines:
            self._draw.text((self._width / 2, self._y), line, font=font, fill=WHITE, anchor="ma")
            self._y += line_height
        self._y += pad + self._px(4)

    def number(self, text: str) -> None:
        """The display number, as large as the paper allows (at most 150 points)."""
        available = self._width - 2 * self._margin
        size = self._px(150)
        font = _font(size, bold=True)
        text_width = font.getlength(text)
        if text_width > available:
            size = int(size * available / text_width)
            font = _font(size, bold=True)
        _, top, _, bottom = font.getbbox(text, anchor="mt")
        self._draw.text((self._width / 2, self._y - top), text, font=font, fill=BLACK, anchor="mt")
        self._y += round(bottom - top) + self._px(10)

    def rule(self) -> None:
        self._y += self._px(4)
        self._draw.line(
            (self._margin, self._y, self._width - self._margin, self._y),
            fill=BLACK,
            width=self._px(2),
        )
        self._y += self._px(8)

    def image(self) -> Image.Image:
        return self._image.crop((0, 0, self._width, min(self._y, self._max_height)))
