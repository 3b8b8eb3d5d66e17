"""The journey map's emotion curve: inline SVG whose points sit over the map's touchpoint columns.

The curve spans every touchpoint column of the map's table, and the columns
are equally wide, so a point's horizontal place is a percentage of the
width: column ``i`` of ``n`` is centred at ``(i + 0.5) / n``. Lines and areas
live in an inner SVG stretched to the width (``preserveAspectRatio="none"``,
strokes that do not scale); dots and words are placed in percent in the
outer SVG, so they stay round and legible at any width. Colours come from
classes, so the map's stylesheet switches them with the site's colour scheme.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Sequence
from typing import Final

__all__ = ["HEIGHT", "Point", "score_text", "step", "svg", "text"]

_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

HEIGHT: Final = 136
_MIDDLE: Final = HEIGHT / 2
_UNIT: Final = 23.0  # pixels per emotion point: +2 sits 46 px above neutral
_COLUMN: Final = 100  # width of one column in the inner SVG's user units


@dataclasses.dataclass(frozen=True, slots=True)
class Point:
    """One touchpoint column's emotion (``score`` ``None``: none written, no dot)."""

    label: str
    score: float | None
    word: str | None


def text(value: str) -> str:
    """User text as HTML text or attribute value: escaped, control characters dropped
    (the map's one way to write what a journey says)."""
    return html.escape(_CONTROL.sub("", value), quote=True)


def score_text(score: float) -> str:
    """A score as printed: ``+1``, ``0``, ``−2`` (a real minus sign), ``+0.5``.

    >>> [score_text(s) for s in (1, 0, -2, 0.5)]
    ['+1', '0', '−2', '+0.5']
    """
    return "0" if score == 0 else f"{score:+g}".replace("-", "−")


def step(score: float) -> str:
    """The class suffix of the colour step of a score, ``m2`` … ``p2``.

    >>> [step(s) for s in (-2, -0.6, 0.4, 1.5, 7)]
    ['m2', 'm1', 'z', 'p2', 'p2']
    """
    rounded = round(max(-2.0, min(2.0, score)))
    return {-2: "m2", -1: "m1", 0: "z", 1: "p1", 2: "p2"}[rounded]


def _y(score: float) -> float:
    return _MIDDLE - max(-2.0, min(2.0, score)) * _UNIT


def _number(value: float) -> str:
    """Coordinates with fixed precision: the same input always writes the same bytes."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _curve(points: Sequence[tuple[float, float]]) -> str:
    """A smooth path through the points that never overshoots them.

    Each segment is a cubic whose control points lie level with its ends,
    halfway across: the curve eases in and out of every touchpoint and stays
    within the −2..+2 band, where a spline through the points would bulge past it.
    """
    (x0, y0), rest = points[0], points[1:]
    parts = [f"M{_number(x0)} {_number(y0)}"]
    for x1, y1 in rest:
        half = (x1 - x0) / 2
        parts.append(
            f"C{_number(x0 + half)} {_number(y0)} {_number(x1 - half)} {_number(y1)} "
            f"{_number(x1)} {_number(y1)}"
        )
        x0, y0 = x1, y1
    return " ".join(parts)


def svg(
    points: Sequence[Point],
    boundaries: Sequence[int],
    *,
    prefix: str,
    before: Sequence[float | None] = (),
    label: str = "Emotion curve",
) -> str:
    """The curve for ``points`` (one per column), with stage separators before ``boundaries``.

    ``prefix`` makes the gradient's id unique on a page with several maps. ``before``: the
    as-is scores of the same columns (a scenario's map), drawn as a dashed curve beneath,
    the way CX tools draw an as-is and a to-be curve together. ``label`` names the curve
    for assistive technology, in the map's language.
    Returns ``""`` when no column has a score.
    """
    n = len(points)
    scored = [(i, p) for i, p in enumerate(points) if p.score is not None]
    if n == 0 or not scored:
        return ""
    width = n * _COLUMN
    gradient = f"{prefix}-emotion"
    coords = [((i + 0.5) * _COLUMN, _y(p.score)) for i, p in scored if p.score is not None]
    inner = [
        f'<linearGradient id="{gradient}" gradientUnits="userSpaceOnUse" x1="0" y1="0" '
        f'x2="0" y2="{HEIGHT}"><stop offset="0.1" class="cjm-stop-up"/>'
        f'<stop offset="0.5" class="cjm-stop-mid"/><stop offset="0.9" class="cjm-stop-down"/>'
        "</linearGradient>",
        f'<rect class="cjm-band-up" x="0" y="0" width="{width}" height="{_number(_MIDDLE)}"/>',
        f'<rect class="cjm-band-down" x="0" y="{_number(_MIDDLE)}" width="{width}" '
        f'height="{_number(_MIDDLE)}"/>',
    ]
    for column in boundaries:
        if 0 < column < n:
            edge = column * _COLUMN
            inner.append(
                f'<line class="cjm-sep" x1="{edge}" y1="0" x2="{edge}" y2="{HEIGHT}" '
                'vector-effect="non-scaling-stroke"/>'
            )
    inner.append(
        f'<line class="cjm-zero" x1="0" y1="{_number(_MIDDLE)}" x2="{width}" '
        f'y2="{_number(_MIDDLE)}" vector-effect="non-scaling-stroke"/>'
    )
    was = [((i + 0.5) * _COLUMN, _y(s)) for i, s in enumerate(before) if s is not None]
    if len(was) > 1:
        inner.append(
            f'<path class="cjm-line-before" d="{_curve(was)}" vector-effect="non-scaling-stroke">'
            "<title>as-is</title></path>"
        )
    if len(coords) > 1:
        line = _curve(coords)
        first, last = coords[0][0], coords[-1][0]
        area = f"{line} L{_number(last)} {_number(_MIDDLE)} L{_number(first)} {_number(_MIDDLE)}Z"
        inner.append(f'<path class="cjm-area" d="{area}" fill="url(#{gradient})"/>')
        inner.append(f'<path class="cjm-line" d="{line}" vector-effect="non-scaling-stroke"/>')
    dots = []
    for i, point in scored:
        assert point.score is not None
        x = f"{_number((i + 0.5) / n * 100)}%"
        y = _y(point.score)
        said = score_text(point.score) + (f" {point.word}" if point.word else "")
        word = ""
        if point.word:
            # Below a point on the upper half, above one on the lower half: away from the edge.
            below = point.score >= 0
            word_y = y + 24 if below else y - 16
            word = (
                f'<text class="cjm-word" x="{x}" y="{_number(word_y)}" text-anchor="middle">'
                f"{text(point.word)}</text>"
            )
        dots.append(
            f'<g class="cjm-pt cjm-e-{step(point.score)}">'
            f"<title>{text(point.label)}: {text(said)}</title>"
            f'<circle cx="{x}" cy="{_number(y)}" r="10"/>'
            f'<text class="cjm-score" x="{x}" y="{_number(y + 3.5)}" text-anchor="middle">'
            f"{score_text(point.score)}</text>{word}</g>"
        )
    described = "; ".join(
        f"{p.label} {score_text(p.score)}" + (f" {p.word}" if p.word else "")
        for _, p in scored
        if p.score is not None
    )
    return (
        f'<svg class="cjm-curve-svg" width="100%" height="{HEIGHT}" role="img" '
        f'aria-label="{text(label + ": " + described)}">'
        f'<svg width="100%" height="100%" viewBox="0 0 {width} {HEIGHT}" '
        f'preserveAspectRatio="none" aria-hidden="true">{"".join(inner)}</svg>'
        f"{''.join(dots)}</svg>"
    )
