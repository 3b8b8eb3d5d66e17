"""How wide a drawn diagram is against its height, and what to do when it is too wide.

Why: left to right, a journey of five stages comes out five to eight times wider than tall;
on a screen or a page it shrinks until its text cannot be read. Top to bottom the same
journey is about half as wide as tall, so ``render`` says how (``hint``) instead of
switching by itself, which would change every drawing people already have.

>>> hint(b'<svg width="5379pt" height="699pt"', "svg", "LR")[:35]
'the diagram is 5379 × 699 pt (7.7:1'
>>> hint(b'<svg width="1093pt" height="2326pt"', "svg", "LR") is None
True
"""

from __future__ import annotations

import re
import struct
from typing import Final

__all__ = ["WIDE", "hint", "size"]

WIDE: Final = 3.0
"""Width over height from which a left-to-right diagram gets a hint (an A4 sheet is 1.4)."""
_SVG: Final = re.compile(rb'<svg\b[^>]*?\bwidth="([\d.]+)pt"[^>]*?\bheight="([\d.]+)pt"')
_PDF: Final = re.compile(rb"/MediaBox *\[ *([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+) *\]")


def size(data: bytes, format_: str) -> tuple[float, float] | None:
    """Width and height of a drawn diagram (SVG and PDF in points, PNG in pixels), or ``None``
    for a format without a size (DOT, JSON)."""
    if format_ == "svg" and (found := _SVG.search(data[:4096])):
        return float(found.group(1)), float(found.group(2))
    if format_ == "png" and data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return float(width), float(height)
    if format_ == "pdf" and (box := _PDF.search(data)):
        left, bottom, right, top = (float(v) for v in box.groups())
        return right - left, top - bottom
    return None


def hint(data: bytes, format_: str, direction: str) -> str | None:
    """What to do about a left-to-right diagram more than ``WIDE`` times wider than tall:
    ``None`` when it is not."""
    measured = size(data, format_)
    if direction != "LR" or measured is None or measured[1] <= 0:
        return None
    width, height = measured
    if width / height <= WIDE:
        return None
    unit = "px" if format_ == "png" else "pt"
    return (
        f"the diagram is {width:.0f} × {height:.0f} {unit} ({width / height:.1f}:1); "
        "`--direction TB` draws the stages top to bottom, readable on a screen or a page, "
        "and `-f pdf --page A3 --landscape` fits it to paper"
    )
