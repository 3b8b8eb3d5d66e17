"""Colour themes for diagrams: light, dark and print."""

from __future__ import annotations

import dataclasses
from typing import Final

__all__ = ["THEMES", "Theme", "emotion_colour"]


@dataclasses.dataclass(frozen=True, slots=True)
class Theme:
    """The colours and fonts of one diagram style.

    ``emotion`` runs from −2 to +2 on a diverging red–blue scale (readable
    with the common colour-vision deficiencies); ``channels`` is the
    Okabe–Ito palette, assigned in declaration order. ``markers``, when
    given, name each channel by a glyph as well, for pages where colours
    cannot be told apart (print).
    """

    name: str
    background: str
    text: str
    muted: str
    stage_fill: str
    stage_border: str
    edge: str
    goal: str
    exit: str
    flag: str
    accent: str
    emotion: tuple[str, str, str, str, str]
    no_emotion: str
    channels: tuple[str, ...]
    markers: tuple[str, ...] = ()
    font: str = "Helvetica"


THEMES: Final[dict[str, Theme]] = {
    "light": Theme(
        name="light",
        background="#ffffff",
        text="#1f2328",
        muted="#57606a",
        stage_fill="#f6f8fa",
        stage_border="#d0d7de",
        edge="#57606a",
        goal="#1a7f37",
        exit="#b42318",
        flag="#cf222e",
        accent="#e8590c",
        emotion=("#f4a6a0", "#fbd5cc", "#f3f1ec", "#cfe3f1", "#9cc8e8"),
        no_emotion="#ffffff",
        channels=(
            "#0072b2",
            "#e69f00",
            "#009e73",
            "#cc79a7",
            "#56b4e9",
            "#d55e00",
            "#7a5c00",
            "#000000",
        ),
    ),
    "dark": Theme(
        name="dark",
        background="#0d1117",
        text="#e6edf3",
        muted="#8d96a0",
        stage_fill="#161b22",
        stage_border="#30363d",
        edge="#8d96a0",
        goal="#3fb950",
        exit="#f85149",
        flag="#ff7b72",
        accent="#ff922b",
        emotion=("#6e2b2b", "#4d2f2f", "#262c36", "#1f3a52", "#1d4f7a"),
        no_emotion="#21262d",
        channels=(
            "#56b4e9",
            "#e69f00",
            "#2fcf9f",
            "#e59acb",
            "#79c0ff",
            "#ff8a4c",
            "#f0e442",
            "#ffffff",
        ),
    ),
    "print": Theme(
        name="print",
        background="#ffffff",
        text="#000000",
        muted="#444444",
        stage_fill="#ffffff",
        stage_border="#777777",
        edge="#333333",
        goal="#000000",
        exit="#000000",
        flag="#000000",
        accent="#000000",
        # Greys at CIE L* 55, 66, 77, 88, 99: darker is worse, 11 apart, so any two
        # scores differ in black and white; black text keeps at least 5.6:1 contrast.
        emotion=("#848484", "#a0a0a0", "#bebebe", "#dddddd", "#fcfcfc"),
        no_emotion="#ffffff",
        channels=(
            "#000000",
            "#333333",
            "#555555",
            "#222222",
            "#444444",
            "#666666",
            "#111111",
            "#777777",
        ),
        markers=("●", "■", "▲", "◆", "★", "✚", "▼", "◉"),
    ),
}


def emotion_colour(theme: Theme, score: float | None) -> str:
    """The fill for an emotion score (clamped to −2..+2, rounded to the scale).

    >>> emotion_colour(THEMES["light"], -2), emotion_colour(THEMES["light"], 0.4)
    ('#f4a6a0', '#f3f1ec')
    """
    if score is None:
        return theme.no_emotion
    step = round(max(-2.0, min(2.0, score))) + 2
    return theme.emotion[step]
