"""The ticket the counter holds: number, service, priority, and how long it waited and is served."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from counter import texts
from shared.rules.domain import PriorityPolicy, TicketStatus, TicketView


class CurrentTicketPanel(QFrame):
    """Shows one TicketView (or none). tick(now) moves the two timers on."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self._ticket: TicketView | None = None
        self._policy = PriorityPolicy()

        self.number_label = QLabel("–")
        self.number_label.setObjectName("ticketNumber")
        self.number_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.service_label = QLabel()
        self.service_label.setObjectName("ticketService")
        self.service_en_label = QLabel()
        self.service_en_label.setObjectName("ticketServiceEn")
        self.priority_label = QLabel()
        self.priority_label.setObjectName("priority")
        self.status_label = QLabel()
        self.status_label.setObjectName("ticketStatus")
        self.status_label.setWordWrap(True)
        self.waited_label = QLabel("–")
        self.waited_label.setObjectName("timerValue")
        self.serving_label = QLabel("–")
        self.serving_label.setObjectName("timerValue")

        timers = QGridLayout()
        for column, (text, value) in enumerate(
            ((texts.WAITED, self.waited_label), (texts.SERVING_FOR, self.serving_label))
        ):
            name = QLabel(text.line())
            name.setObjectName("timerName")
            timers.addWidget(name, 0, column)
            timers.addWidget(value, 1, column)

        about = QVBoxLayout()
        about.addWidget(self.service_label)
        about.addWidget(self.service_en_label)
        badge = QHBoxLayout()
        badge.addWidget(self.priority_label)
        badge.addStretch(1)
        about.addLayout(badge)
        about.addWidget(self.status_label)
        about.addStretch(1)
        about.addLayout(timers)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 12)
        layout.addWidget(self.number_label, 2)
        layout.addLayout(about, 3)
        self._render(None)

    @property
    def ticket(self) -> TicketView | None:
        return self._ticket

    def set_policy(self, policy: PriorityPolicy) -> None:
        self._policy = policy

    def show_ticket(self, ticket: TicketView | None, now: dt.datetime) -> None:
        self._render(ticket)
        self.tick(now)

    def _render(self, ticket: TicketView | None) -> None:
        self._ticket = ticket
        if ticket is None:
            self.waited_label.setText("–")
            self.serving_label.setText("–")
            self.number_label.setText("–")
            self.service_label.setText(texts.NO_TICKET.vi)
            self.service_en_label.setText(texts.NO_TICKET.en)
            self.priority_label.hide()
            self.status_label.setText(texts.PRESS_CALL.line())
        else:
            self.number_label.setText(ticket.display_number)
            self.service_label.setText(ticket.service_name_vi)
            self.service_en_label.setText(ticket.service_name_en)
            priority = texts.priority_text(ticket.priority_category, self._policy)
            self.priority_label.setVisible(priority is not None)
            if priority is not None:
                self.priority_label.setText(f"{texts.PRIORITY.vi}: {priority.vi}")
                self.priority_label.setToolTip(priority.en)
            status = texts.status_text(ticket.status)
            calls = texts.CALLED_TIMES.format(count=ticket.call_count)
            extra = f" · {calls.vi}" if ticket.call_count > 1 else ""
            self.status_label.setText(f"{status.vi}{extra} / {status.en}")

    def tick(self, now: dt.datetime) -> None:
        """Time waited runs from the ticket's issue until its service starts; time served from
        the start until now."""
        ticket = self._ticket
        if ticket is None:
            self.waited_label.setText("–")
            self.serving_label.setText("–")
            return
        self.waited_label.setText(texts.since(ticket.issued_at, ticket.started_at or now))
        serving = ticket.status is TicketStatus.SERVING
        self.serving_label.setText(texts.since(ticket.started_at, now) if serving else "–")
