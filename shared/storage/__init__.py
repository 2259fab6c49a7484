"""Persistence: opening SQLite or PostgreSQL, the fair OS write lock, tables and prepared
statements, the schema and its Alembic migrations, backups. Uses the kernel and shared.rules."""
