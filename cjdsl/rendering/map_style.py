"""The journey map's stylesheet: every rule scoped under ``.cjdsl-map``, colours from the themes.

Longer than 450 lines: it is one stylesheet, and its rules (the grid, the cards, the curve,
the blueprint's lanes, the themes) style one table together; split, each part would need
the others to be read.

Colours are CSS custom properties set per theme (light, dark, print) from
``themes.THEMES``, so the map's channels and emotion scale match the
diagram's. Dark colours apply on screens only: printed, every map is light
(dark paper wastes ink, and browsers drop backgrounds when printing). The
text never depends on a background to be read: cards, chips and stage heads
keep a border or a marker glyph when printing strips the fills.

``CSS`` holds only rules under ``.cjdsl-map`` (and ``@media`` blocks of
them), so a page that embeds a map keeps its own look; ``PAGE_CSS`` styles
the standalone page around it (``@page``, the body) and never goes into a
site's stylesheet. ``auto_css`` lets a documentation site switch a
``cjm-auto`` map to dark with the site's own colour-scheme switch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Final

from . import themes

__all__ = ["CHANNEL_COLOURS", "CSS", "PAGE_CSS", "PERSONA_COLOURS", "auto_css", "variables"]


@dataclasses.dataclass(frozen=True, slots=True)
class _Extra:
    """Map colours the diagram themes do not have: surfaces, lanes, stages, personas."""

    surface: str
    card: str
    line: str
    strong: str
    ink: tuple[str, str, str, str, str]  # emotion strokes and curve, −2 … +2
    lanes: tuple[str, str, str, str, str, str]  # actions … opportunities, kpis
    stages: tuple[str, ...]
    stage_text: str
    personas: tuple[str, ...]
    shadow: str


_EXTRA: Final = {
    "light": _Extra(
        surface="#f6f8fa",
        card="#ffffff",
        line="#e1e6eb",
        strong="#afb8c1",
        ink=("#b42318", "#d4574a", "#8c959f", "#3b82c4", "#1f5f99"),
        lanes=("#0969da", "#1a7f37", "#8250df", "#cf222e", "#bc4c00", "#57606a"),
        stages=("#33407d", "#28607f", "#22706a", "#5b4b8a", "#7c3f63", "#6b5228"),
        stage_text="#ffffff",
        personas=("#0969da", "#8250df", "#1a7f37", "#bc4c00", "#bf3989", "#116329"),
        shadow="0 1px 2px rgba(31, 35, 40, .08)",
    ),
    "dark": _Extra(
        surface="#161b22",
        card="#1c2128",
        line="#2d333b",
        strong="#545d68",
        ink=("#ff7b72", "#f0a39c", "#8d96a0", "#79c0ff", "#58a6ff"),
        lanes=("#58a6ff", "#3fb950", "#bc8cff", "#ff7b72", "#f0883e", "#8d96a0"),
        stages=("#3a4a96", "#2b6d91", "#23796f", "#654f9c", "#8a456f", "#7a5e2e"),
        stage_text="#ffffff",
        personas=("#388bfd", "#a371f7", "#2ea043", "#db6d28", "#db61a2", "#3fb950"),
        shadow="0 1px 2px rgba(0, 0, 0, .4)",
    ),
    "print": _Extra(
        surface="#ffffff",
        card="#ffffff",
        line="#bbbbbb",
        strong="#000000",
        ink=("#000000", "#000000", "#000000", "#000000", "#000000"),
        lanes=("#000000",) * 6,
        stages=("#ffffff",),
        stage_text="#000000",
        personas=("#444444",),
        shadow="none",
    ),
}
CHANNEL_COLOURS: Final = len(themes.THEMES["light"].channels)
"""Channel chips cycle through this many colours, as the diagram's legend does."""
PERSONA_COLOURS: Final = len(_EXTRA["light"].personas)
_STAGE_COLOURS: Final = len(_EXTRA["light"].stages)
_STEPS: Final = ("m2", "m1", "z", "p1", "p2")
_LANE_NAMES: Final = ("actions", "motivations", "questions", "pains", "opportunities", "kpis")


def variables(name: str) -> str:
    """The custom-property declarations of one theme (``light``, ``dark`` or ``print``)."""
    theme, extra = themes.THEMES[name], _EXTRA[name]
    values = {
        "bg": theme.background,
        "text": theme.text,
        "muted": theme.muted,
        "surface": extra.surface,
        "card": extra.card,
        "line": extra.line,
        "strong": extra.strong,
        "accent": theme.accent,
        "goal": theme.goal,
        "exit": theme.exit,
        "flag": theme.flag,
        "stage-text": extra.stage_text,
        "shadow": extra.shadow,
    }
    for step, fill, ink in zip(_STEPS, theme.emotion, extra.ink, strict=True):
        values[f"e-{step}"] = fill
        values[f"i-{step}"] = ink
    for lane, colour in zip(_LANE_NAMES, extra.lanes, strict=True):
        values[f"lane-{lane}"] = colour
    for index in range(CHANNEL_COLOURS):
        values[f"ch-{index}"] = theme.channels[index % len(theme.channels)]
    for index in range(PERSONA_COLOURS):
        values[f"p-{index}"] = extra.personas[index % len(extra.personas)]
    for index in range(_STAGE_COLOURS):
        values[f"s-{index}"] = extra.stages[index % len(extra.stages)]
    return "".join(f"--cjm-{key}:{value};" for key, value in values.items())


def auto_css(dark: Sequence[str], system: Sequence[str] = ()) -> str:
    """Rules that turn ``cjm-auto`` maps dark where a site is dark, on screens only.

    Args:
        dark: selectors of a page in dark mode (``[data-md-color-scheme="slate"]``).
        system: selectors of a page that follows ``prefers-color-scheme`` when it is dark.
    """
    body = f"{{ {variables('dark')} color-scheme: dark; }}"

    def rule(media: str, selectors: Sequence[str]) -> str:
        maps = ",\n".join(f"{s} .cjdsl-map.cjm-auto" for s in selectors)
        return f"@media {media} {{\n{maps} {body}\n}}\n"

    out = rule("screen", dark)
    if system:
        out += rule("screen and (prefers-color-scheme: dark)", system)
    return out


def _repeat(template: str, count: int) -> str:
    return "".join(template.format(i=i) for i in range(count))


_BASE: Final = """\
.cjdsl-map { {light} color-scheme: light; }
.cjdsl-map.cjm-print { {print} }
@media screen { .cjdsl-map.cjm-dark { {dark} color-scheme: dark; } }
.cjdsl-map {
  box-sizing: border-box; margin: 1.5em 0; padding: 22px 24px 16px;
  background: var(--cjm-bg); color: var(--cjm-text);
  border: 1px solid var(--cjm-line); border-radius: 12px;
  font-size: 13px; line-height: 1.42; text-align: left;
  font-variant-numeric: tabular-nums; overflow-wrap: break-word;
  /* Long German compounds break at syllables (the section carries its lang), not anywhere. */
  -webkit-hyphens: auto; hyphens: auto;
}
.cjdsl-map *, .cjdsl-map *::before, .cjdsl-map *::after { box-sizing: border-box; }
/* Documentation themes style lists, tables and links in their content: this resets them. */
.cjdsl-map :is(ul, ol, li, p, table, thead, tbody, tr, th, td, a) {
  margin: 0; padding: 0; border: 0; background: none; font: inherit; color: inherit;
  letter-spacing: normal; text-transform: none; box-shadow: none;
}
.cjdsl-map ul.cjm-items, .cjdsl-map ul.cjm-outcomes, .cjdsl-map ul.cjm-stat-list,
.cjdsl-map ul.cjm-notes { list-style: none; }
.cjdsl-map ul li::marker { content: none; }
.cjdsl-map a.cjm-link { color: inherit; text-decoration: underline;
  text-decoration-color: var(--cjm-strong); text-underline-offset: 2px; }
.cjdsl-map a.cjm-link:hover { text-decoration-color: currentColor; }
.cjdsl-map a.cjm-link:focus-visible { outline: 2px solid var(--cjm-accent); outline-offset: 2px; }

/* header */
.cjdsl-map .cjm-head { max-width: 72em; margin-bottom: 18px; }
.cjdsl-map .cjm-kicker { font-size: 11px; font-weight: 700; letter-spacing: .09em;
  text-transform: uppercase; color: var(--cjm-accent); }
.cjdsl-map .cjm-kicker .cjm-who { color: var(--cjm-muted); font-weight: 600; }
.cjdsl-map .cjm-title { font-size: 26px; line-height: 1.15; font-weight: 750;
  letter-spacing: -.01em; margin: 4px 0 6px; }
.cjdsl-map .cjm-desc { color: var(--cjm-muted); font-size: 14px; max-width: 60em;
  white-space: pre-line; }
.cjdsl-map .cjm-owner { margin-top: 6px; font-size: 12px; color: var(--cjm-muted); }
.cjdsl-map .cjm-owner span, .cjdsl-map .cjm-owner-of span, .cjdsl-map .cjm-mini {
  font-size: 10px; font-weight: 700; letter-spacing: .08em; text-transform: uppercase;
  color: var(--cjm-muted); margin-right: 4px; }

/* personas and highlights */
.cjdsl-map .cjm-top { display: grid; grid-template-columns: minmax(0, 1fr); gap: 12px;
  margin-bottom: 20px; align-items: start; }
.cjdsl-map .cjm-top.cjm-one { grid-template-columns: minmax(16em, 1fr) minmax(0, 2.4fr); }
.cjdsl-map .cjm-personas { display: grid; gap: 10px;
  grid-template-columns: repeat(auto-fill, minmax(16em, 1fr)); }
.cjdsl-map .cjm-one .cjm-personas { grid-template-columns: minmax(0, 1fr); }
.cjdsl-map .cjm-persona { display: flex; gap: 10px; padding: 12px; border-radius: 10px;
  background: var(--cjm-surface); border: 1px solid var(--cjm-line); }
.cjdsl-map .cjm-avatar { flex: none; width: 36px; height: 36px; border-radius: 50%;
  display: grid; place-items: center; font-weight: 700; font-size: 16px; color: #fff;
  background: var(--cjm-pc); border: 2px solid var(--cjm-pc); }
.cjdsl-map .cjm-persona-name { font-weight: 700; font-size: 14px; line-height: 1.25; }
.cjdsl-map .cjm-persona-desc { color: var(--cjm-muted); font-size: 12px; margin: 2px 0 6px; }
.cjdsl-map .cjm-persona-list { font-size: 12px; margin-top: 4px; }
.cjdsl-map .cjm-persona-list .cjm-items li { padding-left: 14px; }
.cjdsl-map .cjm-highlights { display: flex; flex-wrap: wrap; gap: 10px; }
.cjdsl-map .cjm-stat { flex: 1 1 10em; }
.cjdsl-map .cjm-stat { padding: 10px 12px; border-radius: 10px; background: var(--cjm-surface);
  border: 1px solid var(--cjm-line); border-top: 3px solid var(--cjm-stat, var(--cjm-strong)); }
.cjdsl-map .cjm-stat-conversion { --cjm-stat: var(--cjm-goal); }
.cjdsl-map .cjm-stat-drop { --cjm-stat: var(--cjm-exit); }
.cjdsl-map .cjm-stat-moments { --cjm-stat: var(--cjm-accent); }
.cjdsl-map .cjm-stat-low { --cjm-stat: var(--cjm-i-m2); }
.cjdsl-map .cjm-stat-k { font-size: 10px; font-weight: 700; letter-spacing: .08em;
  text-transform: uppercase; color: var(--cjm-muted); }
.cjdsl-map .cjm-stat-v { font-size: 24px; font-weight: 750; line-height: 1.15; margin: 3px 0; }
.cjdsl-map .cjm-stat-drop .cjm-stat-v { font-size: 15px; line-height: 1.25; }
.cjdsl-map .cjm-stat-s { font-size: 11.5px; color: var(--cjm-muted); }
.cjdsl-map .cjm-stat-list li { color: var(--cjm-text); }
.cjdsl-map .cjm-stat-list li::before { content: "★ "; color: var(--cjm-accent); }
.cjdsl-map .cjm-notes { flex: 1 1 100%; font-size: 11.5px; color: var(--cjm-muted); }
.cjdsl-map .cjm-notes li::before { content: "Note: "; font-weight: 700; }
.cjdsl-map .cjm-no-figures { display: block; padding: 10px 12px; border-radius: 10px;
  border: 1px dashed var(--cjm-strong); color: var(--cjm-muted); }

/* the grid: one column per touchpoint, stages above */
.cjdsl-map .cjm-scroll { overflow-x: auto; margin: 0 -4px; padding: 0 4px 4px; }
.cjdsl-map table.cjm-grid { border-collapse: separate; border-spacing: 0; table-layout: fixed;
  width: max(100%, calc(10.5em + var(--cjm-n) * 13em)); }
.cjdsl-map col.cjm-col-lane { width: 10.5em; }
.cjdsl-map :is(th, td) { vertical-align: top; text-align: left; }
.cjdsl-map th.cjm-lane, .cjdsl-map th.cjm-corner { position: sticky; left: 0; z-index: 1;
  background: var(--cjm-bg); padding: 10px 12px 10px 14px; font-weight: 400;
  box-shadow: inset 4px 0 0 var(--cjm-lane, var(--cjm-strong)); }
.cjdsl-map th.cjm-corner { box-shadow: none; vertical-align: bottom; padding-bottom: 14px;
  font-size: 10px; font-weight: 700; letter-spacing: .08em; text-transform: uppercase;
  color: var(--cjm-muted); }
.cjdsl-map .cjm-lane-name { display: block; font-weight: 700; font-size: 13px; }
.cjdsl-map .cjm-lane-hint { display: block; font-size: 11px; color: var(--cjm-muted); }
{lanes}
.cjdsl-map th.cjm-stage { height: 1px; padding: 0 2px 10px; vertical-align: bottom; }
.cjdsl-map .cjm-stage-in { position: relative; height: 100%; padding: 9px 22px 9px 24px;
  background: var(--cjm-sc); color: var(--cjm-stage-text);
  clip-path: polygon(0 0, calc(100% - 14px) 0, 100% 50%, calc(100% - 14px) 100%, 0 100%,
    14px 50%); }
.cjdsl-map th.cjm-stage:nth-child(2) .cjm-stage-in {
  clip-path: polygon(0 0, calc(100% - 14px) 0, 100% 50%, calc(100% - 14px) 100%, 0 100%);
  padding-left: 14px; }
{stages}
.cjdsl-map .cjm-stage-no { display: block; font-size: 10px; font-weight: 700;
  letter-spacing: .12em; opacity: .75; }
.cjdsl-map .cjm-stage-name { display: block; font-size: 16px; font-weight: 750; line-height: 1.2; }
.cjdsl-map .cjm-stage-desc { display: block; font-size: 11.5px; opacity: .85; margin-top: 2px; }
.cjdsl-map .cjm-stage-figs { display: block; font-size: 11px; font-weight: 600; margin-top: 4px;
  opacity: .9; }
.cjdsl-map td.cjm-cell { padding: 10px 6px; border-top: 1px solid var(--cjm-line); }
.cjdsl-map td.cjm-first { border-left: 1px dashed var(--cjm-strong); }
.cjdsl-map tr > td.cjm-first:nth-child(2) { border-left: 0; }
.cjdsl-map th.cjm-lane { border-top: 1px solid var(--cjm-line); }
.cjdsl-map td.cjm-curve { padding: 4px 0; border-top: 1px solid var(--cjm-line);
  background: var(--cjm-bg); }
.cjdsl-map .cjm-row-touchpoints td.cjm-cell { height: 1px; }
.cjdsl-map td.cjm-empty span { display: block; padding: 14px 6px; text-align: center;
  font-size: 11.5px; font-style: italic; color: var(--cjm-muted);
  border: 1px dashed var(--cjm-line); border-radius: 8px; }

/* touchpoint cards */
.cjdsl-map .cjm-card { height: 100%; padding: 9px 10px 10px; border-radius: 9px;
  background: var(--cjm-card); border: 1px solid var(--cjm-line); box-shadow: var(--cjm-shadow); }
.cjdsl-map .cjm-card-top { display: flex; flex-wrap: wrap; gap: 4px 6px; align-items: center;
  margin-bottom: 6px; }
.cjdsl-map .cjm-chip { display: inline-flex; align-items: center; gap: 5px; max-width: 100%;
  padding: 1px 8px 1px 6px; border-radius: 999px; font-size: 11px; font-weight: 600;
  border: 1px solid color-mix(in srgb, var(--cjm-cc) 55%, transparent);
  background: color-mix(in srgb, var(--cjm-cc) 10%, transparent); }
.cjdsl-map .cjm-chip-text { min-width: 0; overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap; }
.cjdsl-map .cjm-dot { flex: none; width: 8px; height: 8px; border-radius: 50%;
  background: var(--cjm-cc); print-color-adjust: exact; -webkit-print-color-adjust: exact; }
{channels}
.cjdsl-map .cjm-entry { font-size: 10px; font-weight: 700; letter-spacing: .06em;
  text-transform: uppercase; color: var(--cjm-muted); }
.cjdsl-map .cjm-tp { font-weight: 700; font-size: 13.5px; line-height: 1.3; }
.cjdsl-map .cjm-tp-desc { font-size: 11.5px; color: var(--cjm-muted); margin-top: 3px;
  white-space: pre-line; }
.cjdsl-map .cjm-badges { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 7px; }
.cjdsl-map .cjm-badge { font-size: 10.5px; font-weight: 700; padding: 1px 7px; border-radius: 4px;
  border: 1px solid currentColor; }
.cjdsl-map .cjm-moment { color: var(--cjm-accent); }
.cjdsl-map .cjm-loss { color: var(--cjm-exit); }
.cjdsl-map .cjm-reach { margin-top: 8px; font-size: 11px; color: var(--cjm-muted); }
.cjdsl-map .cjm-reach-by { margin-top: 2px; font-size: 10px; color: var(--cjm-muted); }
.cjdsl-map .cjm-meter { display: block; height: 4px; margin-top: 3px; border-radius: 2px;
  background: var(--cjm-line); overflow: hidden; }
.cjdsl-map .cjm-meter > span { display: block; height: 100%; min-width: 2px;
  background: var(--cjm-muted); print-color-adjust: exact; -webkit-print-color-adjust: exact; }
.cjdsl-map .cjm-for { margin-top: 6px; font-size: 11px; color: var(--cjm-muted); }
.cjdsl-map .cjm-pchip { display: inline-block; padding: 0 6px; border-radius: 4px;
  font-weight: 600; color: var(--cjm-pc); border: 1px solid var(--cjm-pc); }
{personas}

/* lanes */
.cjdsl-map .cjm-items li { position: relative; padding-left: 16px; margin: 0 0 5px; }
.cjdsl-map .cjm-items li:last-child { margin-bottom: 0; }
.cjdsl-map .cjm-mark { position: absolute; left: 0; top: 0; width: 12px; text-align: center;
  font-weight: 800; color: var(--cjm-lane, var(--cjm-muted)); }
.cjdsl-map .cjm-row-pains td.cjm-cell li { color: var(--cjm-text); }
.cjdsl-map .cjm-kpis { display: flex; flex-wrap: wrap; gap: 4px; }
.cjdsl-map .cjm-kpi { display: inline-block; max-width: 100%; overflow-wrap: break-word;
  padding: 1px 6px; border-radius: 4px; font-size: 11px;
  border: 1px solid var(--cjm-line); background: var(--cjm-surface); }
.cjdsl-map .cjm-kpi-name { color: var(--cjm-muted); }
.cjdsl-map .cjm-tags { display: flex; flex-wrap: wrap; gap: 3px; margin-top: 5px; }
.cjdsl-map .cjm-tag { font-size: 10.5px; color: var(--cjm-muted); padding: 0 5px;
  border: 1px dashed var(--cjm-line); border-radius: 8px; }
.cjdsl-map .cjm-kpi-value { font-weight: 700; }
.cjdsl-map .cjm-owner-of { margin-top: 6px; font-size: 11px; color: var(--cjm-muted); }
.cjdsl-map .cjm-outcomes { display: flex; flex-wrap: wrap; gap: 6px; }
.cjdsl-map .cjm-out { display: inline-flex; gap: 6px; align-items: baseline; padding: 4px 10px;
  border-radius: 6px; border: 1px solid currentColor; font-size: 12px; }
.cjdsl-map .cjm-out-text { color: var(--cjm-text); font-weight: 600; }
.cjdsl-map .cjm-out-fig { font-weight: 400; color: var(--cjm-muted); white-space: nowrap; }
.cjdsl-map .cjm-goal { color: var(--cjm-goal); }
.cjdsl-map .cjm-exit { color: var(--cjm-exit); border-style: dashed; }
.cjdsl-map .cjm-out-mark { font-weight: 800; }

/* the emotion curve */
.cjdsl-map svg.cjm-curve-svg { display: block; width: 100%; height: 136px; max-width: none;
  overflow: visible; }
.cjdsl-map .cjm-band-up { fill: var(--cjm-i-p2); fill-opacity: .05; }
.cjdsl-map .cjm-band-down { fill: var(--cjm-i-m2); fill-opacity: .05; }
.cjdsl-map .cjm-sep { stroke: var(--cjm-strong); stroke-width: 1; stroke-dasharray: 3 3; }
.cjdsl-map .cjm-zero { stroke: var(--cjm-strong); stroke-width: 1; }
.cjdsl-map .cjm-stop-up { stop-color: var(--cjm-i-p2); stop-opacity: .32; }
.cjdsl-map .cjm-stop-mid { stop-color: var(--cjm-i-z); stop-opacity: .04; }
.cjdsl-map .cjm-stop-down { stop-color: var(--cjm-i-m2); stop-opacity: .32; }
.cjdsl-map tr.cjm-bp-line td { padding: 0 8px; border-top: 2px solid var(--cjm-strong);
  font-size: 10px; text-transform: uppercase; letter-spacing: .06em; color: var(--cjm-muted); }
.cjdsl-map tr.cjm-bp-line-backstage td, .cjdsl-map tr.cjm-bp-line-support td {
  border-top-style: dashed; }
.cjdsl-map .cjm-bp-owner { color: var(--cjm-muted); font-size: 11px; }
.cjdsl-map .cjm-line { fill: none; stroke: var(--cjm-text); stroke-width: 2; stroke-opacity: .7; }
.cjdsl-map .cjm-line-before { fill: none; stroke: var(--cjm-text); stroke-width: 2;
  stroke-opacity: .45; stroke-dasharray: 6 5; }
.cjdsl-map .cjm-pt circle { stroke-width: 2; print-color-adjust: exact;
  -webkit-print-color-adjust: exact; }
.cjdsl-map .cjm-pt text { font-size: 10px; fill: var(--cjm-text); }
.cjdsl-map .cjm-pt .cjm-score { font-weight: 800; font-size: 9.5px; }
.cjdsl-map .cjm-pt .cjm-word { font-size: 11px; font-style: italic; fill: var(--cjm-muted);
  paint-order: stroke; stroke: var(--cjm-bg); stroke-width: 3px; stroke-linejoin: round; }
{emotions}

/* legend */
.cjdsl-map .cjm-legend { display: flex; flex-wrap: wrap; gap: 8px 22px; align-items: center;
  margin-top: 14px; padding-top: 12px; border-top: 1px solid var(--cjm-line);
  font-size: 11.5px; color: var(--cjm-muted); }
.cjdsl-map .cjm-legend-part { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.cjdsl-map .cjm-legend .cjm-chip { color: var(--cjm-text); }
.cjdsl-map .cjm-legend-marks { gap: 4px 14px; }
.cjdsl-map .cjm-scale { display: inline-grid; place-items: center; min-width: 26px; height: 18px;
  padding: 0 4px; border-radius: 9px; font-size: 10px; font-weight: 800; color: var(--cjm-text);
  background: var(--cjm-ef); border: 1.5px solid var(--cjm-ei); print-color-adjust: exact;
  -webkit-print-color-adjust: exact; }
.cjdsl-map .cjm-made { margin-left: auto; }

@media (max-width: 720px) {
  .cjdsl-map { padding: 16px 12px; }
  .cjdsl-map .cjm-top, .cjdsl-map .cjm-top.cjm-one { grid-template-columns: minmax(0, 1fr); }
}

/* Printed, the whole map fits the page's width: the more columns, the smaller.
   In print, `width` in a media query is the page's: A3 landscape is about 400 mm wide. */
@media print {
  .cjdsl-map { margin: 0; padding: 0; border: 0; border-radius: 0;
    zoom: clamp(.42, calc(14 / (var(--cjm-n, 8) + 4)), .9); }
  .cjdsl-map .cjm-head, .cjdsl-map .cjm-top, .cjdsl-map .cjm-legend, .cjdsl-map tr,
  .cjdsl-map .cjm-persona, .cjdsl-map .cjm-stat { break-inside: avoid; }
  .cjdsl-map .cjm-top { margin-bottom: 10px; }
  .cjdsl-map .cjm-scroll { overflow: visible; margin: 0; padding: 0; }
  .cjdsl-map table.cjm-grid { width: 100%; }
  .cjdsl-map thead { display: table-header-group; }
  .cjdsl-map th.cjm-lane, .cjdsl-map th.cjm-corner { position: static; padding: 6px 6px 6px 9px; }
  .cjdsl-map .cjm-stage-in { clip-path: none !important; padding: 4px 6px !important;
    border-bottom: 2.5pt solid var(--cjm-sc); color: var(--cjm-text); background: none; }
  .cjdsl-map .cjm-stage-no, .cjdsl-map .cjm-stage-desc, .cjdsl-map .cjm-stage-figs { opacity: 1; }
  .cjdsl-map td.cjm-cell { padding: 6px 3px; }
  .cjdsl-map .cjm-card { box-shadow: none; padding: 5px; }
  .cjdsl-map .cjm-tp { font-size: 12.5px; }
  .cjdsl-map col.cjm-col-lane { width: 8.5em; }
  .cjdsl-map .cjm-meter { display: none; }
  .cjdsl-map .cjm-avatar { color: var(--cjm-pc); background: none; }
  .cjdsl-map a.cjm-link { text-decoration: none; }
}
@media print and (max-width: 330mm) {
  .cjdsl-map { zoom: clamp(.3, calc(11.5 / (var(--cjm-n, 8) + 4)), .75); }
}
"""


def _rules() -> str:
    lanes = "".join(
        f".cjdsl-map .cjm-lane-{lane}, .cjdsl-map .cjm-row-{lane} "
        f"{{ --cjm-lane: var(--cjm-lane-{lane}); }}\n"
        for lane in _LANE_NAMES
    )
    emotions = (
        "".join(
            f".cjdsl-map .cjm-e-{step} "
            f"{{ --cjm-ef: var(--cjm-e-{step}); --cjm-ei: var(--cjm-i-{step}); }}\n"
            for step in _STEPS
        )
        + ".cjdsl-map .cjm-pt circle { fill: var(--cjm-ef); stroke: var(--cjm-ei); }\n"
    )
    stages = "".join(
        f".cjdsl-map th.cjm-stage:nth-child({_STAGE_COLOURS}n+{i + 2}) "
        f"{{ --cjm-sc: var(--cjm-s-{i}); }}\n"
        for i in range(_STAGE_COLOURS)
    )
    channels = _repeat(
        ".cjdsl-map .cjm-ch-{i} {{ --cjm-cc: var(--cjm-ch-{i}); }}\n", CHANNEL_COLOURS
    )
    personas = _repeat(".cjdsl-map .cjm-p-{i} {{ --cjm-pc: var(--cjm-p-{i}); }}\n", PERSONA_COLOURS)
    out = _BASE
    for key, value in (
        ("{light}", variables("light")),
        ("{dark}", variables("dark")),
        ("{print}", variables("print")),
        ("{lanes}", lanes.rstrip("\n")),
        ("{stages}", stages.rstrip("\n")),
        ("{channels}", channels.rstrip("\n")),
        ("{personas}", personas.rstrip("\n")),
        ("{emotions}", emotions.rstrip("\n")),
    ):
        out = out.replace(key, value)
    # Themes style elements in their content with up to two classes or attributes and a
    # few elements (mkdocs-material: `[dir=ltr] .md-typeset ul li`). Doubling the scope class
    # lifts every map rule above that; the reset above comes first, so the map's own rules,
    # as specific, still win over it.
    return "/* cjdsl: journey maps */\n" + out.replace(".cjdsl-map ", ".cjdsl-map.cjdsl-map ")


CSS: Final = _rules()
"""Every rule of the map, scoped under ``.cjdsl-map``."""

PAGE_CSS: Final = """\
@page { size: landscape; margin: 9mm; }
html { -webkit-text-size-adjust: 100%; }
body.cjm-page { margin: 0; padding: 24px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans",
    "DejaVu Sans", Arial, sans-serif; }
body.cjm-page .cjdsl-map { margin: 0 auto; }
@media screen {
  body.cjm-page-light, body.cjm-page-print { background: #eef1f4; }
  body.cjm-page-dark { background: #010409; }
}
@media print { body.cjm-page { padding: 0; background: none; } }
"""
"""The standalone page around one map: paper size and margins, the body, the font."""
