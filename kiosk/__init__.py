"""Touchscreen kiosk that issues tickets (built in the kiosk issue)."""
