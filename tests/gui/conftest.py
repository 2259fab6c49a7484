"""GUI tests run offscreen: without this pytest-qt aborts when there is no display."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
