"""The base of the counter's small dialogs: a title, a few fields, OK and Cancel."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter import texts
from counter.theme import STYLESHEET
from shared.bilingual import Text


class FormDialog(QDialog):
    """Window-modal and opened with open(), never exec(): the counter's event loop keeps running
    (live timers, the change feed) while the officer types.

    Subclasses add their fields with add_field() and implement _submit(), which emits their
    request signal and returns True, or returns False after show_error().
    """

    def __init__(self, title: Text, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title.line())
        self.setStyleSheet(STYLESHEET)
        self.setMinimumWidth(560)
        heading = QLabel(f"<b>{title.vi}</b><br><small>{title.en}</small>")
        heading.setObjectName("fieldLabel")
        self.error_label = QLabel()
        self.error_label.setObjectName("message")
        self.error_label.setProperty("kind", "error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.ok_button = QPushButton(texts.OK.line())
        self.ok_button.setDefault(True)
        self.cancel_button = QPushButton(texts.CANCEL.line())
        self.ok_button.clicked.connect(self._on_ok_clicked)
        self.cancel_button.clicked.connect(self.reject)
        self._fields = QVBoxLayout()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.ok_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(self._fields)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)

    def add_field(self, text: Text | None, widget: QWidget) -> None:
        if text is not None:
            label = QLabel(text.line())
            label.setObjectName("fieldLabel")
            label.setBuddy(widget)
            self._fields.addWidget(label)
        self._fields.addWidget(widget)

    def show_error(self, text: Text) -> None:
        self.error_label.setText(f"{text.vi}<br><small>{text.en}</small>")
        self.error_label.show()

    def _on_ok_clicked(self) -> None:
        if self._submit():
            self.accept()

    def _submit(self) -> bool:
        raise NotImplementedError
