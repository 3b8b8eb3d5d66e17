"""Severity and Diagnostic: a problem found in a journey, as data."""

from __future__ import annotations

import dataclasses
import difflib
import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .codes import Code
    from .source import Span

__all__ = ["Diagnostic", "Related", "Severity", "did_you_mean", "has_errors", "sort"]


class Severity(enum.Enum):
    """How bad a diagnostic is; errors fail ``cjdsl check``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for errors, 1 for warnings, 2 for info (sort order)."""
        return ("error", "warning", "info").index(self.value)


@dataclasses.dataclass(frozen=True, slots=True)
class Related:
    """A second place a diagnostic points at ("first defined here")."""

    span: Span
    message: str


@dataclasses.dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem, anchored to a span of its source.

    ``message`` is a lowercase summary with names in backticks; ``label``
    says what is wrong at the caret; ``hint`` is the next step.
    """

    code: Code
    message: str
    span: Span
    label: str = ""
    hint: str | None = None
    related: tuple[Related, ...] = ()
    severity_override: Severity | None = None

    @property
    def severity(self) -> Severity:
        """The code's default severity unless this diagnostic overrides it."""
        return self.severity_override or self.code.severity


def sort(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """Order diagnostics by file, position and code, dropping exact repeats."""
    unique = dict.fromkeys(diagnostics)
    return tuple(
        sorted(unique, key=lambda d: (d.span.file.path, d.span.start, d.code.id, d.message))
    )


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    """True if any diagnostic is an error."""
    return any(d.severity is Severity.ERROR for d in diagnostics)


def did_you_mean(name: str, choices: Iterable[str]) -> str | None:
    """``did you mean `x`?`` for the choice closest to a misspelt ``name``, if one is close.

    >>> did_you_mean("shpo", ["shop", "ad"]), did_you_mean("zz", ["shop"])
    ('did you mean `shop`?', None)
    """
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f"did you mean `{close[0]}`?" if close else None
