"""Counter client for generalist officers (built in the counter issue)."""
