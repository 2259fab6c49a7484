"""Alembic migrations of the motcua schema (run through shared.schema, no alembic.ini needed)."""
