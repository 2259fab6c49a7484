"""motcua's pure-Python core: domain, engine, persistence, change feed, configuration and CLI."""

__version__ = "0.1.0"
