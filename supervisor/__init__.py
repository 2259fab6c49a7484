"""Supervisor live view, reports and administration (built in the supervisor issue)."""
