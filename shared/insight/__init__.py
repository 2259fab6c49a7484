"""What the supervisor and the head of office read: live metrics, reports and their exports, the
audit and the simulated day. Reads storage and queue; the simulation sets up a demo office."""
