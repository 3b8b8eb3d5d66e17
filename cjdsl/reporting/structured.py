"""Diagnostics as one JSON document, for programs: every diagnostic, never a source line."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Final

from ..diagnostics import Diagnostic

__all__ = ["escape_unsafe", "render_json"]

_UNSAFE_JSON: Final = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def escape_unsafe(text: str) -> str:
    """JSON text with what a terminal or an editor would act on as ``\\u`` escapes."""
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    """One JSON document: ``{"version": 1, "diagnostics": [...]}``, positions 1-based."""
    items = []
    for d in diagnostics:
        line, col = d.span.file.line_col(d.span.start)
        end_line, end_col = d.span.end_line_col
        items.append(
            {
                "code": d.code.id,
                "name": d.code.name,
                "severity": d.severity.value,
                "message": d.message,
                "label": d.label,
                "hint": d.hint,
                "path": d.span.file.path,
                "start": {"line": line, "column": col, "offset": d.span.start},
                "end": {"line": end_line, "column": end_col, "offset": d.span.end},
                "related": [
                    {
                        "message": r.message,
                        "path": r.span.file.path,
                        "line": r.span.line,
                        "column": r.span.col,
                    }
                    for r in d.related
                ],
            }
        )
    text = json.dumps({"version": 1, "diagnostics": items}, ensure_ascii=False, indent=2)
    return escape_unsafe(text) + "\n"
