"""The model written in other tools' formats: ``cjdsl export -f …``.

Each exporter is a pure function from a journey to text (or bytes, for a workbook):
``mermaid`` (a journey diagram, lossy, and a flowchart), ``d2``, ``json`` (the whole model,
with a JSON schema in ``docs/``) and ``tables`` (one row per touchpoint, CSV or XLSX, the
layout ``import table`` reads). What a format cannot say, the exporter lists in words, for
the command to print on stderr.
"""

from __future__ import annotations

import dataclasses

__all__ = ["Export"]


@dataclasses.dataclass(frozen=True, slots=True)
class Export:
    """What an exporter made, and what of the journey it could not carry (sentences)."""

    data: str
    lost: tuple[str, ...] = ()
