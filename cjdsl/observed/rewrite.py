"""Fitted numbers written into a journey's own text, nothing else changed: ``fit --write``.

Only the numbers change: each transition's probability (rounded down to 0.01%, so a
touchpoint's never add up past 100%) and ``after`` (the median gap), an entry's ``reach``
and a ``kpi n`` (visits) where the file writes one. A number the file lacks is added to
the transition's own line; ``reach`` and ``kpi n`` are changed only where written.
Comments, layout, labels and everything else stay byte for byte. Transitions ``for`` a
persona get that segment's figures when the log has them. Pure: text in, text out.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from typing import Final

from .. import graph, model
from ..source import SourceFile
from .discovery import duration
from .fitting import Fit

__all__ = ["Edit", "percent", "rewrite"]

_AFTER: Final = re.compile(r"\bafter\s+(\S+)")
_REACH: Final = re.compile(r"\breach\s+(\S+)")
_KPI_N: Final = re.compile(r"\bkpi\s+n\s+(\S+)")


@dataclasses.dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``[start, end)`` of the text with ``text`` (``start == end``: insert)."""

    start: int
    end: int
    text: str


def percent(p: float) -> str:
    """``p`` as a percentage rounded down to 0.01%.

    >>> percent(0.123456), percent(1.0), percent(0.5)
    ('12.34%', '100%', '50%')
    """
    value = math.floor(p * 10000 + 1e-9) / 100
    return f"{value:.2f}".rstrip("0").rstrip(".") + "%"


def rewrite(source: SourceFile, journey: model.Journey, fitted: Fit) -> tuple[str, list[str]]:
    """The text of ``source`` with the fitted numbers, and notes on what was not written."""
    text = source.text
    masked = _mask(text)
    edits: list[Edit] = []
    notes: list[str] = []
    parallel = Counter(
        (t.source, t.target, t.personas) for t in journey.transitions if t.span.file is source
    )
    for t in journey.transitions:
        if t.span.file is not source:
            continue
        numbers = _numbers_for(t, fitted)
        edge = (t.source, t.target)
        p = numbers.probabilities.get(edge)
        if p is None:
            continue
        p /= parallel[(t.source, t.target, t.personas)]
        region_end = masked.find("->", t.target_span.end, t.span.end)
        region_end = t.span.end if region_end < 0 else region_end
        inserted = ""
        if t.probability_span is not None:
            edits.append(Edit(t.probability_span.start, t.probability_span.end, percent(p)))
            at = t.probability_span.end
        else:
            inserted = f" {percent(p)}"
            at = t.target_span.end
        gap = numbers.durations.get(edge)
        if gap is not None:
            found = _AFTER.search(masked, t.target_span.end, region_end)
            if found:
                edits.append(Edit(found.start(1), found.end(1), duration(gap)))
            else:
                inserted += f" after {duration(gap)}"
        if inserted:
            edits.append(Edit(at, at, inserted))
    for node in journey.touchpoints:
        if node.span.file is not source:
            continue
        reach = fitted.numbers.reach.get(node.id)
        if node.entry and reach is not None:
            found = _REACH.search(masked, node.span.start, node.span.end)
            if found:
                edits.append(Edit(found.start(1), found.end(1), str(round(reach))))
            else:
                notes.append(f"{node.id}: observed reach {round(reach)} (the file writes none)")
        visits = fitted.visits.get(node.id)
        found = _KPI_N.search(masked, node.span.start, node.span.end)
        if found and visits is not None:
            edits.append(Edit(found.start(1), found.end(1), str(visits)))
    return _apply(text, edits), notes


def _numbers_for(t: model.Transition, fitted: Fit) -> graph.Numbers:
    """A persona's figures for a transition ``for`` it (the first persona the log has)."""
    for persona in t.personas:
        if persona in fitted.personas:
            return fitted.personas[persona]
    return fitted.numbers


def _apply(text: str, edits: list[Edit]) -> str:
    parts = []
    last = len(text)
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        assert edit.end <= last, "edits overlap"
        parts.append(text[edit.end : last])
        parts.append(edit.text)
        last = edit.start
    parts.append(text[:last])
    return "".join(reversed(parts))


def _mask(text: str) -> str:
    """``text`` with strings and comments blanked (same length), so searches for
    ``after`` or ``reach`` find only the language's own words."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif c == '"':
            quote = '"""' if text.startswith('"""', i) else '"'
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            j = min(n, j + len(quote))
        else:
            i += 1
            continue
        for k in range(i, j):
            if out[k] != "\n":
                out[k] = " "
        i = j
    return "".join(out)
