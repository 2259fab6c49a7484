"""The supervisor window's look: a calm office screen, alerts in strong red."""

from __future__ import annotations

DANGER = "#b71c1c"
INFO = "#0b3d91"
TEXT = "#0d1b2a"

STYLESHEET = f"""
QWidget {{ color: {TEXT}; font-size: 14px; }}
QMainWindow, QTabWidget::pane {{ background: #ffffff; }}
QLabel#header {{ font-size: 18px; font-weight: bold; background: {TEXT}; color: #ffffff;
    padding: 6px 12px; }}
QLabel#sectionTitle {{ font-size: 16px; font-weight: bold; padding-top: 4px; }}
QLabel#alerts {{ font-size: 16px; padding: 8px 12px; border-radius: 6px; }}
QLabel#alerts[alerting="true"] {{ background: {DANGER}; color: #ffffff; font-weight: bold; }}
QLabel#alerts[alerting="false"] {{ background: #e3f1e6; color: #0a5c2b; }}
QLabel#loginTitle {{ font-size: 28px; font-weight: bold; }}
QLabel#message {{ font-size: 15px; padding: 6px 12px; border-radius: 6px; }}
QLabel#message[kind="error"] {{ background: {DANGER}; color: #ffffff; }}
QLabel#message[kind="info"] {{ background: {INFO}; color: #ffffff; }}
QLabel#message[kind="busy"] {{ background: #8a5a00; color: #ffffff; }}
QTableWidget {{ gridline-color: #c3cad1; }}
QHeaderView::section {{ font-weight: bold; background: #e2e8ee; padding: 4px; border: 0; }}
QPushButton {{ padding: 6px 12px; border: 2px solid #1b2a3a; border-radius: 6px;
    background: #eef2f6; }}
QPushButton#primary {{ color: #ffffff; background: #0a5c2b; font-weight: bold; }}
QLineEdit, QComboBox, QSpinBox, QDateEdit {{ padding: 4px; min-height: 26px; }}
QGroupBox {{ font-weight: bold; border: 1px solid #9aa5b1; border-radius: 6px; margin-top: 12px;
    padding-top: 8px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 8px; }}
"""
