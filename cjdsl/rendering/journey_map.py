"""The journey map: a journey and its analysis as the HTML table a CX team pins on a wall.

One column per touchpoint, grouped under its stage; rows for the touchpoint
and its channel, the emotion curve, actions, motivations, questions, pains,
opportunities, KPIs and the stage's goals and exits; above them the persona
cards and the analysis highlights. ``fragment`` gives the map to embed in a
page (the documentation plugins); ``document`` a self-contained page for
``cjdsl render -f html``. Both are pure and deterministic: no clock, no
randomness, no external fonts, scripts or images.

The map shows what it is given: the analysis ``Report`` (``cjdsl.views.map_report``)
and the checks' ``Findings`` (``cjdsl.views.findings``); it runs neither. Every text
from the journey passes through ``map_curve.text`` (escaped, control characters
dropped); a ``link`` becomes an ``href`` only for a touchpoint the findings list as
safe, and is escaped too.

>>> import cjdsl
>>> from cjdsl.rendering import findings
>>> doc = cjdsl.loads('journey "<Shop>"\\nentry touchpoint a "A & B"\\ngoal g "G"\\na -> g')
>>> page = fragment(doc.journey, findings=findings.NONE)
>>> "&lt;Shop&gt;" in page and "A &amp; B" in page and "<Shop>" not in page
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Final

from .. import model, personas
from . import dot, map_curve, map_style, map_table, options
from .findings import Findings
from .map_curve import text
from .map_table import percent

if TYPE_CHECKING:
    from ..analysis import report as reports

__all__ = ["THEMES", "document", "fragment", "percent"]

THEMES: Final = (*options.THEMES, options.AUTO)
"""``auto`` follows the colour scheme of the page the fragment sits in (``map_style``)."""


def _duration(seconds: float) -> str:
    """An expected duration in the largest unit that keeps it readable.

    >>> [_duration(s) for s in (600, 18000, 302400, 1814400)]
    ['10 min', '5 h', '3.5 days', '3 weeks']
    """
    for unit, size in (("weeks", 604800), ("days", 86400), ("h", 3600)):
        if seconds >= size * (2 if unit == "weeks" else 1):
            return f"{seconds / size:.1f}".removesuffix(".0") + f" {unit}"
    return f"{seconds / 60:.0f} min"


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _initial(persona: model.Persona) -> str:
    return next((c.upper() for c in persona.label if c.isalpha()), "?")


def _persona_card(journey: model.Journey, persona: model.Persona, *, chosen: bool) -> str:
    index = journey.personas.index(persona) % map_style.PERSONA_COLOURS
    parts = [f'<div class="cjm-persona-name">{text(persona.label)}</div>']
    if persona.description:
        parts.append(f'<div class="cjm-persona-desc">{text(persona.description)}</div>')
    for title, values, marker in (("Goals", persona.goals, "◎"), ("Pains", persona.pains, "!")):
        if values:
            parts.append(
                f'<div class="cjm-persona-list"><span class="cjm-mini">{title}</span>'
                f"{map_table.items(values, marker)}</div>"
            )
    kind = " cjm-chosen" if chosen else ""
    return (
        f'<div class="cjm-persona cjm-p-{index}{kind}">'
        f'<div class="cjm-avatar" aria-hidden="true">{text(_initial(persona))}</div>'
        f'<div class="cjm-persona-body">{"".join(parts)}</div></div>'
    )


def _stat(key: str, title: str, value: str, detail: str) -> str:
    return (
        f'<div class="cjm-stat cjm-stat-{key}"><div class="cjm-stat-k">{title}</div>'
        f'<div class="cjm-stat-v">{value}</div><div class="cjm-stat-s">{detail}</div></div>'
    )


def _highlights(journey: model.Journey, report: reports.Report | None, note: str | None) -> str:
    if report is None:
        reason = text(note) if note else "no analysis was given"
        return (
            '<div class="cjm-highlights cjm-no-figures"><div class="cjm-stat-k">Highlights</div>'
            f"<p>No analysis figures: {reason}.</p></div>"
        )
    conversion = report.conversion
    detail = "of entering customers reach a goal"
    if conversion.customers is not None and conversion.entering:
        detail += f" · ≈ {_count(conversion.customers)} of {_count(conversion.entering)} customers"
    stats = [_stat("conversion", "Conversion", percent(conversion.probability), detail)]
    worst = report.node(report.bottlenecks[0]) if report.bottlenecks else None
    if worst is not None:
        stage = next((s.label for s in journey.stages if s.id == worst.stage), None)
        where = f" · {text(stage)}" if stage else ""
        stats.append(
            _stat(
                "drop",
                "Biggest drop-off",
                text(worst.label),
                f"{percent(worst.lost_conversion)} of customers are lost here{where}",
            )
        )
    else:
        stats.append(_stat("drop", "Biggest drop-off", "None", "no touchpoint loses customers"))
    moments = [n.label for m in report.moments if (n := report.node(m))]
    if moments:
        listed = "".join(f"<li>{text(label)}</li>" for label in moments)
        stats.append(
            _stat(
                "moments",
                "Moments of truth",
                str(len(moments)),
                f'every converting customer passes <ul class="cjm-stat-list">{listed}</ul>',
            )
        )
    else:
        stats.append(
            _stat(
                "moments", "Moments of truth", "None", "no touchpoint lies on every converting path"
            )
        )
    if conversion.time:  # zero when the journey writes no durations (`after`)
        steps = f" · {conversion.steps:.1f} touchpoints" if conversion.steps is not None else ""
        stats.append(
            _stat(
                "time",
                "Time to convert",
                _duration(conversion.time),
                f"expected, for customers who convert{steps}",
            )
        )
    low = report.emotion.lowest
    if low and low[0].score is not None:
        names = ", ".join(text(p.label) for p in low[:2])
        stats.append(
            _stat("low", "Emotional low", map_curve.score_text(low[0].score), f"at {names}")
        )
    notes = "".join(f"<li>{text(n)}</li>" for n in report.notes)
    notes_html = f'<ul class="cjm-notes">{notes}</ul>' if notes else ""
    tiles = "\n".join(stats)
    return f'<div class="cjm-highlights">\n{tiles}{notes_html}</div>'


def _legend(
    journey: model.Journey,
    groups: Sequence[map_table.Group],
    persona: str | None,
    *,
    before: bool = False,
) -> str:
    used = {node.channel for g in groups for node in g.columns if node is not None}
    used |= {node.channel for g in groups for node in g.outcomes}
    chips = "".join(map_table.channel_chip(journey, c.id) for c in journey.channels if c.id in used)
    scale = "".join(
        f'<span class="cjm-scale cjm-e-{map_curve.step(s)}">{map_curve.score_text(s)}</span>'
        for s in (-2, -1, 0, 1, 2)
    )
    parts = []
    if chips:
        parts.append(
            f'<div class="cjm-legend-part"><span class="cjm-mini">Channels</span>{chips}</div>'
        )
    parts.append(
        f'<div class="cjm-legend-part"><span class="cjm-mini">Emotion</span>{scale}</div>'
        '<div class="cjm-legend-part cjm-legend-marks"><span>▶ entry</span>'
        "<span>★ every converting customer passes</span><span>▼ customers lost here</span>"
        "<span>✓ goal</span><span>✕ exit</span>"
        + ("<span>- - - emotion of the as-is</span>" if before else "")
        + "</div>"
    )
    figures = "Shares are of all customers who enter"
    if persona is not None:
        figures += ", for this persona"
    parts.append(f'<div class="cjm-legend-part cjm-made">{figures} · made with cjdsl</div>')
    return f'<div class="cjm-legend">{"".join(parts)}</div>'


def fragment(
    journey: model.Journey,
    report: reports.Report | None = None,
    *,
    findings: Findings,
    persona: str | None = None,
    theme: str = "light",
    prefix: str | None = None,
    classes: Sequence[str] = (),
    label: str | None = None,
    note: str | None = None,
    before: Mapping[str, float] | None = None,
) -> str:
    """The map as one ``<section>`` to put into a page; style it with ``map_style.CSS``.

    Args:
        journey: the checked journey.
        report: ``analysis.analyze(journey, persona=persona)`` for the highlights and
            figures; ``None`` leaves them out and says why (``note``).
        findings: the checks' (``cjdsl.views.findings``): which links may be drawn.
        persona: show only what this persona meets, and this persona's card.
        theme: one of ``THEMES``.
        prefix: an id unique on the page (default: from the journey and the view).
        classes: extra classes on the section (trusted: CSS class names).
        label: what assistive technology announces (default: ``Journey map: <title>``).
        note: why there is no report, shown in place of the highlights.
        before: the as-is emotion by node id (a scenario's map): a dashed curve beneath.

    Raises:
        ValueError: an unknown persona or theme, or a report of another persona.
    """
    if theme not in THEMES:
        raise ValueError(f"unknown theme `{theme}` (choose from {', '.join(THEMES)})")
    chosen = personas.choose(journey, persona)
    if report is not None and report.persona != persona:
        raise ValueError(f"the report is for persona `{report.persona}`, the map for `{persona}`")
    prefix = prefix or dot.id_prefix(journey, persona=persona, theme=theme) + "-map"
    groups = map_table.stage_groups(journey, persona)
    who = f" · {text(chosen.label)}" if chosen else " · all personas"
    head = [
        f'<div class="cjm-kicker">Customer journey map<span class="cjm-who">{who}</span></div>',
        f'<div class="cjm-title" role="heading" aria-level="2">{text(journey.title)}</div>',
    ]
    if journey.description:
        head.append(f'<div class="cjm-desc">{text(journey.description.strip())}</div>')
    if journey.owner:
        head.append(f'<div class="cjm-owner"><span>Owner</span> {text(journey.owner)}</div>')
    shown = (chosen,) if chosen else journey.personas
    cards = "\n".join(_persona_card(journey, p, chosen=chosen is not None) for p in shown)
    people = f'<div class="cjm-personas">{cards}</div>' if cards else ""
    kind = " cjm-one" if chosen else ""
    top = f'<div class="cjm-top{kind}">{people}{_highlights(journey, report, note)}</div>'
    names = " ".join(["cjdsl-map", f"cjm-{theme}", *classes])
    columns = sum(len(g.columns) for g in groups)
    return (
        f'<section class="{names}" id="{prefix}" style="--cjm-n:{columns}" aria-label="'
        f'{text(label or "Journey map: " + journey.title)}">\n'
        f'<header class="cjm-head">{"".join(head)}</header>\n{top}\n'
        f"{map_table.table(journey, groups, report, persona, prefix, findings, before)}\n"
        f"{_legend(journey, groups, persona, before=before is not None)}\n</section>\n"
    )


def document(
    journey: model.Journey,
    report: reports.Report | None = None,
    *,
    findings: Findings,
    persona: str | None = None,
    theme: str = "light",
    note: str | None = None,
    before: Mapping[str, float] | None = None,
) -> str:
    """The map as a self-contained HTML page: styles inline, nothing loaded from anywhere.

    A Content-Security-Policy forbids every request, so even a browser that
    wanted to fetch something for the page (a font, an image) would not.

    Raises:
        ValueError: as ``fragment``.
    """
    body = fragment(
        journey, report, findings=findings, persona=persona, theme=theme, note=note, before=before
    )
    chosen = journey.persona(persona) if persona else None
    title = journey.title + (f" · {chosen.label}" if chosen else "") + " · journey map"
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="cjdsl">\n'
        f"<title>{text(title)}</title>\n"
        f"<style>\n{map_style.PAGE_CSS}{map_style.CSS}</style>\n</head>\n"
        f'<body class="cjm-page cjm-page-{theme}">\n{body}</body>\n</html>\n'
    )
