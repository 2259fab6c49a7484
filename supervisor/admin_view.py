"""The administration tab (admins only): one small form per kind of configuration.

Each button turns its form into an AdminChange: a description and the OfficeAdmin call to make
with the logged-in admin as the acting officer. The window runs it off the GUI thread; the engine
refuses anyone but an admin, whatever this tab shows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from shared.bilingual import Text
from shared.errors import InvalidInputError
from shared.office.admin import OfficeAdmin
from shared.office.sessions import CounterSessions
from shared.queue.authz import OfficerIdentity
from shared.rules.domain import Role
from shared.rules.numbering import NumberingFormat
from shared.rules.settings import OfficeSettings, logo_from_file, to_json
from supervisor import texts

Apply = Callable[[OfficeAdmin, CounterSessions, OfficerIdentity], object]


@dataclass(frozen=True, slots=True)
class AdminChange:
    """One change asked for in the tab: what it is (for the message) and the call to make."""

    what: Text
    apply: Apply


def _codes(text: str) -> list[str]:
    return [c.strip().upper() for c in text.split(",") if c.strip()]


def _json(field: Text, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        message = texts.BAD_JSON.format(field=field.vi)
        raise InvalidInputError(message.vi, texts.BAD_JSON.format(field=field.en).en) from None


class AdminView(QWidget):
    """Signals:
    change_requested(AdminChange): make this change as the logged-in admin.
    """

    change_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings_loaded = False
        self.notice = QLabel(texts.ADMIN_ONLY.line())
        self.notice.setObjectName("sectionTitle")
        self.notice.setWordWrap(True)
        grid = QGridLayout()
        grid.addWidget(self._service_form(), 0, 0)
        grid.addWidget(self._counter_form(), 0, 1)
        grid.addWidget(self._officer_form(), 1, 0)
        grid.addWidget(self._settings_form(), 1, 1)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self.notice)
        layout.addLayout(grid)
        layout.addStretch(1)
        # The four forms are taller than a 1366x768 screen leaves them: they scroll up and down,
        # never sideways.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # ------------------------------------------------------------------ forms

    def _service_form(self) -> QGroupBox:
        box = QGroupBox(texts.SERVICE_BOX.line())
        self.service_code = QLineEdit()
        self.service_name_vi = QLineEdit()
        self.service_name_en = QLineEdit()
        self.service_numbering = QLineEdit()
        self.service_cap = QSpinBox()
        self.service_cap.setRange(0, 99_999)
        self.service_threshold = QSpinBox()
        self.service_threshold.setRange(1, 600)
        self.service_threshold.setValue(30)
        form = _form(box)
        for text, widget in (
            (texts.CODE, self.service_code),
            (texts.NAME_VI, self.service_name_vi),
            (texts.NAME_EN, self.service_name_en),
            (texts.NUMBERING, self.service_numbering),
            (texts.DAILY_CAP, self.service_cap),
            (texts.THRESHOLD, self.service_threshold),
        ):
            form.addRow(text.line(), widget)
        self.service_add = QPushButton(texts.ADD.line())
        self.service_save = QPushButton(texts.SAVE.line())
        self.service_open = QPushButton(texts.OPEN.line())
        self.service_close = QPushButton(texts.CLOSE.line())
        self.service_add.clicked.connect(self._on_service_add)
        self.service_save.clicked.connect(self._on_service_save)
        self.service_open.clicked.connect(lambda: self._on_service_open(True))
        self.service_close.clicked.connect(lambda: self._on_service_open(False))
        form.addRow(
            _row(self.service_add, self.service_save, self.service_open, self.service_close)
        )
        return box

    def _counter_form(self) -> QGroupBox:
        box = QGroupBox(texts.COUNTER_BOX.line())
        self.counter_number = QSpinBox()
        self.counter_number.setRange(1, 999)
        self.counter_name = QLineEdit()
        self.counter_services = QLineEdit()
        form = _form(box)
        form.addRow(texts.NUMBER.line(), self.counter_number)
        form.addRow(texts.COUNTER_NAME.line(), self.counter_name)
        form.addRow(texts.COUNTER_SERVICES.line(), self.counter_services)
        self.counter_add = QPushButton(texts.ADD.line())
        self.counter_save = QPushButton(texts.SAVE.line())
        self.counter_add.clicked.connect(self._on_counter_add)
        self.counter_save.clicked.connect(self._on_counter_save)
        form.addRow(_row(self.counter_add, self.counter_save))
        return box

    def _officer_form(self) -> QGroupBox:
        box = QGroupBox(texts.OFFICER_BOX.line())
        self.officer_code = QLineEdit()
        self.officer_name = QLineEdit()
        self.officer_role = QComboBox()
        for role in Role:
            self.officer_role.addItem(texts.ROLES[str(role)].line(), role)
        self.officer_pin = QLineEdit()
        self.officer_pin.setEchoMode(QLineEdit.EchoMode.Password)
        form = _form(box)
        form.addRow(texts.OFFICER_CODE.line(), self.officer_code)
        form.addRow(texts.FULL_NAME.line(), self.officer_name)
        form.addRow(texts.ROLE.line(), self.officer_role)
        form.addRow(texts.NEW_PIN.line(), self.officer_pin)
        self.officer_add = QPushButton(texts.ADD.line())
        self.officer_reset = QPushButton(texts.RESET_PIN.line())
        self.officer_unlock = QPushButton(texts.UNLOCK.line())
        self.officer_deactivate = QPushButton(texts.DEACTIVATE.line())
        self.officer_add.clicked.connect(self._on_officer_add)
        self.officer_reset.clicked.connect(self._on_officer_reset)
        self.officer_unlock.clicked.connect(self._on_officer_unlock)
        self.officer_deactivate.clicked.connect(self._on_officer_deactivate)
        form.addRow(
            _row(self.officer_add, self.officer_reset, self.officer_unlock, self.officer_deactivate)
        )
        return box

    def _settings_form(self) -> QGroupBox:
        box = QGroupBox(texts.SETTINGS_BOX.line())
        self.office_name = QLineEdit()
        self.notice_text = QLineEdit()
        self.ticket_footer = QLineEdit()
        self.voice = QLineEdit()
        self.priority = QLineEdit()
        form = _form(box)
        for text, widget in (
            (texts.OFFICE_NAME, self.office_name),
            (texts.NOTICE_TEXT, self.notice_text),
            (texts.TICKET_FOOTER, self.ticket_footer),
            (texts.VOICE, self.voice),
            (texts.PRIORITY, self.priority),
        ):
            form.addRow(text.line(), widget)
        self.logo_choose = QPushButton(texts.LOGO_CHOOSE.line())
        self.logo_choose.clicked.connect(self._on_logo_choose)
        self.logo_clear = QPushButton(texts.LOGO_CLEAR.line())
        self.logo_clear.clicked.connect(lambda: self.set_logo(None))
        form.addRow(texts.LOGO.line(), _row(self.logo_choose, self.logo_clear))
        self.settings_save = QPushButton(texts.SAVE.line())
        self.settings_save.clicked.connect(self._on_settings_save)
        form.addRow(_row(self.settings_save))
        return box

    def _on_logo_choose(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, texts.LOGO_CHOOSE.line(), "", "Ảnh / Images (*.png *.jpg *.jpeg *.bmp)"
        )
        if path:
            self.set_logo(Path(path))

    def set_logo(self, image: Path | None) -> None:
        """Save the office logo from IMAGE (scaled, stored in the settings), or remove it."""

        def apply(admin: OfficeAdmin, _s: CounterSessions, actor: OfficerIdentity) -> object:
            encoded = logo_from_file(image) if image is not None else ""
            return admin.update_settings({"logo_png": encoded}, actor=actor)

        self._emit(Text("logo của cơ quan", "office logo"), apply)

    def show_settings(self, office: OfficeSettings) -> None:
        """Fill the settings form with the settings as they are stored."""
        self.settings_loaded = True
        self.office_name.setText(office.office_name)
        self.notice_text.setText(office.notice_text)
        self.ticket_footer.setText(office.ticket_footer)
        self.voice.setText(json.dumps(to_json(office, "voice"), ensure_ascii=False))
        self.priority.setText(json.dumps(to_json(office, "priority"), ensure_ascii=False))

    # ------------------------------------------------------------------ changes

    def _emit(self, what: Text, apply: Apply) -> None:
        self.change_requested.emit(AdminChange(what, apply))

    def _on_service_add(self) -> None:
        code, vi, en = (
            self.service_code.text(),
            self.service_name_vi.text(),
            self.service_name_en.text(),
        )
        numbering, cap = self.service_numbering.text(), self.service_cap.value() or None
        threshold = self.service_threshold.value()
        self._emit(
            Text(f"thêm thủ tục {code}", f"service {code} added"),
            lambda admin, _s, actor: admin.add_service(
                code,
                vi,
                en,
                NumberingFormat.parse(numbering),
                daily_cap=cap,
                wait_threshold_minutes=threshold,
                actor=actor,
            ),
        )

    def _on_service_save(self) -> None:
        code = self.service_code.text()
        vi, en = self.service_name_vi.text(), self.service_name_en.text()
        numbering, cap = self.service_numbering.text().strip(), self.service_cap.value() or None
        threshold = self.service_threshold.value()
        self._emit(
            Text(f"thủ tục {code}", f"service {code}"),
            lambda admin, _s, actor: admin.set_service(
                code,
                name_vi=vi or None,
                name_en=en or None,
                numbering=NumberingFormat.parse(numbering) if numbering else None,
                daily_cap=cap,
                wait_threshold_minutes=threshold,
                actor=actor,
            ),
        )

    def _on_service_open(self, is_open: bool) -> None:
        code = self.service_code.text()
        what = (
            Text(f"mở thủ tục {code}", f"service {code} opened")
            if is_open
            else Text(f"đóng thủ tục {code}", f"service {code} closed")
        )
        self._emit(
            what, lambda admin, _s, actor: admin.set_service_open(code, is_open, actor=actor)
        )

    def _on_counter_add(self) -> None:
        number, name = self.counter_number.value(), self.counter_name.text()
        services = _codes(self.counter_services.text())
        self._emit(
            Text(f"thêm quầy {number}", f"counter {number} added"),
            lambda admin, _s, actor: admin.add_counter(number, name or None, services, actor=actor),
        )

    def _on_counter_save(self) -> None:
        number, name = self.counter_number.value(), self.counter_name.text()
        services = _codes(self.counter_services.text())
        self._emit(
            Text(f"quầy {number}", f"counter {number}"),
            lambda admin, _s, actor: admin.set_counter(
                number, name=name or None, services=services, actor=actor
            ),
        )

    def _on_officer_add(self) -> None:
        code, name = self.officer_code.text(), self.officer_name.text()
        role: Role = self.officer_role.currentData()
        pin = self.officer_pin.text()
        self.officer_pin.clear()
        self._emit(
            Text(f"thêm cán bộ {code}", f"officer {code} added"),
            lambda admin, _s, actor: admin.add_officer(code, name, role, pin, actor=actor),
        )

    def _on_officer_reset(self) -> None:
        code, pin = self.officer_code.text(), self.officer_pin.text()
        self.officer_pin.clear()
        self._emit(
            Text(f"đặt lại PIN của {code}", f"PIN of {code} reset"),
            lambda admin, _s, actor: admin.reset_pin(code, pin, actor=actor),
        )

    def _on_officer_unlock(self) -> None:
        code = self.officer_code.text()
        self._emit(
            Text(f"mở khóa {code}", f"{code} unlocked"),
            lambda _a, sessions, actor: sessions.unlock_officer_as(actor, code),
        )

    def _on_officer_deactivate(self) -> None:
        code = self.officer_code.text()
        self._emit(
            Text(f"vô hiệu hóa {code}", f"{code} deactivated"),
            lambda admin, _s, actor: admin.set_officer_active(code, False, actor=actor),
        )

    def _on_settings_save(self) -> None:
        office_name, notice = self.office_name.text(), self.notice_text.text()
        footer, voice, priority = self.ticket_footer.text(), self.voice.text(), self.priority.text()

        def apply(admin: OfficeAdmin, _s: CounterSessions, actor: OfficerIdentity) -> object:
            values: dict[str, Any] = {
                "office_name": office_name,
                "notice_text": notice,
                "ticket_footer": footer,
            }
            if voice.strip():
                values["voice"] = _json(texts.VOICE, voice)
            if priority.strip():
                values["priority"] = _json(texts.PRIORITY, priority)
            return admin.update_settings(values, actor=actor)

        self._emit(Text("thiết lập chung", "office settings"), apply)


def _form(box: QGroupBox) -> QFormLayout:
    """A form whose labels go above their fields when the two do not fit side by side."""
    form = QFormLayout(box)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    return form


def _row(*buttons: QPushButton) -> QWidget:
    """The buttons two to a line: four bilingual buttons side by side would not fit two forms
    beside each other on a 1366-pixel screen."""
    row = QWidget()
    layout = QGridLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for index, button in enumerate(buttons):
        layout.addWidget(button, index // 2, index % 2)
    return row
