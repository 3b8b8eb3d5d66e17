"""Edge labels never sit on a stage's title or on another edge's label (issue 15, section 3).

The layout is Graphviz's real one; the text boxes come from its JSON output (the same
layout as the SVG, which names no text widths): every text's anchor, alignment, width and
font size. Big diagrams (``dot.BIG_NODES`` and more) place labels beside their edges and
may crowd them; ``docs/big-journeys.md`` says so, and they are left out here.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

import cjdsl

from .conftest import ROOT, need_dot

Box = tuple[float, float, float, float, str]


def text_boxes(ops: list[dict[str, Any]]) -> list[Box]:
    """The boxes of the texts an xdot operation list draws: left, bottom, right, top, text."""
    size, out = 14.0, []
    for op in ops:
        if op["op"] == "F":
            size = op["size"]
        elif op["op"] == "T":
            x, y = op["pt"]
            left = {"l": x, "c": x - op["width"] / 2, "r": x - op["width"]}[op["align"]]
            out.append((left, y - 0.2 * size, left + op["width"], y + 0.75 * size, op["text"]))
    return out


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def clashes(layout: dict[str, Any]) -> list[tuple[str, str]]:
    """Pairs of texts that overlap: an edge label on a stage title, or two edges' labels."""
    titles = [
        box
        for o in layout.get("objects", [])
        if o.get("name", "").startswith("cluster")
        for box in text_boxes(o.get("_ldraw_", []))
    ]
    labels = [
        (index, box)
        for index, edge in enumerate(layout.get("edges", []))
        for key in ("_ldraw_", "_xldraw_")
        for box in text_boxes(edge.get(key, []))
    ]
    assert titles and labels, "the layout has stage titles and edge labels to compare"
    found = [(box[4], title[4]) for _, box in labels for title in titles if overlap(box, title)]
    found += [
        (a[4], b[4])
        for (i, a), (j, b) in itertools.combinations(labels, 2)
        if i != j and overlap(a, b)
    ]
    return found


def test_overlapping_boxes_are_found() -> None:
    """The check itself: two texts drawn on one spot clash, side by side they do not."""
    here = [
        {"op": "F", "size": 8.0},
        {"op": "T", "pt": [10, 10], "align": "l", "width": 30, "text": "a"},
    ]
    there = [{"op": "T", "pt": [25, 12], "align": "c", "width": 20, "text": "b"}]
    apart = [{"op": "T", "pt": [50, 10], "align": "l", "width": 30, "text": "c"}]
    assert overlap(text_boxes(here)[0], text_boxes(there)[0])
    assert not overlap(text_boxes(here)[0], text_boxes(apart)[0])


CASES = [
    (name, direction, lang)
    for name in sorted(p.stem for p in (ROOT / "examples").glob("*.journey"))
    for direction, lang in (("LR", None), ("TB", None), ("LR", "de"))
]


@pytest.mark.parametrize(("name", "direction", "lang"), CASES)
def test_edge_labels_keep_off_stage_titles_and_each_other(
    name: str, direction: str, lang: str | None
) -> None:
    need_dot()
    doc = cjdsl.load(ROOT / "examples" / f"{name}.journey")
    layout = json.loads(
        cjdsl.render(doc, format="json", engine="dot", direction=direction, lang=lang)
    )
    assert clashes(layout) == []
