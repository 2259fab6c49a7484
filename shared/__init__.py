"""motcua's pure-Python core: kernel modules at the top (clock, errors, logs, paths, bilingual) and
packages layered rules, storage, queue, office, insight/voice/printing, cli (pyproject.toml)."""

__version__ = "0.1.0"
