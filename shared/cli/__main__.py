"""`python -m shared.cli`: the core commands alone, without the app windows."""

from shared.cli.main import main

raise SystemExit(main())
