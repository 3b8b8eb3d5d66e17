"""Draw the extension's Marketplace icon, images/icon.png (128 x 128 PNG).

A journey as the diagrams draw it: touchpoints joined by arrows on an indigo
tile (the docs' colour), ending in the goal, drawn filled. Drawn 4x larger and
scaled down for smooth edges. Run from editors/vscode: `python scripts/icon.py`
(needs Pillow: `pip install pillow`, in cjdsl's test extra).
"""

from __future__ import annotations

import pathlib

from PIL import Image, ImageDraw

SIZE = 128
SCALE = 4
INDIGO = (63, 81, 181, 255)
WHITE = (255, 255, 255, 255)
GOLD = (255, 202, 40, 255)
OUT = pathlib.Path(__file__).resolve().parent.parent / "images" / "icon.png"


def draw() -> Image.Image:
    """The icon, drawn large and scaled down."""
    big = SIZE * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=26 * SCALE, fill=INDIGO)

    def at(x: float, y: float) -> tuple[int, int]:
        return round(x * SCALE), round(y * SCALE)

    stops = [(30, 88), (64, 40), (98, 88)]
    radius = 13
    for (x0, y0), (x1, y1) in zip(stops, stops[1:], strict=False):
        # a line between the circles' edges, then an arrowhead at the next circle
        dx, dy = x1 - x0, y1 - y0
        length = (dx * dx + dy * dy) ** 0.5
        ux, uy = dx / length, dy / length
        start = (x0 + ux * radius, y0 + uy * radius)
        tip = (x1 - ux * (radius + 2), y1 - uy * (radius + 2))
        back = (tip[0] - ux * 11, tip[1] - uy * 11)
        pen.line([at(*start), at(*back)], fill=WHITE, width=6 * SCALE)
        left = (back[0] - uy * 7, back[1] + ux * 7)
        right = (back[0] + uy * 7, back[1] - ux * 7)
        pen.polygon([at(*tip), at(*left), at(*right)], fill=WHITE)
    for number, (x, y) in enumerate(stops):
        box = (*at(x - radius, y - radius), *at(x + radius, y + radius))
        if number == len(stops) - 1:  # the goal
            pen.ellipse(box, fill=GOLD, outline=WHITE, width=5 * SCALE)
        else:
            pen.ellipse(box, fill=INDIGO, outline=WHITE, width=5 * SCALE)
    return image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


if __name__ == "__main__":
    draw().save(OUT, optimize=True)
    print(f"wrote {OUT}")
