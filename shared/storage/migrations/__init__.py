"""Alembic migrations of the motcua schema (run by shared.storage.schema, no alembic.ini needed)."""
