"""The public exceptions: input problems carry diagnostics; the rest is environment.

Everything cjdsl raises on purpose is a ``CjdslError``.
"""

from __future__ import annotations

from collections.abc import Iterable

from .diagnostics import Diagnostic

__all__ = ["CjdslError", "JourneyError", "RenderError"]


class CjdslError(Exception):
    """Base of every error cjdsl raises; ``diagnostics`` may be empty."""

    def __init__(self, message: str, diagnostics: Iterable[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)


class JourneyError(CjdslError):
    """A journey has errors; ``diagnostics`` holds all of them (and the warnings)."""


class RenderError(CjdslError):
    """Graphviz is missing, failed, timed out or cannot make the format asked for."""
