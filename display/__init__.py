"""Hall display with Vietnamese voice announcements (built in the display issue)."""
