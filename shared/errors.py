"""Errors a user can act on: each one is one bilingual line naming the problem."""

from __future__ import annotations


class MotcuaError(Exception):
    """A refused action or bad input. The message is Vietnamese first, English beside it.

    Attributes:
        code: a stable machine-readable name for the problem (used in --json output and tests).
    """

    code = "error"

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(f"{vi} / {en}")
        self.vi = vi
        self.en = en


class NotFoundError(MotcuaError):
    code = "not_found"


class InvalidInputError(MotcuaError):
    code = "invalid_input"


class ConflictError(MotcuaError):
    """The action does not fit the current state (closed service, counter busy, cap reached...)."""

    code = "conflict"


class PermissionDeniedError(MotcuaError):
    code = "permission_denied"


class DatabaseError(MotcuaError):
    """The database cannot be opened, is busy past the retry bound, or has the wrong schema."""

    code = "database"


class ConfigError(MotcuaError):
    code = "config"
