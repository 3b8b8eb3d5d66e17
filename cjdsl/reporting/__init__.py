"""Diagnostics to words: text (rustc/ruff style), JSON, GitHub annotations and SARIF.

The one place diagnostics are turned into output; each format is a module of this
package and ``render`` picks one by name. Imports of ``cjdsl.reporting`` name what they
use from here, as they did when this was one module.
"""

from __future__ import annotations

import pathlib
from collections.abc import Sequence
from typing import Final

from ..diagnostics import Diagnostic
from .github import render_github
from .sarif import render_sarif
from .structured import render_json
from .text import CONFIG_NAMES, JOURNEY_SUFFIX, inert, quotable, render_text, shown, summary

__all__ = [
    "CONFIG_NAMES",
    "FORMATS",
    "JOURNEY_SUFFIX",
    "inert",
    "quotable",
    "render",
    "render_github",
    "render_json",
    "render_sarif",
    "render_text",
    "shown",
    "summary",
]

FORMATS: Final = ("text", "json", "github", "sarif")


def render(
    diagnostics: Sequence[Diagnostic],
    *,
    format_: str = "text",
    color: bool = False,
    cwd: pathlib.Path | None = None,
    docs: str | None = None,
) -> str:
    """Render diagnostics in one of ``FORMATS`` (SARIF: URIs relative to ``cwd``, rules
    linking to the diagnostics page at ``docs``)."""
    if format_ == "json":
        return render_json(diagnostics)
    if format_ == "github":
        return render_github(diagnostics)
    if format_ == "sarif":
        from .. import __version__

        return render_sarif(
            diagnostics, cwd=cwd or pathlib.Path.cwd(), docs=docs, version=__version__
        )
    return render_text(diagnostics, color=color)
