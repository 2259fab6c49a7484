"""`python -m motcua`, and the entry point of the PyInstaller bundle."""

import multiprocessing

from motcua.cli import main

# The speech worker is a spawned process: a frozen bundle must let it start (no-op otherwise).
multiprocessing.freeze_support()
raise SystemExit(main())
