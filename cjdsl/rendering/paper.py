"""A Graphviz PDF placed on a sheet of paper (A4, A3, letter), scaled to fit: ``render --page``.

Why a post-step: Cairo's PDF page is always the drawing's own size (Graphviz's ``page``
attribute paginates PostScript only), and ``size`` alone scales the drawing but leaves the
page as narrow as the drawing. pypdf places each page, scaled and centred, on a blank sheet
of the paper size; the text stays text (vectors, fonts embedded as Graphviz wrote them).
Links on the diagram are not carried over: a printed sheet has none to follow.
"""

from __future__ import annotations

import io
from typing import Final

import pypdf

__all__ = ["MARGIN", "PAPERS", "fit"]

PAPERS: Final = {"A4": (595.28, 841.89), "A3": (841.89, 1190.55), "letter": (612.0, 792.0)}
"""Portrait width and height of each paper, in PostScript points (1/72 in)."""
MARGIN: Final = 28.35
"""The white border kept on every side, in points (1 cm): printers cannot print to the edge."""


def fit(pdf: bytes, paper: str, *, landscape: bool = False) -> bytes:
    """``pdf`` with every page on a sheet of ``paper`` (one of ``PAPERS``), the drawing scaled
    up or down to the sheet less ``MARGIN`` and centred, aspect ratio kept.

    Raises:
        KeyError: a paper that is not in ``PAPERS`` (``Options`` refuses those first).
    """
    width, height = PAPERS[paper]
    if landscape:
        width, height = height, width
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        box = page.mediabox
        left, bottom = float(box.left), float(box.bottom)
        drawn_w, drawn_h = float(box.width), float(box.height)
        scale = min((width - 2 * MARGIN) / drawn_w, (height - 2 * MARGIN) / drawn_h)
        move_x = (width - drawn_w * scale) / 2 - left * scale
        move_y = (height - drawn_h * scale) / 2 - bottom * scale
        sheet = writer.add_blank_page(width, height)
        sheet.merge_transformed_page(
            page, pypdf.Transformation().scale(scale).translate(move_x, move_y)
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
