"""The journey map's grid: a column per touchpoint under its stage, a row per aspect.

Rows: the touchpoint card (channel, entry, moment of truth, drop-off, reach),
the emotion curve (``map_curve``), actions, motivations, questions, pains,
opportunities, KPIs with owner, and each stage's goals and exits. A stage a
persona does not meet keeps one column with a note, so the stages stay in
place; rows nobody filled in are left out. Every text from the journey
passes through ``text``; a ``link`` becomes an ``href`` only for the touchpoints
the checks' ``Findings`` list as safe.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final

from .. import i18n, model
from . import map_curve, map_lanes, map_style
from .findings import Findings
from .map_curve import text

if TYPE_CHECKING:  # the map shows a report it is given; it analyses nothing
    from ..analysis import report as reports

__all__ = [
    "LOSSES_MARKED",
    "Group",
    "channel_chip",
    "items",
    "percent",
    "stage_groups",
    "table",
]

LOSSES_MARKED: Final = 3
"""How many touchpoints, those losing the most customers, carry a drop-off badge."""
# (model field, row title, hint, marker): the classic rows of a customer journey map.
_LANES: Final = (
    ("actions", i18n.N_("Actions"), i18n.N_("what the customer does"), "▸"),
    ("motivations", i18n.N_("Motivations"), i18n.N_("why they do it"), "♥"),
    ("questions", i18n.N_("Questions"), i18n.N_("what they ask themselves"), "?"),
    ("pains", i18n.N_("Pains"), i18n.N_("what gets in the way"), "!"),
    ("opportunities", i18n.N_("Opportunities"), i18n.N_("what we can do better"), "+"),
)
_CHANNEL_KINDS: Final = {"online": i18n.N_("online"), "offline": i18n.N_("offline")}
_EN: Final = i18n.locale()


def percent(p: float, t: i18n.Locale = _EN) -> str:
    """A share of customers as shown on the map: a place below 10 %, none above.

    >>> [percent(p) for p in (0, 0.0004, 0.0162, 0.4567, 1)]
    ['0%', '<0.1%', '1.6%', '46%', '100%']
    >>> percent(0.0162, i18n.locale("de"))
    '1,6\xa0%'
    """
    value = p * 100
    if value <= 0:
        return t.percent(0)
    if value < 0.05:
        return "<" + t.percent(0.001)
    return t.percent(p, places=1 if value < 9.95 else 0)


@dataclasses.dataclass(frozen=True, slots=True)
class Group:
    """A stage as the map shows it: its columns (``None``: a placeholder) and its outcomes."""

    stage: model.Stage | None
    columns: tuple[model.Touchpoint | None, ...]
    outcomes: tuple[model.Touchpoint, ...]


def stage_groups(journey: model.Journey, persona: str | None) -> tuple[Group, ...]:
    """Stages in declaration order, then what no stage holds; each with at least one column."""
    visible = [t for t in journey.touchpoints if t.applies_to(persona)]
    staged = {s.id for s in journey.stages}
    out = []
    for stage in (*journey.stages, None):
        members = [
            t
            for t in visible
            if (t.stage == stage.id if stage else t.stage is None or t.stage not in staged)
        ]
        points = tuple(t for t in members if t.kind is model.NodeKind.TOUCHPOINT)
        outcomes = tuple(t for t in members if t.kind is not model.NodeKind.TOUCHPOINT)
        if stage is None and not members:
            continue
        out.append(Group(stage, points or (None,), outcomes))
    return tuple(out)


@dataclasses.dataclass(frozen=True, slots=True)
class _Figures:
    """What the analysis says about single touchpoints, stages and goals (empty without one)."""

    report: reports.Report | None

    def node(self, id_: str) -> reports.Node | None:
        return self.report.node(id_) if self.report else None

    def stage(self, id_: str) -> reports.Stage | None:
        if self.report is None:
            return None
        return next((s for s in self.report.stages if s.id == id_), None)

    def by_persona(self, journey: model.Journey, id_: str, t: i18n.Locale = _EN) -> str | None:
        """``Gisela 20.0% · Jonas 1%``: each persona's reach of a node, for everyone, where
        the personas who meet it differ (or not all meet it); ``None`` where alike."""
        if self.report is None or not self.report.segments:
            return None
        shown = [
            (_short(persona), percent(reach, t))
            for persona_id, reach in self.report.reach_by_persona(id_)
            if (persona := journey.persona(persona_id)) is not None
        ]
        if not shown or (
            len(shown) == len(self.report.segments) and len({p for _, p in shown}) == 1
        ):
            return None
        return " · ".join(f"{name} {figure}" for name, figure in shown)

    @property
    def moments(self) -> frozenset[str]:
        return self.report.moment_set if self.report else frozenset()

    @property
    def losses(self) -> dict[str, float]:
        if self.report is None:
            return {}
        top = self.report.bottlenecks[:LOSSES_MARKED]
        return {n: node.lost_conversion for n in top if (node := self.report.node(n))}


def _short(persona: model.Persona) -> str:
    """A persona's name for chips: its label up to the first comma (``Anna, 36`` → ``Anna``)."""
    return persona.label.split(",", 1)[0].strip() or persona.id


def channel_chip(journey: model.Journey, channel_id: str | None, t: i18n.Locale = _EN) -> str:
    channel = journey.channel(channel_id) if channel_id else None
    if channel is None:
        return ""
    index = journey.channels.index(channel) % map_style.CHANNEL_COLOURS
    kind = t._(_CHANNEL_KINDS.get(channel.kind, channel.kind)) if channel.kind else ""
    title = channel.label + (f" ({kind})" if kind else "")
    return (
        f'<span class="cjm-chip cjm-ch-{index}" title="{text(title)}">'
        f'<span class="cjm-dot" aria-hidden="true"></span>'
        f'<span class="cjm-chip-text">{text(channel.label)}</span></span>'
    )


def _label(node: model.Touchpoint, findings: Findings) -> str:
    label = text(node.label)
    if node.link and node.id in findings.links:
        return f'<a class="cjm-link" href="{text(node.link.strip())}">{label}</a>'
    return label


def _persona_chips(journey: model.Journey, node: model.Touchpoint, t: i18n.Locale) -> str:
    chips = []
    for id_ in node.personas:
        persona = journey.persona(id_)
        if persona is None:
            continue
        index = journey.personas.index(persona) % map_style.PERSONA_COLOURS
        chips.append(
            f'<span class="cjm-pchip cjm-p-{index}" title="{text(persona.label)}">'
            f"{text(_short(persona))}</span>"
        )
    if not chips:
        return ""
    return (
        '<div class="cjm-for">' + t._("for {personas}").format(personas=" ".join(chips)) + "</div>"
    )


def _card(
    journey: model.Journey,
    node: model.Touchpoint,
    figures: _Figures,
    findings: Findings,
    persona: str | None,
    t: i18n.Locale,
) -> str:
    top = [channel_chip(journey, node.channel, t)]
    if node.entry:
        start, entry = text(t._("customers start here")), text(t._("Entry"))
        top.append(f'<span class="cjm-entry" title="{start}">▶ {entry}</span>')
    badges = []
    if node.id in figures.moments:
        every, moment = text(t._("every converting customer passes here")), t._("Moment of truth")
        badges.append(f'<span class="cjm-badge cjm-moment" title="{every}">★ {text(moment)}</span>')
    lost = figures.losses.get(node.id)
    if lost is not None:
        why = text(t._("customers whose journey ends here without converting"))
        here = t._("{share} lost here").format(share=percent(lost, t))
        badges.append(f'<span class="cjm-badge cjm-loss" title="{why}">▼ {text(here)}</span>')
    parts = [
        f'<div class="cjm-card-top">{"".join(top)}</div>',
        f'<div class="cjm-tp">{_label(node, findings)}</div>',
    ]
    if node.description:
        parts.append(f'<div class="cjm-tp-desc">{text(node.description)}</div>')
    if badges:
        parts.append(f'<div class="cjm-badges">{"".join(badges)}</div>')
    figure = figures.node(node.id)
    if figure is not None:
        width = f"{min(1.0, max(0.0, figure.reach)) * 100:.1f}"
        reached = t._("reached by {share}").format(share=percent(figure.reach, t))
        parts.append(
            f'<div class="cjm-reach">{text(reached)}'
            f'<span class="cjm-meter" aria-hidden="true"><span style="width:{width}%"></span>'
            "</span></div>"
        )
    split = figures.by_persona(journey, node.id, t)
    if split:
        parts.append(f'<div class="cjm-reach-by">{text(split)}</div>')
    if persona is None:
        parts.append(_persona_chips(journey, node, t))
    if node.tags:
        tags = "".join(f'<span class="cjm-tag">#{text(tag)}</span>' for tag in node.tags)
        named = text(t._("Tags"))
        parts.append(f'<div class="cjm-tags" aria-label="{named}">{tags}</div>')
    return f'<div class="cjm-card">{"".join(parts)}</div>'


def items(values: Iterable[str], marker: str) -> str:
    items = "".join(
        f'<li><span class="cjm-mark" aria-hidden="true">{marker}</span>{text(v)}</li>'
        for v in values
    )
    return f'<ul class="cjm-items">{items}</ul>' if items else ""


def _kpis(node: model.Touchpoint, t: i18n.Locale) -> str:
    chips = [
        f'<span class="cjm-kpi"><span class="cjm-kpi-name">{text(k.name)}</span> '
        f'<span class="cjm-kpi-value">{text(str(k.value))}</span></span>'
        for k in node.kpis
    ]
    if node.cost is not None:
        cost = text(t._("cost"))
        chips.append(
            f'<span class="cjm-kpi cjm-cost"><span class="cjm-kpi-name">{cost}</span> '
            f'<span class="cjm-kpi-value">{text(str(node.cost))}</span></span>'
        )
    out = f'<div class="cjm-kpis">{"".join(chips)}</div>' if chips else ""
    if node.owner:
        owner = text(t._("Owner"))
        out += f'<div class="cjm-owner-of"><span>{owner}</span> {text(node.owner)}</div>'
    return out


def _lane_head(key: str, title: str, hint: str) -> str:
    """A row's head: its (translated) title and hint, escaped here."""
    return (
        f'<th scope="row" class="cjm-lane cjm-lane-{key}"><span class="cjm-lane-name">'
        f'{text(title)}</span><span class="cjm-lane-hint">{text(hint)}</span></th>'
    )


def _cells(groups: Sequence[Group], render: Callable[[model.Touchpoint], str]) -> str:
    """One ``<td>`` per column; the first column of each stage carries the stage's rule."""
    out = []
    for group in groups:
        for index, node in enumerate(group.columns):
            first = " cjm-first" if index == 0 else ""
            body = "" if node is None else render(node)
            out.append(f'<td class="cjm-cell{first}">{body}</td>')
    return "\n".join(out)


def _stage_head(number: int, group: Group, figures: _Figures, t: i18n.Locale) -> str:
    stage = group.stage
    span = len(group.columns)
    if stage is None:
        name, description, figs = t._("Outside any stage"), None, None
    else:
        name, description, figs = stage.label, stage.description, figures.stage(stage.id)
    parts = [
        f'<span class="cjm-stage-no">{number:02d}</span>',
        f'<span class="cjm-stage-name">{text(name)}</span>',
    ]
    if description:
        parts.append(f'<span class="cjm-stage-desc">{text(description)}</span>')
    if figs is not None:
        shown = t._("reached by {share}").format(share=percent(figs.reach, t))
        if figs.lost_conversion > 0:
            shown += " · " + t._("{share} lost").format(share=percent(figs.lost_conversion, t))
        parts.append(f'<span class="cjm-stage-figs">{text(shown)}</span>')
    return (
        f'<th scope="colgroup" colspan="{span}" class="cjm-stage">'
        f'<div class="cjm-stage-in">{"".join(parts)}</div></th>'
    )


def _outcome(
    journey: model.Journey,
    node: model.Touchpoint,
    figures: _Figures,
    findings: Findings,
    report: reports.Report | None,
    t: i18n.Locale,
) -> str:
    goal = node.kind is model.NodeKind.GOAL
    figure = ""
    if goal and report is not None and (g := report.goal(node.id)) is not None:
        split = figures.by_persona(journey, node.id, t)
        each = f" ({text(split)})" if split else ""
        reached = text(t._("reached by {share}").format(share=percent(g.conversion, t)))
        figure = f' <span class="cjm-out-fig">{reached}{each}</span>'
    elif not goal and (n := figures.node(node.id)) is not None:
        end = text(t._("{share} end here").format(share=percent(n.reach, t)))
        figure = f' <span class="cjm-out-fig">{end}</span>'
    kind, mark = ("goal", "✓") if goal else ("exit", "✕")
    return (
        f'<li class="cjm-out cjm-{kind}"><span class="cjm-out-mark" aria-hidden="true">{mark}'
        f'</span><span class="cjm-out-text">{_label(node, findings)}{figure}</span></li>'
    )


def table(
    journey: model.Journey,
    groups: Sequence[Group],
    report: reports.Report | None,
    persona: str | None,
    prefix: str,
    findings: Findings,
    before: Mapping[str, float] | None = None,
    t: i18n.Locale = _EN,
) -> str:
    """The grid of ``groups`` (``stage_groups``), with ``report``'s figures and the links
    ``findings`` lists, its words and figures in ``t``'s language; ``before``: the as-is
    emotion by node id, a dashed curve."""
    figures = _Figures(report)

    def card(node: model.Touchpoint) -> str:
        return _card(journey, node, figures, findings, persona, t)

    def kpis(node: model.Touchpoint) -> str:
        return _kpis(node, t)

    columns = [node for group in groups for node in group.columns]
    n = len(columns)
    heads = "\n".join(_stage_head(i, g, figures, t) for i, g in enumerate(groups, start=1))
    rows = [
        '<tr class="cjm-row cjm-row-touchpoints">'
        + _lane_head("touchpoints", t._("Touchpoints"), t._("where it happens"))
        + "\n"
        + "\n".join(_touchpoint_cells(group, card, persona, t) for group in groups)
        + "</tr>"
    ]
    boundaries, seen = [], 0
    for group in groups:
        boundaries.append(seen)
        seen += len(group.columns)
    points = [
        map_curve.Point(
            node.label if node else "",
            node.emotion.score if node and node.emotion else None,
            node.emotion.word if node and node.emotion else None,
        )
        for node in columns
    ]
    was = [before.get(node.id) if before and node else None for node in columns]
    curve = map_curve.svg(points, boundaries, prefix=prefix, before=was, label=t._("Emotion curve"))
    if curve:
        rows.append(
            '<tr class="cjm-row cjm-row-emotion">'
            + _lane_head("emotion", t._("Emotion"), t._("how it feels, −2 to +2"))
            + f'<td class="cjm-curve" colspan="{n}">{curve}</td></tr>'
        )
    rows += map_lanes.rows(
        journey, columns, head=_lane_head, cells=lambda render: _cells(groups, render), t=t
    )
    for field, title, hint, marker in _LANES:
        if not any(node is not None and getattr(node, field) for node in columns):
            continue

        def lane(node: model.Touchpoint, field: str = field, marker: str = marker) -> str:
            values: tuple[str, ...] = getattr(node, field)
            return items(values, marker)

        rows.append(
            f'<tr class="cjm-row cjm-row-{field}">'
            + _lane_head(field, t._(title), t._(hint))
            + "\n"
            + _cells(groups, lane)
            + "</tr>"
        )
    if any(node is not None and (node.kpis or node.cost or node.owner) for node in columns):
        rows.append(
            '<tr class="cjm-row cjm-row-kpis">'
            + _lane_head("kpis", t._("KPIs & owner"), t._("how we measure it"))
            + _cells(groups, kpis)
            + "</tr>"
        )
    if any(group.outcomes for group in groups):
        cells = "\n".join(
            f'<td class="cjm-cell cjm-first" colspan="{len(g.columns)}">'
            + (
                '<ul class="cjm-outcomes">'
                + "".join(_outcome(journey, o, figures, findings, report, t) for o in g.outcomes)
                + "</ul>"
                if g.outcomes
                else ""
            )
            + "</td>"
            for g in groups
        )
        rows.append(
            '<tr class="cjm-row cjm-row-outcomes">'
            + _lane_head("outcomes", t._("Goals & exits"), t._("where journeys end"))
            + cells
            + "</tr>"
        )
    body = "\n".join(rows)
    corner = text(t._("Stage"))
    return (
        f'<div class="cjm-scroll"><table class="cjm-grid">'
        f'<colgroup><col class="cjm-col-lane"><col span="{n}" class="cjm-col-tp"></colgroup>'
        f'<thead><tr><th scope="col" class="cjm-corner">{corner}</th>\n'
        f"{heads}</tr></thead>\n"
        f"<tbody>\n{body}\n</tbody></table></div>"
    )


def _touchpoint_cells(
    group: Group, render: Callable[[model.Touchpoint], str], persona: str | None, t: i18n.Locale
) -> str:
    """The touchpoint cards of one stage, or a note where the stage has none to show."""
    out = []
    for index, node in enumerate(group.columns):
        first = " cjm-first" if index == 0 else ""
        if node is None:
            if persona:
                nobody = t._("No touchpoint for this persona")
            else:
                nobody = t._("No touchpoint in this stage")
            out.append(f'<td class="cjm-cell cjm-empty{first}"><span>{text(nobody)}</span></td>')
        else:
            out.append(f'<td class="cjm-cell{first}">{render(node)}</td>')
    return "\n".join(out)
