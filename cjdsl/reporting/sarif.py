"""Diagnostics as SARIF 2.1.0, the format GitHub code scanning (and other viewers) read.

One run of one tool: ``tool.driver.rules`` lists every code of ``codes.ALL`` (so a rule's
index never depends on what was found), with its documentation as ``help`` and, when the
diagnostics page is known, a ``helpUri`` to its anchor. Each result points at its file
relative to the working directory (``%SRCROOT%``), with 1-based lines and columns counted
in code points, the end column exclusive as SARIF wants. Syntax errors of files that are
no journey are folded as in every other output (``text.shown``), and what a journey says
is written with the characters a viewer would act on escaped.
"""

from __future__ import annotations

import json
import os.path
import pathlib
import urllib.parse
from collections.abc import Iterable
from typing import Any, Final

from .. import codes
from ..diagnostics import Diagnostic, Severity
from ..source import Span
from .structured import escape_unsafe
from .text import shown

__all__ = ["LEVELS", "SCHEMA", "render_sarif", "rule"]

SCHEMA: Final = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS: Final = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_ROOT: Final = "%SRCROOT%"
_INDEX: Final = {code.id: index for index, code in enumerate(codes.ALL)}


def render_sarif(
    diagnostics: Iterable[Diagnostic],
    *,
    cwd: pathlib.Path,
    docs: str | None = None,
    version: str = "",
) -> str:
    """One SARIF log. ``cwd``: what artifact URIs are relative to; ``docs``: the URL of the
    diagnostics page (``docs/diagnostics.md``), for each rule's ``helpUri``."""
    driver: dict[str, Any] = {"name": "cjdsl", "rules": [rule(c, docs) for c in codes.ALL]}
    if version:
        driver["version"] = version
    run = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {_ROOT: {"uri": cwd.resolve().as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(d, cwd) for d in shown(diagnostics)],
    }
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return escape_unsafe(json.dumps(log, ensure_ascii=False, indent=2)) + "\n"


def rule(code: codes.Code, docs: str | None = None) -> dict[str, Any]:
    """A code as a SARIF ``reportingDescriptor``."""
    markdown = (
        f"{code.summary}\n\n```\n{code.example}\n```\n\n**Fix:** {code.fix}"
        if code.example
        else f"{code.summary}\n\n**Fix:** {code.fix}"
    )
    found: dict[str, Any] = {
        "id": code.id,
        "name": code.name,
        "shortDescription": {"text": f"{code.id} {code.name}"},
        "fullDescription": {"text": code.summary},
        "help": {"text": f"{code.summary}\n\nFix: {code.fix}", "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[code.severity]},
        "properties": {"tags": [codes.group(code)]},
    }
    if docs:
        found["helpUri"] = f"{docs}#{code.id.lower()}-{code.name}"
    return found


def _result(d: Diagnostic, cwd: pathlib.Path) -> dict[str, Any]:
    message = d.message + (f"\n{d.hint}" if d.hint else "")
    result: dict[str, Any] = {
        "ruleId": d.code.id,
        "ruleIndex": _INDEX[d.code.id],
        "level": LEVELS[d.severity],
        "message": {"text": message},
        "locations": [{"physicalLocation": _location(d.span, cwd)}],
    }
    if d.related:
        result["relatedLocations"] = [
            {"id": n, "physicalLocation": _location(r.span, cwd), "message": {"text": r.message}}
            for n, r in enumerate(d.related, 1)
        ]
    return result


def _location(span: Span, cwd: pathlib.Path) -> dict[str, Any]:
    line, col = span.file.line_col(span.start)
    end_line, end_col = span.end_line_col
    region = {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col}
    return {"artifactLocation": artifact(span.file.path, cwd), "region": region}


def artifact(path: str, cwd: pathlib.Path) -> dict[str, str]:
    """Where a file is: relative to ``cwd`` when it is under it, else an absolute ``file:``
    URI; a text without a file (``<stdin>``) by its name.

    >>> artifact("journeys/Kündigung.journey", pathlib.Path("/w"))
    {'uri': 'journeys/K%C3%BCndigung.journey', 'uriBaseId': '%SRCROOT%'}
    >>> artifact("/elsewhere/a.journey", pathlib.Path("/w"))
    {'uri': 'file:///elsewhere/a.journey'}
    """
    if path == "-" or (path.startswith("<") and path.endswith(">")):
        return {"uri": urllib.parse.quote(path.strip("<>") or "stdin")}
    where = pathlib.Path(path)
    absolute = where if where.is_absolute() else pathlib.Path(cwd, where)
    try:
        relative = pathlib.PurePath(_normal(absolute)).relative_to(_normal(cwd))
    except ValueError:
        return {"uri": pathlib.PurePath(_normal(absolute)).as_uri()}
    return {"uri": urllib.parse.quote(relative.as_posix()), "uriBaseId": _ROOT}


def _normal(path: pathlib.Path) -> str:
    """An absolute path with ``..`` folded, without asking the file system (no links
    followed: the file is named as the user named it)."""
    return os.path.normpath(os.path.abspath(path))
