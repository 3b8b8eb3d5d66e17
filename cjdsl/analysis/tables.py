"""The analysis report as readable terminal tables or as Markdown for a wiki.

Both formats come from one list of sections, so they always show the same
figures: probabilities as percentages of the customers who enter, durations in
weeks/days/hours/minutes, customer numbers where entries have ``reach``. With
``by_persona`` the list is the headline side by side for every persona and everyone.

Longer than the ~400-line guideline: the one list of sections both formats render, and
the two renderers; split, a section and its formatting would live apart.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Final

from . import report

__all__ = ["FORMATS", "duration", "markdown", "percent", "text"]

FORMATS: Final = ("text", "markdown", "json")
_ARROW: Final = " → "
_UNITS: Final = (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


@dataclasses.dataclass(frozen=True, slots=True)
class _Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: tuple[bool, ...]  # right-aligned (numeric) columns


@dataclasses.dataclass(frozen=True, slots=True)
class _Section:
    title: str
    blocks: tuple[str | _Table, ...]


def percent(p: float | None) -> str:
    """``0.4231`` → ``42.3%``; small values keep three significant digits (``0.0766%``)."""
    if p is None:
        return "–"
    if math.isinf(p):
        return "∞"
    value = p * 100
    if abs(value) >= 99.95:
        return f"{value:.0f}%" if abs(value - round(value)) < 0.05 else f"{value:.1f}%"
    if abs(value) >= 10:
        return f"{value:.1f}%"
    if value == 0:
        return "0%"
    if abs(value) < 0.0001:
        return "<0.0001%" if value > 0 else "−<0.0001%"
    return f"{value:.3g}%".replace("-", "−")


def _change(p: float | None, unit: str) -> str:
    if p is None:
        return "–"
    if unit == "probability":
        if abs(p) < 5e-7:
            return "±0 pp"
        sign = "+" if p > 0 else "−"
        return f"{sign}{percent(abs(p))[:-1]} pp"
    sign = "+" if p > 0 else "−" if p < 0 else "±"
    return sign + _value(abs(p), unit)


def duration(seconds: float | None) -> str:
    """Seconds as the two largest units: ``2d 5h``, ``10h 50m``, ``45m``, ``0s``."""
    if seconds is None:
        return "–"
    if math.isinf(seconds):
        return "∞"
    left = round(seconds)
    parts: list[str] = []
    for unit, size in _UNITS:
        if left >= size or (unit == "s" and not parts):
            amount, left = divmod(left, size)
            parts.append(f"{amount}{unit}")
        if len(parts) == 2:
            break
    return " ".join(p for p in parts if not (p[0] == "0" and len(parts) > 1))


def _count(x: float | None) -> str:
    if x is None:
        return "–"
    if math.isinf(x):
        return "∞"
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:.1f}"


def _number(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else ("∞" if math.isinf(x) else f"{x:.{digits}f}")


def _visits(x: float | None) -> str:
    return "∞" if x is None else f"{x:.3g}"


def _value(x: float | None, unit: str) -> str:
    if unit == "probability":
        return percent(x)
    if unit == "seconds":
        return duration(x)
    if unit == "customers":
        return _count(x)
    return _number(x, 1)


def _path(path: report.Path | None) -> str:
    return "–" if path is None else _ARROW.join(path.nodes)


def _score(score: float) -> str:
    return "0" if score == 0 else f"{score:+g}"


def _emotion(point: report.EmotionPoint) -> str:
    if point.score is None:
        return point.node
    word = f" {point.word}" if point.word else ""
    return f"{point.node} ({_score(point.score)}{word})"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int]) -> _Table:
    return _Table(
        tuple(headers),
        tuple(tuple(r) for r in rows),
        tuple(i in right for i in range(len(headers))),
    )


def _headline(r: report.Report) -> _Section:
    c = r.conversion
    who = f"persona `{r.persona}`" if r.persona else "everyone"
    weighting = {
        "reach": f"entries weighted by reach ({_count(c.entering)} customers)",
        "equal": "entries weighted equally",
        "none": "no entry",
    }[r.weighting]
    lines = [f"For {who}; {weighting}."]
    if r.segments:
        parts = ", ".join(f"{s.label.split(',')[0]} {percent(s.share)}" for s in r.segments)
        lines.append(f"Everyone is the personas' mixture by their shares: {parts}.")
    if r.without:
        lines.append(f"Without {', '.join(f'`{w}`' for w in r.without)}.")
    if r.weighting == "none":  # nobody enters: no conversion and no loss to speak of (F11)
        lines.append(
            "Nobody enters: the journey has no start (no `entry` met, and every touchpoint met "
            "has a way in), so nobody converts and nobody is lost."
        )
        return _Section(r.title, tuple(lines))
    customers = (
        f" ({_count(c.customers)} of {_count(c.entering)})" if c.customers is not None else ""
    )
    lines.append(f"Conversion: {percent(c.probability)} of customers reach a goal{customers}.")
    if c.steps is not None:
        lines.append(
            f"Converting customers take {_number(c.steps, 1)} steps and {duration(c.time)} "
            "on average to their first goal."
        )
    lost = f"Lost without converting: {percent(c.lost)}"
    lines.append(lost + (f"; stuck in a loop: {percent(c.stuck)}." if c.stuck > 0 else "."))
    if r.not_computed:
        lines.append(
            f"Partial: the time limit of {r.time_limit:g} s ran out before every figure was "
            f"done; the rest say “{report.NOT_COMPUTED}”."
        )
    return _Section(r.title, tuple(lines))


def _sections(r: report.Report) -> list[_Section]:
    out = [_headline(r)]
    if r.differences:
        rows = [
            (d.figure, _value(d.before, d.unit), _value(d.after, d.unit), _change(d.change, d.unit))
            for d in r.differences
        ]
        table = _table(("figure", "before", "after", "change"), rows, (1, 2, 3))
        out.append(_Section("What changes", (table,)))
    goal_ids = [g.id for g in r.goals]
    entries = [
        (
            e.id,
            percent(e.weight),
            _count(e.reach),
            percent(e.conversion),
            _count(e.customers),
            *tuple(percent(s.conversion) for s in e.goals),
        )
        for e in r.entries
    ]
    headers = ("entry", "share", "reach", "converts", "customers", *goal_ids)
    out.append(_Section("Entries", (_table(headers, entries, range(1, len(headers))),)))
    goals = [
        (
            g.id,
            percent(g.conversion),
            percent(g.first),
            _count(g.customers),
            _number(g.steps, 1),
            duration(g.time),
        )
        for g in r.goals
    ]
    headers = ("goal", "reached", "first goal", "customers", "steps", "time")
    out.append(_Section("Goals", (_table(headers, goals, range(1, 6)),)))
    stages = [
        (s.id, percent(s.reach), percent(s.drop_off), percent(s.lost_conversion)) for s in r.stages
    ]
    headers = ("stage", "reached", "journeys end", "lost before converting")
    out.append(_Section("Funnel", (_table(headers, stages, (1, 2, 3)),)))
    nodes = [
        (
            n.id + (" (removed)" if n.removed else ""),
            n.kind,
            n.stage or "",
            n.channel or "",
            percent(n.reach),
            _visits(n.visits),
            percent(n.drop_off),
            percent(n.lost_conversion),
            percent(n.removal_effect),
            percent(n.share),
        )
        for n in r.nodes
    ]
    headers = (
        "node",
        "kind",
        "stage",
        "channel",
        "reached",
        "visits",
        "journeys end",
        "lost",
        "removal effect",
        "share",
    )
    out.append(_Section("Touchpoints", (_table(headers, nodes, range(4, 10)),)))
    out.append(_paths(r))
    out.append(_attribution(r))
    out.append(_emotions(r))
    out.append(_order(r))
    if r.notes:
        out.append(_Section("Notes", tuple(f"- {note}" for note in r.notes)))
    return out


def _paths(r: report.Report) -> _Section:
    blocks: list[str | _Table] = []
    rows = []
    for g in r.goals:
        if g.most_probable is None:
            rows.append((g.id, "most probable", "unreachable", "–"))
            continue
        rows.append(
            (g.id, "most probable", percent(g.most_probable.probability), _path(g.most_probable))
        )
        if g.shortest is not None:
            rows.append(("", "shortest", f"{g.shortest.steps} steps", _path(g.shortest)))
        if g.critical is not None:
            exact = "" if g.critical.exact else " (at least)"
            rows.append(
                ("", "critical", duration(g.critical.value) + exact, _path(g.critical.path))
            )
        elif "goals.critical" in r.not_computed:
            rows.append(("", "critical", report.NOT_COMPUTED, "–"))
        if g.worst_emotion is not None:
            exact = "" if g.worst_emotion.exact else " (at most)"
            rows.append(
                (
                    "",
                    "worst emotion",
                    f"sum {_score(g.worst_emotion.value)}{exact}",
                    _path(g.worst_emotion.path),
                )
            )
        elif "goals.worst_emotion" in r.not_computed:
            rows.append(("", "worst emotion", report.NOT_COMPUTED, "–"))
        if "moments" in r.not_computed:
            rows.append(("", "moments of truth", report.NOT_COMPUTED, "–"))
        else:
            rows.append(("", "moments of truth", str(len(g.moments)), ", ".join(g.moments) or "–"))
    blocks.append(_table(("goal", "path", "figure", "nodes"), rows, (2,)))
    total = r.conversion.probability
    top = [
        (
            str(i),
            percent(p.probability),
            percent(p.probability / total) if total > 0 else "–",
            _path(p),
        )
        for i, p in enumerate(r.top_paths.paths, 1)
    ]
    if "top_paths" in r.not_computed:
        blocks.append(f"Top converting paths: {report.NOT_COMPUTED}")
    else:
        blocks.append(f"Top {len(top)} converting paths (to the first goal):")
        blocks.append(_table(("#", "probability", "of conversions", "path"), top, (0, 1, 2)))
    moments = ", ".join(r.moments) or "none"
    if "moments" in r.not_computed:
        moments = report.NOT_COMPUTED
    blocks.append("Moments of truth (every converting path passes them): " + moments)
    return _Section("Paths", tuple(blocks))


def _channel(c: report.Channel, *, computed: bool) -> tuple[str, ...]:
    cost = "–" if c.cost is None else f"{c.cost:,.2f} {c.currency}"
    if not computed:  # the cost is written, what it bought was not worked out
        figures = (report.NOT_COMPUTED,) * 4
        per = "–" if c.cost is None else report.NOT_COMPUTED
        return (c.id, c.kind or "", *figures, cost, per)
    per = "–" if c.cost_per_conversion is None else f"{c.cost_per_conversion:,.2f} {c.currency}"
    return (
        c.id,
        c.kind or "",
        percent(c.removal_effect),
        percent(c.share),
        percent(c.attributed),
        _count(c.customers),
        cost,
        per,
    )


def _attribution(r: report.Report) -> _Section:
    computed = "channels" not in r.not_computed
    rows = [_channel(c, computed=computed) for c in r.channels]
    headers = (
        "channel",
        "kind",
        "removal effect",
        "share",
        "conversion",
        "customers",
        "cost",
        "cost per conversion",
    )
    by_node = {n.id: n for n in r.nodes}
    bottlenecks = [
        (node, percent(by_node[node].lost_conversion), percent(by_node[node].removal_effect))
        for node in r.bottlenecks[:10]
    ]
    return _Section(
        "Attribution and bottlenecks",
        (
            _table(headers, rows, range(2, 8)),
            "Bottlenecks (conversion lost where journeys end before a goal):",
            _table(("touchpoint", "lost", "removal effect"), bottlenecks, (1, 2)),
        ),
    )


def _emotions(r: report.Report) -> _Section:
    e = r.emotion
    curve = _ARROW.join(_emotion(p) for p in e.curve) or "–"
    if "emotion.curve" in r.not_computed:
        curve = report.NOT_COMPUTED
    lines = [
        "Along the most probable converting path: "
        + curve
        + (f" (average {_score(round(e.average, 2))})" if e.average is not None else ""),
        "Lowest point: " + (", ".join(_emotion(p) for p in e.lowest) or "no emotions written"),
    ]
    lines += [f"- pain: {pain}" for pain in e.pains]
    return _Section("Emotion", tuple(lines))


def _order(r: report.Report) -> _Section:
    rows = [
        (
            m.kind,
            f"{m.source}{_ARROW}{m.target}",
            f"{m.from_stage}{_ARROW}{m.to_stage}",
            ", ".join(m.skipped),
            percent(m.probability),
            percent(m.traffic),
        )
        for m in r.moves
    ]
    s = r.switches
    switches = ", ".join(f"{w.from_channel}{_ARROW}{w.to_channel}" for w in s.switches)
    counted = f"{s.count} ({s.online_offline} online↔offline)" + (
        f": {switches}" if switches else ""
    )
    if "switches" in r.not_computed:
        counted = report.NOT_COMPUTED
    return _Section(
        "Funnel order and channels",
        (
            _table(
                ("move", "transition", "stages", "skipped", "probability", "traffic"), rows, (4, 5)
            ),
            f"Channel switches on the most probable converting path: {counted}",
        ),
    )


def _render_table(table: _Table) -> list[str]:
    if not table.rows:
        return ["  (none)"]
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


def _side_by_side(r: report.Report) -> list[_Section]:
    """The headline figures of every persona and of everyone, one column each."""
    columns = [(s.label.split(",")[0], s.share, s.conversion) for s in r.segments]
    columns.append(("everyone", 1.0, r.conversion))
    names = ("share", "conversion", "customers", "entering", "steps", "time", "lost", "stuck")
    cells = [
        (
            percent(share),
            percent(c.probability),
            _count(c.customers),
            _count(c.entering),
            _number(c.steps, 1),
            duration(c.time),
            percent(c.lost),
            percent(c.stuck),
        )
        for _, share, c in columns
    ]
    rows = [(name, *(column[i] for column in cells)) for i, name in enumerate(names)]
    headers = ("figure", *(name for name, _, _ in columns))
    lines: list[str | _Table] = [_headline(r).blocks[0]]
    if not r.segments:
        lines.append("The journey has no personas: everyone is one segment.")
    lines.append(_table(headers, rows, range(1, len(headers))))
    return [_Section(r.title, tuple(lines))]


def text(r: report.Report, *, by_persona: bool = False) -> str:
    """The report as plain-text tables for a terminal (``by_persona``: the headline of
    every persona and of everyone side by side)."""
    out: list[str] = []
    for index, section in enumerate(_side_by_side(r) if by_persona else _sections(r)):
        title = section.title
        out += [title, ("═" if index == 0 else "─") * len(title)]
        for block in section.blocks:
            out += _render_table(block) if isinstance(block, _Table) else [block]
        out.append("")
    return "\n".join(out)


def _cell(value: str) -> str:
    return value.replace("|", "\\|") or " "


def markdown(r: report.Report, *, by_persona: bool = False) -> str:
    """The report as GitHub-flavoured Markdown (headings and pipe tables; ``by_persona``:
    as ``text``)."""
    out: list[str] = []
    for index, section in enumerate(_side_by_side(r) if by_persona else _sections(r)):
        out += [("# " if index == 0 else "## ") + section.title, ""]
        for block in section.blocks:
            if isinstance(block, _Table):
                if not block.rows:
                    out += ["(none)", ""]
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
