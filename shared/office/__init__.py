"""The office's set-up and staff: services, counters, officers (admin), PIN hashing and counter
sessions, this PC's TOML config and the demo office. Uses queue, storage, rules and the kernel."""
