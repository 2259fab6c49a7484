"""The queue's use cases: the engine (write side), its transactions, the read side, the change feed,
the kiosk board and who may do what. Uses storage, rules and the kernel."""
