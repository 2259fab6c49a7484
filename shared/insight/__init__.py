"""What the supervisor and the head of office read: live metrics, reports, the audit and the
simulated day. Reads through storage and queue; the simulation sets up a demo office."""
