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

from .. import i18n, model, personas
from . import dot, map_curve, map_style, map_table, options
from .findings import Findings
from .map_curve import text
from .map_table import percent

if TYPE_CHECKING:
    from ..analysis import report as reports

__all__ = ["THEMES", "document", "fragment", "percent"]

THEMES: Final = (*options.THEMES, options.AUTO)
"""``auto`` follows the colour scheme of the page the fragment sits in (``map_style``)."""


def _initial(persona: model.Persona) -> str:
    return next((c.upper() for c in persona.label if c.isalpha()), "?")


def _persona_card(
    journey: model.Journey, persona: model.Persona, t: i18n.Locale, *, chosen: bool
) -> str:
    index = journey.personas.index(persona) % map_style.PERSONA_COLOURS
    parts = [f'<div class="cjm-persona-name">{text(persona.label)}</div>']
    if persona.description:
        parts.append(f'<div class="cjm-persona-desc">{text(persona.description)}</div>')
    for title, values, marker in (
        (t._("Goals"), persona.goals, "◎"),
        (t._("Pains"), persona.pains, "!"),
    ):
        if values:
            parts.append(
                f'<div class="cjm-persona-list"><span class="cjm-mini">{text(title)}</span>'
                f"{map_table.items(values, marker)}</div>"
            )
    kind = " cjm-chosen" if chosen else ""
    return (
        f'<div class="cjm-persona cjm-p-{index}{kind}">'
        f'<div class="cjm-avatar" aria-hidden="true">{text(_initial(persona))}</div>'
        f'<div class="cjm-persona-body">{"".join(parts)}</div></div>'
    )


def _stat(key: str, title: str, value: str, detail: str) -> str:
    """A highlight tile: ``title`` (plain text, escaped here), ``value`` and ``detail`` (HTML)."""
    return (
        f'<div class="cjm-stat cjm-stat-{key}"><div class="cjm-stat-k">{text(title)}</div>'
        f'<div class="cjm-stat-v">{value}</div><div class="cjm-stat-s">{detail}</div></div>'
    )


def _highlights(
    journey: model.Journey, report: reports.Report | None, note: str | None, t: i18n.Locale
) -> str:
    if report is None:
        reason = text(note) if note else text(t._("no analysis was given"))
        none = t._("No analysis figures: {reason}.").format(reason=reason)
        title = text(t._("Highlights"))
        return (
            '<div class="cjm-highlights cjm-no-figures"><div class="cjm-stat-k">'
            f"{title}</div><p>{none}</p></div>"
        )
    conversion = report.conversion
    detail = t._("of entering customers reach a goal")
    if conversion.customers is not None and conversion.entering:
        detail += " · ≈ " + t._("{converting} of {entering} customers").format(
            converting=t.number(conversion.customers), entering=t.number(conversion.entering)
        )
    share = map_table.percent(conversion.probability, t)
    stats = [_stat("conversion", t._("Conversion"), share, text(detail))]
    worst = report.node(report.bottlenecks[0]) if report.bottlenecks else None
    drop = t._("Biggest drop-off")
    if worst is not None:
        stage = next((s.label for s in journey.stages if s.id == worst.stage), None)
        lost = t._("{share} of customers are lost here").format(
            share=map_table.percent(worst.lost_conversion, t)
        )
        where = f" · {stage}" if stage else ""
        stats.append(_stat("drop", drop, text(worst.label), text(lost + where)))
    else:
        none = text(t._("no touchpoint loses customers"))
        stats.append(_stat("drop", drop, text(t._("None")), none))
    moments = [n.label for m in report.moments if (n := report.node(m))]
    truth = t._("Moments of truth")
    if moments:
        listed = "".join(f"<li>{text(label)}</li>" for label in moments)
        every = text(t._("every converting customer passes"))
        stats.append(
            _stat(
                "moments",
                truth,
                str(len(moments)),
                f'{every} <ul class="cjm-stat-list">{listed}</ul>',
            )
        )
    else:
        nothing = text(t._("no touchpoint lies on every converting path"))
        stats.append(_stat("moments", truth, text(t._("None")), nothing))
    if report.sensitivities:  # what to fix first: the transition a point buys most on
        best = report.sensitivities[0]
        ends = [(n.label if (n := report.node(i)) else i) for i in (best.source, best.target)]
        adds = t._("+1 pp here adds {effect} pp conversion (now {probability})").format(
            effect=t.number(best.effect, 2), probability=map_table.percent(best.probability, t)
        )
        stats.append(_stat("fix", t._("What to fix first"), text(" → ".join(ends)), text(adds)))
    churn = report.churn
    if churn is not None and churn.rate is not None:  # exits with `loss churn`
        detail = t._("of customers who reach a goal leave at a churn exit")
        if churn.win_back is not None:
            detail += " · " + t._("{share} won back after a cancellation request").format(
                share=map_table.percent(churn.win_back, t)
            )
        rate = map_table.percent(churn.rate, t)
        stats.append(_stat("churn", t._("Churn"), rate, text(detail)))
    if conversion.time:  # zero when the journey writes no durations (`after`)
        detail = t._("expected, for customers who convert")
        if conversion.steps is not None:
            detail += " · " + t._("{steps} touchpoints").format(steps=t.number(conversion.steps, 1))
        stats.append(
            _stat("time", t._("Time to convert"), text(t.duration(conversion.time)), text(detail))
        )
    low = report.emotion.lowest
    if low and low[0].score is not None:
        names = ", ".join(p.label for p in low[:2])
        at = text(t._("at {touchpoints}").format(touchpoints=names))
        stats.append(_stat("low", t._("Emotional low"), map_curve.score_text(low[0].score), at))
    notes = "".join(f"<li>{text(n)}</li>" for n in report.notes)
    notes_html = f'<ul class="cjm-notes">{notes}</ul>' if notes else ""
    tiles = "\n".join(stats)
    return f'<div class="cjm-highlights">\n{tiles}{notes_html}</div>'


def _legend(
    journey: model.Journey,
    groups: Sequence[map_table.Group],
    persona: str | None,
    t: i18n.Locale,
    *,
    before: bool = False,
) -> str:
    used = {node.channel for g in groups for node in g.columns if node is not None}
    used |= {node.channel for g in groups for node in g.outcomes}
    chips = "".join(
        map_table.channel_chip(journey, c.id, t) for c in journey.channels if c.id in used
    )
    scale = "".join(
        f'<span class="cjm-scale cjm-e-{map_curve.step(s)}">{map_curve.score_text(s)}</span>'
        for s in (-2, -1, 0, 1, 2)
    )
    parts = []
    if chips:
        channels = text(t._("Channels"))
        parts.append(
            f'<div class="cjm-legend-part"><span class="cjm-mini">{channels}</span>{chips}</div>'
        )
    marks = [
        "▶ " + t._("entry"),
        "★ " + t._("every converting customer passes"),
        "▼ " + t._("customers lost here"),
        "✓ " + t._("goal"),
        "✕ " + t._("exit"),
    ]
    if before:
        marks.append("- - - " + t._("emotion of the as-is"))
    emotion = text(t._("Emotion"))
    parts.append(
        f'<div class="cjm-legend-part"><span class="cjm-mini">{emotion}</span>{scale}</div>'
        '<div class="cjm-legend-part cjm-legend-marks">'
        + "".join(f"<span>{text(mark)}</span>" for mark in marks)
        + "</div>"
    )
    if persona is None:
        figures = t._("Shares are of all customers who enter")
    else:
        figures = t._("Shares are of all customers who enter, for this persona")
    made = text(figures + " · " + t._("made with cjdsl"))
    parts.append(f'<div class="cjm-legend-part cjm-made">{made}</div>')
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
    lang: str | None = None,
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
        lang: the language of the map's own words and figures (``i18n.LANGS``; ``None``:
            the journey's ``lang``, else English).

    Raises:
        ValueError: an unknown persona or theme, or a report of another persona.
    """
    if theme not in THEMES:
        raise ValueError(f"unknown theme `{theme}` (choose from {', '.join(THEMES)})")
    chosen = personas.choose(journey, persona)
    if report is not None and report.persona != persona:
        raise ValueError(f"the report is for persona `{report.persona}`, the map for `{persona}`")
    t = i18n.locale(lang or journey.lang)
    prefix = prefix or dot.id_prefix(journey, persona=persona, theme=theme, lang=lang) + "-map"
    groups = map_table.stage_groups(journey, persona)
    who = " · " + text(chosen.label if chosen else t._("all personas"))
    kicker = text(t._("Customer journey map"))
    head = [
        f'<div class="cjm-kicker">{kicker}<span class="cjm-who">{who}</span></div>',
        f'<div class="cjm-title" role="heading" aria-level="2">{text(journey.title)}</div>',
    ]
    if journey.description:
        head.append(f'<div class="cjm-desc">{text(journey.description.strip())}</div>')
    if journey.owner:
        owner = text(t._("Owner"))
        head.append(f'<div class="cjm-owner"><span>{owner}</span> {text(journey.owner)}</div>')
    shown = (chosen,) if chosen else journey.personas
    cards = "\n".join(_persona_card(journey, p, t, chosen=chosen is not None) for p in shown)
    people = f'<div class="cjm-personas">{cards}</div>' if cards else ""
    kind = " cjm-one" if chosen else ""
    top = f'<div class="cjm-top{kind}">{people}{_highlights(journey, report, note, t)}</div>'
    names = " ".join(["cjdsl-map", f"cjm-{theme}", *classes])
    columns = sum(len(g.columns) for g in groups)
    named = label or t._("Journey map: {title}").format(title=journey.title)
    return (
        f'<section class="{names}" id="{prefix}" lang="{t.lang}" style="--cjm-n:{columns}" '
        f'aria-label="{text(named)}">\n'
        f'<header class="cjm-head">{"".join(head)}</header>\n{top}\n'
        f"{map_table.table(journey, groups, report, persona, prefix, findings, before, t)}\n"
        f"{_legend(journey, groups, persona, t, before=before is not None)}\n</section>\n"
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
    lang: str | None = None,
) -> str:
    """The map as a self-contained HTML page: styles inline, nothing loaded from anywhere.

    A Content-Security-Policy forbids every request, so even a browser that
    wanted to fetch something for the page (a font, an image) would not.

    Raises:
        ValueError: as ``fragment``.
    """
    t = i18n.locale(lang or journey.lang)
    body = fragment(
        journey,
        report,
        findings=findings,
        persona=persona,
        theme=theme,
        note=note,
        before=before,
        lang=t.lang,
    )
    chosen = journey.persona(persona) if persona else None
    title = journey.title + (f" · {chosen.label}" if chosen else "") + " · " + t._("journey map")
    return (
        f'<!DOCTYPE html>\n<html lang="{t.lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="cjdsl">\n'
        f"<title>{text(title)}</title>\n"
        f"<style>\n{map_style.PAGE_CSS}{map_style.CSS}</style>\n</head>\n"
        f'<body class="cjm-page cjm-page-{theme}">\n{body}</body>\n</html>\n'
    )
