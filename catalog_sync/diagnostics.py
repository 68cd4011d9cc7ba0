"""Diagnostics: immutable findings about catalog files, rendered elsewhere."""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["Diagnostic", "Severity", "SourceLocation"]


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class SourceLocation:
    """A 1-based position in a catalog file; ``file`` is as the user named it (relative).
    Line and column 0: the file (or directory) as a whole, such as a path that does not exist,
    which has no position to point at."""

    file: str
    line: int
    column: int

    @property
    def whole(self) -> bool:
        return self.line == 0

    def __str__(self) -> str:
        return self.file if self.whole else f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: where, a stable code (``CS101``), how bad, and what is wrong."""

    location: SourceLocation
    code: str
    severity: Severity
    message: str

    @property
    def file(self) -> str:
        return self.location.file

    @property
    def line(self) -> int:
        return self.location.line

    @property
    def column(self) -> int:
        return self.location.column

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.code, self.message)

    def __str__(self) -> str:
        return f"{self.location}: {self.code} {self.message}"
