"""The analysis report as readable terminal tables or as Markdown for a wiki.

Both formats come from one list of sections, so they always show the same
figures: probabilities as percentages of the customers who enter, durations in the two
largest units (``Locale.duration``, as the diagram's captions and the map print them),
customer numbers where entries have ``reach``. With ``by_persona`` the list is the
headline side by side for every persona and everyone. Every word and figure is in the
reader's language (``lang``: the catalog and Babel's number formats); the JSON form
(``report.to_json``) stays language-neutral.

Longer than the ~400-line guideline: the one list of sections both formats render, and
the two renderers; split, a section and its formatting would live apart.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Final

from .. import i18n
from ..i18n import N_
from . import markov, report

__all__ = ["FORMATS", "duration", "markdown", "percent", "text"]

FORMATS: Final = ("text", "markdown", "json")
_ARROW: Final = " → "
_ID: Final = "{id}"
_EN: Final = i18n.locale()
_NODE_KINDS: Final = {
    "touchpoint": N_("touchpoint"),
    "goal": N_("goal"),
    "exit": N_("exit"),
    "decision": N_("decision"),
}
_CHANNEL_KINDS: Final = {"online": N_("online"), "offline": N_("offline")}
_MOVES: Final = {"back": N_("back"), "skip": N_("skip")}
# The figures of a what-if comparison (compare.py names them in English, ids in backticks).
_FIGURES: Final = (
    N_("conversion"),
    N_("converted customers"),
    N_("steps to convert"),
    N_("time to convert"),
    N_("lost"),
    N_("goal {id} reached"),
    N_("goal {id} customers"),
    N_("goal {id} steps"),
    N_("goal {id} time"),
    N_("entry {id} conversion"),
    N_("stage {id} reach"),
    N_("stage {id} journeys end"),
    N_("stage {id} lost"),
    N_("channel {id} share"),
    N_("{id} reach"),
    N_("{id} drop-off"),
    N_("{id} lost"),
)


@dataclasses.dataclass(frozen=True, slots=True)
class _Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: tuple[bool, ...]  # right-aligned (numeric) columns


@dataclasses.dataclass(frozen=True, slots=True)
class _Section:
    title: str
    blocks: tuple[str | _Table, ...]


def percent(p: float | None, t: i18n.Locale = _EN) -> str:
    """``0.4231`` → ``42.3%`` (``42,3 %``); small values keep three significant digits
    (``0.0766%``), shares from 10% one decimal place."""
    if p is None:
        return "–"
    if math.isinf(p):
        return "∞"
    value = abs(p * 100)
    sign = "−" if p < 0 else ""
    if value >= 99.95:
        return sign + t.percent(abs(p), places=0 if abs(value - round(value)) < 0.05 else 1)
    if value >= 10:
        return sign + t.percent(abs(p), places=1)
    if value == 0:
        return t.percent(0)
    if value < 0.0001:
        return sign + "<" + t.percent(0.000001)
    return sign + t.percent(abs(p))


def _change(p: float | None, unit: str, t: i18n.Locale) -> str:
    if p is None:
        return "–"
    if unit == "probability":
        if abs(p) < 5e-7:
            return "±" + t._("{points} pp").format(points="0")
        sign = "+" if p > 0 else "−"
        points = percent(abs(p), t).rstrip("%\xa0 ")
        return sign + t._("{points} pp").format(points=points)
    sign = "+" if p > 0 else "−" if p < 0 else "±"
    return sign + _value(abs(p), unit, t)


def duration(seconds: float | None, t: i18n.Locale = _EN) -> str:
    """Seconds as the two largest units, rounded: ``2mo 3d``, ``10h 50m``, ``45m``, ``0s``
    (``Locale.duration``, the units the diagram's captions and the map print)."""
    return t.duration(seconds)


def _count(x: float | None, t: i18n.Locale) -> str:
    return "–" if x is None else t.count(x)


def _number(x: float | None, t: i18n.Locale, digits: int = 2) -> str:
    return "–" if x is None else ("∞" if math.isinf(x) else t.number(x, digits))


def _significant(x: float, t: i18n.Locale, digits: int = 3) -> str:
    """``x`` to ``digits`` significant digits, trailing zeros dropped (``1.5``, ``1,5``)."""
    if t.lang == i18n.DEFAULT or not math.isfinite(x):
        return f"{x:.{digits}g}"
    import babel.numbers

    shown = float(f"{x:.{digits}g}")
    return babel.numbers.format_decimal(shown, format="#,##0.#########", locale=t.cldr)


def _visits(x: float | None, t: i18n.Locale) -> str:
    return "∞" if x is None else _significant(x, t)


def _money(amount: float | None, currency: str | None, t: i18n.Locale) -> str:
    if amount is None:
        return "–"
    if t.lang == i18n.DEFAULT or not currency:  # English keeps the code after the figure
        return f"{amount:,.2f} {currency or ''}".rstrip()
    return t.money(amount, currency)


def _value(x: float | None, unit: str, t: i18n.Locale) -> str:
    if unit == "probability":
        return percent(x, t)
    if unit == "seconds":
        return duration(x, t)
    if unit == "customers":
        return _count(x, t)
    return _number(x, t, 1)


def _figure(name: str, t: i18n.Locale) -> str:
    """A what-if figure's name (``goal `g` reached``) in the reader's language."""
    head, tick, rest = name.partition("`")
    ident, _, tail = rest.partition("`")
    if not tick:
        return t._(name)
    template = head + _ID + tail
    return t._(template).format(id=f"`{ident}`")


def _path(path: report.Path | None) -> str:
    return "–" if path is None else _ARROW.join(path.nodes)


def _score(score: float, t: i18n.Locale) -> str:
    if score == 0:
        return "0"
    if t.lang == i18n.DEFAULT:
        return f"{score:+g}"
    return ("+" if score > 0 else "−") + _significant(abs(score), t, 6)


def _emotion(point: report.EmotionPoint, t: i18n.Locale) -> str:
    if point.score is None:
        return point.node
    word = f" {point.word}" if point.word else ""
    return f"{point.node} ({_score(point.score, t)}{word})"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int]) -> _Table:
    return _Table(
        tuple(headers),
        tuple(tuple(r) for r in rows),
        tuple(i in right for i in range(len(headers))),
    )


def _headline(r: report.Report, t: i18n.Locale) -> _Section:
    c = r.conversion
    who = t._("persona {id}").format(id=f"`{r.persona}`") if r.persona else t._("everyone")
    if r.weighting == "reach":
        weighting = t._("entries weighted by reach ({customers} customers)")
        weighting = weighting.format(customers=_count(c.entering, t))
    elif r.weighting == "equal":
        weighting = t._("entries weighted equally")
    else:
        weighting = t._("no entry")
    lines = [t._("For {who}; {weighting}.").format(who=who, weighting=weighting)]
    if r.segments:
        parts = ", ".join(f"{s.label.split(',')[0]} {percent(s.share, t)}" for s in r.segments)
        lines.append(
            t._("Everyone is the personas' mixture by their shares: {parts}.").format(parts=parts)
        )
    if r.without:
        removed = ", ".join(f"`{w}`" for w in r.without)
        lines.append(t._("Without {ids}.").format(ids=removed))
    if r.toward is not None:
        toward = t._(
            "Toward {goal}: only reaching it counts as converting; other goals are passed."
        )
        lines.append(toward.format(goal=f"`{r.toward}`"))
    if r.start is not None:
        there = t._("Of the customers who reach {start} ({share} of those who enter), from there.")
        lines.append(there.format(start=f"`{r.start}`", share=percent(r.start_reach or 0.0, t)))
    if r.weighting == "none":  # nobody enters: no conversion and no loss to speak of (F11)
        lines.append(
            t._(
                "Nobody enters: the journey has no start (no `entry` met, and every touchpoint "
                "met has a way in), so nobody converts and nobody is lost."
            )
        )
        return _Section(r.title, tuple(lines))
    customers = ""
    if c.customers is not None:
        customers = " " + t._("({customers} of {entering})").format(
            customers=_count(c.customers, t), entering=_count(c.entering, t)
        )
    conversion = t._("Conversion: {share} of customers reach a goal{customers}.")
    lines.append(conversion.format(share=percent(c.probability, t), customers=customers))
    if c.steps is not None:
        lines.append(
            t._(
                "Converting customers take {steps} steps and {time} on average to their first goal."
            ).format(steps=_number(c.steps, t, 1), time=duration(c.time, t))
        )
    if c.time_median is not None and c.time_p90 is not None:
        spread = t._("Half of them convert within {median}, nine in ten within {p90}.")
        lines.append(spread.format(median=duration(c.time_median, t), p90=duration(c.time_p90, t)))
    lost = t._("Lost without converting: {share}").format(share=percent(c.lost, t))
    if c.stuck > 0:
        lost += t._("; stuck in a loop: {share}").format(share=percent(c.stuck, t))
    lines.append(lost + ".")
    if r.not_computed:
        lines.append(
            t._(
                "Partial: the time limit of {seconds} s ran out before every figure was "
                "done; the rest say “{not_computed}”."
            ).format(seconds=_significant(r.time_limit or 0, t, 6), not_computed=_late(t))
        )
    return _Section(r.title, tuple(lines))


def _late(t: i18n.Locale) -> str:
    """What a figure left out by the time limit says."""
    return t._(report.NOT_COMPUTED)


N_("not computed: time limit")  # report.NOT_COMPUTED, for the catalogs
# The notes of the analysis that name nothing of the journey's, translated where shown; a
# note with figures or ids in it (a loop's bound, a persona's starts) stays as the analysis
# wrote it.
_NOTES: Final = (
    N_("the journey has no goal: nothing counts as converting"),
    N_("no goal can be reached from the entries: the conversion is 0"),
    N_("the journey has no start: no `entry` and no touchpoint without a way in"),
    N_("entries weighted equally: every entry's `reach` is 0"),
    N_("entries weighted equally: none has a `reach`"),
)


def _churn(c: report.Churn, t: i18n.Locale) -> _Section:
    """Churn and retention after the goal, then the touchpoints churners pass most."""
    exits = ", ".join(f"`{e}`" for e in c.exits)
    lines: list[str | _Table] = []
    if c.rate is None:
        lines.append(t._("Nobody reaches a goal, so nobody can churn."))
    else:
        rate = t._("Of the customers who reach a goal, {share} leave at a churn exit ({exits}).")
        lines.append(rate.format(share=percent(c.rate, t), exits=exits))
        if c.lifetime is not None and c.lifetime > 0:
            lifetime = t._("Those who churn stay {time} on average after the goal.")
            lines.append(lifetime.format(time=duration(c.lifetime, t)))
        if c.repurchases:
            again = t._("A converted customer reaches a goal again {count} times on average.")
            lines.append(again.format(count=_number(c.repurchases, t)))
    if c.win_back is not None:
        requests = ", ".join(f"`{q}`" for q in c.requests)
        back = t._(
            "Of those who ask to cancel ({requests}, {share} of customers), {back} reach a goal "
            "again."
        )
        lines.append(
            back.format(
                requests=requests, share=percent(c.request_reach, t), back=percent(c.win_back, t)
            )
        )
    if c.stages:
        rows = [(s.stage, percent(s.rate, t)) for s in c.stages]
        lines.append(_table((t._("stage"), t._("churn")), rows, (1,)))
    if c.touchpoints:
        passed = [
            (n.id, percent(n.reach, t), percent(n.effect, t), percent(n.churns_from, t))
            for n in c.touchpoints
        ]
        headers = (
            t._("touchpoint"),
            t._("reached after the goal"),
            t._("of churners pass it"),
            t._("churn from there"),
        )
        lines.append(_table(headers, passed, (1, 2, 3)))
    return _Section(t._("Churn"), tuple(lines))


def _sections(r: report.Report, t: i18n.Locale = _EN) -> list[_Section]:
    out = [_headline(r, t)]
    if r.differences:
        rows = [
            (
                _figure(d.figure, t),
                _value(d.before, d.unit, t),
                _value(d.after, d.unit, t),
                _change(d.change, d.unit, t),
            )
            for d in r.differences
        ]
        headers: tuple[str, ...] = (t._("figure"), t._("before"), t._("after"), t._("change"))
        out.append(_Section(t._("What changes"), (_table(headers, rows, (1, 2, 3)),)))
    goal_ids = [g.id for g in r.goals]
    entries = [
        (
            e.id,
            percent(e.weight, t),
            _count(e.reach, t),
            percent(e.conversion, t),
            _count(e.customers, t),
            *tuple(percent(s.conversion, t) for s in e.goals),
        )
        for e in r.entries
    ]
    headers = (
        t._("entry"),
        t._("share"),
        t._("reach"),
        t._("converts"),
        t._("customers"),
        *goal_ids,
    )
    out.append(_Section(t._("Entries"), (_table(headers, entries, range(1, len(headers))),)))
    goals = [
        (
            g.id,
            percent(g.conversion, t),
            percent(g.first, t),
            _count(g.customers, t),
            _number(g.steps, t, 1),
            duration(g.time, t),
        )
        for g in r.goals
    ]
    headers = (
        t._("goal"),
        t._("reached"),
        t._("first goal"),
        t._("customers"),
        t._("steps"),
        t._("time"),
    )
    out.append(_Section(t._("Goals"), (_table(headers, goals, range(1, 6)),)))
    stages = [
        (
            s.id,
            percent(s.reach, t),
            percent(markov.ratio(s.reach, r.stages[i - 1].reach) if i else None, t),
            percent(s.drop_off, t),
            percent(s.ends_rate, t),
            percent(s.lost_conversion, t),
        )
        for i, s in enumerate(r.stages)
    ]
    headers = (
        t._("stage"),
        t._("reached"),
        t._("of the stage before"),
        t._("journeys end"),
        t._("end here of those reached"),
        t._("lost before converting"),
    )
    out.append(_Section(t._("Funnel"), (_table(headers, stages, range(1, 6)),)))
    removed = " " + t._("(removed)")
    nodes = [
        (
            n.id + (removed if n.removed else ""),
            t._(_NODE_KINDS.get(n.kind, n.kind)),
            n.stage or "",
            n.channel or "",
            percent(n.reach, t),
            _visits(n.visits, t),
            percent(n.drop_off, t),
            percent(n.lost_conversion, t),
            percent(n.removal_effect, t),
            percent(n.share, t),
            percent(n.ends_rate, t),
            percent(n.converts_from, t),
        )
        for n in r.nodes
    ]
    headers = (
        t._("node"),
        t._("kind"),
        t._("stage"),
        t._("channel"),
        t._("reached"),
        t._("visits"),
        t._("journeys end"),
        t._("lost"),
        t._("removal effect"),
        t._("share"),
        t._("end here of those reached"),
        t._("converts from here"),
    )
    out.append(_Section(t._("Touchpoints"), (_table(headers, nodes, range(4, 12)),)))
    if r.churn is not None:
        out.append(_churn(r.churn, t))
    out.append(_paths(r, t))
    out.append(_attribution(r, t))
    if r.costs is not None:
        out.append(_costs(r, r.costs, t))
    if r.sensitivities:
        out.append(_fix_first(r, t))
    out.append(_emotions(r, t))
    out.append(_order(r, t))
    if r.notes:
        notes = tuple("- " + (t._(note) if note in _NOTES else note) for note in r.notes)
        out.append(_Section(t._("Notes"), notes))
    return out


def _paths(r: report.Report, t: i18n.Locale) -> _Section:
    blocks: list[str | _Table] = []
    rows = []
    late = _late(t)
    for g in r.goals:
        if g.most_probable is None:
            rows.append((g.id, t._("most probable"), t._("unreachable"), "–"))
            continue
        rows.append(
            (
                g.id,
                t._("most probable"),
                percent(g.most_probable.probability, t),
                _path(g.most_probable),
            )
        )
        if g.shortest is not None:
            steps = t.ngettext("{n} step", "{n} steps", g.shortest.steps)
            rows.append(("", t._("shortest"), steps.format(n=g.shortest.steps), _path(g.shortest)))
        if g.critical is not None:
            exact = "" if g.critical.exact else " " + t._("(at least)")
            rows.append(
                (
                    "",
                    t._("critical"),
                    duration(g.critical.value, t) + exact,
                    _path(g.critical.path),
                )
            )
        elif "goals.critical" in r.not_computed:
            rows.append(("", t._("critical"), late, "–"))
        if g.worst_emotion is not None:
            exact = "" if g.worst_emotion.exact else " " + t._("(at most)")
            summed = t._("sum {score}").format(score=_score(g.worst_emotion.value, t))
            rows.append(("", t._("worst emotion"), summed + exact, _path(g.worst_emotion.path)))
        elif "goals.worst_emotion" in r.not_computed:
            rows.append(("", t._("worst emotion"), late, "–"))
        if "moments" in r.not_computed:
            rows.append(("", t._("moments of truth"), late, "–"))
        else:
            moments = ", ".join(g.moments) or "–"
            rows.append(("", t._("moments of truth"), str(len(g.moments)), moments))
    headers = (t._("goal"), t._("path"), t._("figure"), t._("nodes"))
    blocks.append(_table(headers, rows, (2,)))
    total = r.conversion.probability
    top = [
        (
            str(i),
            percent(p.probability, t),
            percent(p.probability / total, t) if total > 0 else "–",
            _path(p),
        )
        for i, p in enumerate(r.top_paths.paths, 1)
    ]
    if "top_paths" in r.not_computed:
        blocks.append(t._("Top converting paths: {not_computed}").format(not_computed=late))
    else:
        blocks.append(t._("Top {n} converting paths (to the first goal):").format(n=len(top)))
        headers = ("#", t._("probability"), t._("of conversions"), t._("path"))
        blocks.append(_table(headers, top, (0, 1, 2)))
    moments = ", ".join(r.moments) or t._("none")
    if "moments" in r.not_computed:
        moments = late
    every = t._("Moments of truth (every converting path passes them): {moments}")
    blocks.append(every.format(moments=moments))
    return _Section(t._("Paths"), tuple(blocks))


def _channel(c: report.Channel, t: i18n.Locale, *, computed: bool) -> tuple[str, ...]:
    cost = _money(c.cost, c.currency, t)
    kind = t._(_CHANNEL_KINDS[c.kind]) if c.kind in _CHANNEL_KINDS else c.kind or ""
    if not computed:  # the cost is written, what it bought was not worked out
        figures = (_late(t),) * 4
        per = "–" if c.cost is None else _late(t)
        return (c.id, kind, *figures, cost, per)
    per = _money(c.cost_per_conversion, c.currency, t)
    return (
        c.id,
        kind,
        percent(c.removal_effect, t),
        percent(c.share, t),
        percent(c.attributed, t),
        _count(c.customers, t),
        cost,
        per,
    )


def _attribution(r: report.Report, t: i18n.Locale) -> _Section:
    computed = "channels" not in r.not_computed
    rows = [_channel(c, t, computed=computed) for c in r.channels]
    headers = (
        t._("channel"),
        t._("kind"),
        t._("removal effect"),
        t._("share"),
        t._("conversion"),
        t._("customers"),
        t._("cost"),
        t._("cost per conversion"),
    )
    by_node = {n.id: n for n in r.nodes}
    bottlenecks = [
        (
            node,
            percent(by_node[node].lost_conversion, t),
            percent(by_node[node].removal_effect, t),
        )
        for node in r.bottlenecks[:10]
    ]
    return _Section(
        t._("Attribution and bottlenecks"),
        (
            _table(headers, rows, range(2, 8)),
            t._("Bottlenecks (conversion lost where journeys end before a goal):"),
            _table((t._("touchpoint"), t._("lost"), t._("removal effect")), bottlenecks, (1, 2)),
        ),
    )


def _fix_first(r: report.Report, t: i18n.Locale) -> _Section:
    """The transitions where one more point of probability buys the most conversion."""
    line = t._("+1 pp on `{source} -> {target}` (now {probability}) adds {effect} pp conversion")
    lines = [
        "- "
        + line.format(
            source=x.source,
            target=x.target,
            probability=percent(x.probability, t),
            effect=_significant(x.effect, t, 2),
        )
        for x in r.sensitivities[:_FIX_FIRST]
    ]
    return _Section(t._("What to fix first"), tuple(lines))


_FIX_FIRST = 5
"""How many transitions "what to fix first" lists (the JSON has every one)."""


def _costs(r: report.Report, c: report.Costs, t: i18n.Locale) -> _Section:
    """Acquisition against service costs per conversion, value, and each touchpoint's."""
    split = t._("Per conversion: acquisition {acquisition}, service and retention {service}")
    lines = [
        split.format(
            acquisition=_money(c.acquisition, c.currency, t),
            service=_money(c.service, c.currency, t),
        )
    ]
    if c.per_period is not None:
        spent = t._("All costs per period: {amount}")
        lines.append(spent.format(amount=_money(c.per_period, c.currency, t)))
    if c.value is not None:
        worth = t._("Value per conversion: {value}; return on spend: {ratio}")
        ratio = "–" if c.return_on_spend is None else _number(c.return_on_spend, t) + "×"
        lines.append(worth.format(value=_money(c.value, c.currency, t), ratio=ratio))
    rows = [
        (n.id, _money(n.cost_per_conversion, c.currency, t))
        for n in r.nodes
        if n.cost_per_conversion is not None
    ]
    if rows:
        lines.append(t._("Acquisition cost per conversion credited to each touchpoint:"))
        headers = (t._("touchpoint"), t._("cost per conversion"))
        return _Section(t._("Costs"), (*lines, _table(headers, rows, (1,))))
    return _Section(t._("Costs"), tuple(lines))


def _emotions(r: report.Report, t: i18n.Locale) -> _Section:
    e = r.emotion
    curve = _ARROW.join(_emotion(p, t) for p in e.curve) or "–"
    if "emotion.curve" in r.not_computed:
        curve = _late(t)
    if e.average is not None:
        average = " " + t._("(average {score})").format(score=_score(round(e.average, 2), t))
    else:
        average = ""
    along = t._("Along the most probable converting path: {curve}").format(curve=curve)
    lowest = ", ".join(_emotion(p, t) for p in e.lowest) or t._("no emotions written")
    lines = [along + average, t._("Lowest point: {points}").format(points=lowest)]
    pain = t._("pain: {pain}")
    lines += ["- " + pain.format(pain=text) for text in e.pains]
    return _Section(t._("Emotion"), tuple(lines))


def _order(r: report.Report, t: i18n.Locale) -> _Section:
    rows = [
        (
            t._(_MOVES.get(m.kind, m.kind)),
            f"{m.source}{_ARROW}{m.target}",
            f"{m.from_stage}{_ARROW}{m.to_stage}",
            ", ".join(m.skipped),
            percent(m.probability, t),
            percent(m.traffic, t),
        )
        for m in r.moves
    ]
    s = r.switches
    switches = ", ".join(f"{w.from_channel}{_ARROW}{w.to_channel}" for w in s.switches)
    counted = t._("{count} ({online_offline} online↔offline)").format(
        count=s.count, online_offline=s.online_offline
    ) + (f": {switches}" if switches else "")
    if "switches" in r.not_computed:
        counted = _late(t)
    headers = (
        t._("move"),
        t._("transition"),
        t._("stages"),
        t._("skipped"),
        t._("probability"),
        t._("traffic"),
    )
    switched = t._("Channel switches on the most probable converting path: {switches}")
    return _Section(
        t._("Funnel order and channels"),
        (_table(headers, rows, (4, 5)), switched.format(switches=counted)),
    )


def _render_table(table: _Table, t: i18n.Locale) -> list[str]:
    if not table.rows:
        return ["  " + t._("(none)")]
    widths = [
        max(len(h), *(len(row[i]) for row in table.rows)) for i, h in enumerate(table.headers)
    ]

    def line(cells: Sequence[str]) -> str:
        return (
            "  "
            + "  ".join(
                c.rjust(w) if right else c.ljust(w)
                for c, w, right in zip(cells, widths, table.right, strict=True)
            ).rstrip()
        )

    return [line(table.headers), "  " + "  ".join("─" * w for w in widths), *map(line, table.rows)]


def _side_by_side(r: report.Report, t: i18n.Locale) -> list[_Section]:
    """The headline figures of every persona and of everyone, one column each."""
    columns = [(s.label.split(",")[0], s.share, s.conversion) for s in r.segments]
    columns.append((t._("everyone"), 1.0, r.conversion))
    names = (
        t._("share"),
        t._("conversion"),
        t._("customers"),
        t._("entering"),
        t._("steps"),
        t._("time"),
        t._("lost"),
        t._("stuck"),
    )
    cells = [
        (
            percent(share, t),
            percent(c.probability, t),
            _count(c.customers, t),
            _count(c.entering, t),
            _number(c.steps, t, 1),
            duration(c.time, t),
            percent(c.lost, t),
            percent(c.stuck, t),
        )
        for _, share, c in columns
    ]
    rows = [(name, *(column[i] for column in cells)) for i, name in enumerate(names)]
    headers = (t._("figure"), *(name for name, _, _ in columns))
    lines: list[str | _Table] = [_headline(r, t).blocks[0]]
    if not r.segments:
        lines.append(t._("The journey has no personas: everyone is one segment."))
    lines.append(_table(headers, rows, range(1, len(headers))))
    return [_Section(r.title, tuple(lines))]


def _chosen(r: report.Report, by_persona: bool, lang: str | None) -> list[_Section]:
    t = i18n.locale(lang)
    return _side_by_side(r, t) if by_persona else _sections(r, t)


def text(r: report.Report, *, by_persona: bool = False, lang: str | None = None) -> str:
    """The report as plain-text tables for a terminal (``by_persona``: the headline of
    every persona and of everyone side by side), in ``lang`` (default English)."""
    t = i18n.locale(lang)
    out: list[str] = []
    for index, section in enumerate(_chosen(r, by_persona, lang)):
        title = section.title
        out += [title, ("═" if index == 0 else "─") * len(title)]
        for block in section.blocks:
            out += _render_table(block, t) if isinstance(block, _Table) else [block]
        out.append("")
    return "\n".join(out)


def _cell(value: str) -> str:
    return value.replace("|", "\\|") or " "


def markdown(r: report.Report, *, by_persona: bool = False, lang: str | None = None) -> str:
    """The report as GitHub-flavoured Markdown (headings and pipe tables; ``by_persona``
    and ``lang``: as ``text``)."""
    t = i18n.locale(lang)
    out: list[str] = []
    for index, section in enumerate(_chosen(r, by_persona, lang)):
        out += [("# " if index == 0 else "## ") + section.title, ""]
        for block in section.blocks:
            if isinstance(block, _Table):
                if not block.rows:
                    out += [t._("(none)"), ""]
                    continue
                out.append("| " + " | ".join(_cell(h) for h in block.headers) + " |")
                out.append("| " + " | ".join("---:" if r else "---" for r in block.right) + " |")
                out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
                out.append("")
            elif block.startswith("- "):
                out.append(block)
            else:
                if out[-1].startswith("- "):
                    out.append("")
                out += [block, ""]
        if out[-1] != "":
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
