"""The errors services raise; each carries a plain Chinese message for the user."""

from __future__ import annotations

from collections.abc import Iterable


class ServiceError(Exception):
    """Base of every refusal a user should read (never a bug)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FieldProblem:
    """One refused field: which field (its key) and why, in Chinese."""

    __slots__ = ("field", "message")

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message

    def __repr__(self) -> str:
        return f"FieldProblem({self.field!r}, {self.message!r})"


class ValidationError(ServiceError):
    """Input refused; `problems` lists each field and its reason."""

    def __init__(self, problems: Iterable[FieldProblem] | str, field: str | None = None) -> None:
        if isinstance(problems, str):
            problems = [FieldProblem(field or "", problems)]
        self.problems = list(problems)
        super().__init__("\n".join(p.message for p in self.problems))

    @property
    def by_field(self) -> dict[str, str]:
        return {p.field: p.message for p in self.problems}


class PermissionDenied(ServiceError):
    """The acting user lacks the right for this act."""


class Conflict(ServiceError):
    """The data changed under the user, or the act clashes with existing data."""


class NotFound(ServiceError):
    """The record asked for does not exist (any more)."""


class StoreUnavailable(ServiceError):
    """The database cannot be used right now (file gone, disk full, locked, server down)."""
