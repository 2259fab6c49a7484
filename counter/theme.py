"""The counter window's look: high contrast, large type, one colour per kind of action."""

from __future__ import annotations

PRIMARY = "#0a5c2b"
DANGER = "#9b1111"
INFO = "#0b3d91"
TEXT = "#0d1b2a"

STYLESHEET = f"""
QWidget {{ color: {TEXT}; background: #ffffff; }}
QFrame#panel {{ border: 2px solid #1b2a3a; border-radius: 8px; }}
QLabel#header {{ font-size: 20px; font-weight: bold; background: {TEXT}; color: #ffffff;
    padding: 8px 14px; }}
QLabel#counterState {{ font-size: 18px; font-weight: bold; padding: 8px 14px; color: #ffffff;
    background: {PRIMARY}; }}
QLabel#counterState[paused="true"] {{ background: #8a5a00; }}
QLabel#ticketNumber {{ font-size: 110px; font-weight: bold; }}
QLabel#ticketService {{ font-size: 26px; font-weight: bold; }}
QLabel#ticketServiceEn {{ font-size: 16px; color: #33414f; }}
QLabel#ticketStatus {{ font-size: 20px; }}
QLabel#priority {{ font-size: 20px; font-weight: bold; color: #ffffff; background: #8a2be2;
    padding: 4px 10px; border-radius: 6px; }}
QLabel#timerName {{ font-size: 16px; color: #33414f; }}
QLabel#timerValue {{ font-size: 34px; font-weight: bold; }}
QPushButton {{ font-size: 17px; padding: 10px; border: 2px solid #1b2a3a; border-radius: 8px;
    background: #eef2f6; min-height: 64px; }}
QPushButton:disabled {{ color: #8a949e; border-color: #c3cad1; background: #f6f7f8; }}
QPushButton#primary {{ font-size: 30px; font-weight: bold; color: #ffffff; background: {PRIMARY};
    border: 3px solid #06351a; min-height: 104px; }}
QPushButton#primary:disabled {{ background: #9bb8a6; color: #eef3ef; border-color: #9bb8a6; }}
QPushButton#logout {{ background: #ffffff; }}
QLabel#queueTitle {{ font-size: 20px; font-weight: bold; }}
QTableWidget {{ font-size: 16px; gridline-color: #c3cad1; }}
QHeaderView::section {{ font-size: 14px; font-weight: bold; background: #e2e8ee; padding: 4px;
    border: 0; }}
QLabel#message {{ font-size: 18px; padding: 8px 14px; border-radius: 6px; }}
QLabel#message[kind="error"] {{ background: {DANGER}; color: #ffffff; }}
QLabel#message[kind="info"] {{ background: {INFO}; color: #ffffff; }}
QLabel#message[kind="busy"] {{ background: #8a5a00; color: #ffffff; }}
QLabel#loginTitle {{ font-size: 34px; font-weight: bold; }}
QLineEdit, QComboBox, QSpinBox {{ font-size: 22px; padding: 6px; min-height: 40px;
    border: 2px solid #1b2a3a; border-radius: 6px; }}
QLabel#fieldLabel {{ font-size: 18px; font-weight: bold; }}
"""
