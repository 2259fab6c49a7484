"""The office's rules as pure Python: ticket states and views, numbering, priority, the wait
estimate and the office-wide settings. No database; uses only the kernel (clock, errors...)."""
