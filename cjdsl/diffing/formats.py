"""A ``Diff`` written out: text for the terminal, Markdown for a pull-request comment, JSON.

All three say the same in the same order: touchpoints, transitions, emotion, structure,
figures. Probabilities are percentages, their changes percentage points (``pp``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Final

from ..analysis import tables
from . import ADDED, REMOVED, Diff, Figure, NodeChange, TransitionChange

__all__ = ["FORMATS", "caption", "json_text", "markdown", "text", "to_dict"]

FORMATS: Final = ("text", "markdown", "json")
_MARK: Final = {ADDED: "+", REMOVED: "-"}


def text(diff: Diff) -> str:
    """The diff for a terminal."""
    out = [f"{diff.before} → {diff.after}"]
    if diff.same:
        out.append("no change of touchpoints or transitions")
    if diff.touchpoints:
        out += ["", "touchpoints:"]
        out += [f"  {_MARK.get(n.change, '~')} {_node(n)}" for n in diff.touchpoints]
    if diff.transitions:
        out += ["", "transitions:"]
        out += [f"  {_MARK.get(t.kind, '~')} {_edge(t)}" for t in diff.transitions]
    moods = list(_emotions(diff))
    if moods:
        out += ["", "emotion:"] + [f"  {line}" for line in moods]
    out += ["", "structure:"] + [f"  {line}" for line in _structure(diff)]
    if diff.figures:
        rows = [(f.name, _value(f, f.before), _value(f, f.after), _change(f)) for f in diff.figures]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        out += ["", "figures:"]
        out += [
            f"  {r[0].ljust(widths[0])}  {r[1].rjust(widths[1])} → {r[2].rjust(widths[2])}"
            f"  {r[3]}".rstrip()
            for r in rows
        ]
    out += [f"note: {note}" for note in diff.notes]
    return "\n".join(out) + "\n"


def markdown(diff: Diff) -> str:
    """The diff as a pull-request comment: a heading, lists and a table of the figures."""
    out = [f"### {_md(diff.before)} → {_md(diff.after)}", ""]
    headline = diff.figure("conversion")
    if headline is not None:
        out += [
            f"**Conversion {_value(headline, headline.before)} → "
            f"{_value(headline, headline.after)} ({_change(headline)})**",
            "",
        ]
    if diff.same:
        out += ["No change of touchpoints or transitions.", ""]
    if diff.touchpoints:
        out += ["**Touchpoints**", ""]
        out += [f"- {_word(n.change)} {_md(_node(n))}" for n in diff.touchpoints]
        out.append("")
    if diff.transitions:
        out += ["**Transitions**", ""]
        out += [f"- {_word(t.kind)} {_md(_edge(t))}" for t in diff.transitions]
        out.append("")
    moods = list(_emotions(diff))
    if moods:
        out += ["**Emotion**", ""] + [f"- {_md(line)}" for line in moods] + [""]
    out += ["**Structure**", ""] + [f"- {_md(line)}" for line in _structure(diff)] + [""]
    if diff.figures:
        out += ["| figure | before | after | change |", "| --- | ---: | ---: | ---: |"]
        out += [
            f"| {_md(f.name)} | {_value(f, f.before)} | {_value(f, f.after)} | {_change(f)} |"
            for f in diff.figures
        ]
        out.append("")
    out += [f"> note: {_md(note)}" for note in diff.notes]
    return "\n".join(out).rstrip("\n") + "\n"


def caption(diff: Diff) -> str:
    """One line for a drawn diff: what is compared, and the conversion before → after."""
    headline = diff.figure("conversion")
    compared = f"{diff.before} → {diff.after}"
    if headline is None:
        return compared
    before, after = _value(headline, headline.before), _value(headline, headline.after)
    return f"{compared} · conversion {before} → {after} ({_change(headline)})"


def to_dict(diff: Diff) -> dict[str, Any]:
    """The diff as plain data (docs/scenarios.md shows the shape)."""
    return {
        "before": diff.before,
        "after": diff.after,
        "touchpoints": [
            {
                "id": n.id,
                "label": n.label,
                "kind": n.kind,
                "change": n.change,
                "attributes": list(n.attributes),
                "emotion": {"before": n.emotion[0], "after": n.emotion[1]},
            }
            for n in diff.touchpoints
        ],
        "transitions": [
            {
                "source": t.source,
                "target": t.target,
                "personas": list(t.personas),
                "change": t.kind,
                "before": t.before,
                "after": t.after,
            }
            for t in diff.transitions
        ],
        "new_dead_ends": list(diff.new_dead_ends),
        "new_unreachable": list(diff.new_unreachable),
        "figures": [
            {
                "key": f.key,
                "name": f.name,
                "unit": f.unit,
                "currency": f.currency,
                "before": f.before,
                "after": f.after,
                "change": f.change,
            }
            for f in diff.figures
        ],
        "notes": list(diff.notes),
    }


def json_text(diff: Diff) -> str:
    return json.dumps(to_dict(diff), indent=2, ensure_ascii=False) + "\n"


def _node(n: NodeChange) -> str:
    what = f"{n.kind} `{n.id}`" + (f' "{n.label}"' if n.label != n.id else "")
    if n.attributes:
        what += ": " + ", ".join(n.attributes)
    return what


def _edge(t: TransitionChange) -> str:
    who = f" for {', '.join(t.personas)}" if t.personas else ""
    edge = f"`{t.source} -> {t.target}`{who}"
    if t.kind == ADDED:
        return edge + (f" {t.after}" if t.after else "")
    if t.kind == REMOVED:
        return edge + (f" {t.before}" if t.before else "")
    return f"{edge} {t.before or 'rest'} → {t.after or 'rest'}"


def _emotions(diff: Diff) -> Iterator[str]:
    for n in diff.touchpoints:
        before, after = n.emotion
        if before == after or (before is None and after is None):
            continue
        delta = n.emotion_delta
        shown = f" ({_signed(delta)})" if delta is not None else ""
        yield f"`{n.id}` {_score(before)} → {_score(after)}{shown}"


def _structure(diff: Diff) -> Iterator[str]:
    ends = ", ".join(f"`{i}`" for i in diff.new_dead_ends) or "none"
    unreachable = ", ".join(f"`{i}`" for i in diff.new_unreachable) or "none"
    yield f"new dead ends: {ends}"
    yield f"newly unreachable: {unreachable}"


def _score(score: float | None) -> str:
    return "–" if score is None else _signed(score)


def _signed(x: float) -> str:
    return f"{x:+g}".replace("-", "−") if x else "0"


def _value(f: Figure, x: float | None) -> str:
    if x is None:
        return "–"
    if f.unit == "probability":
        return tables.percent(x)
    if f.unit == "money":
        return f"{x:,.2f} {f.currency}"
    if f.unit == "customers":
        return f"{x:,.0f}"
    return f"{x:.2f}"


def _change(f: Figure) -> str:
    change = f.change
    if change is None:
        return ""
    if f.unit == "probability":
        points = change * 100
        if abs(points) < 5e-5:
            return "±0 pp"
        return f"{'+' if points > 0 else '−'}{abs(points):.2f} pp"
    if abs(change) < 5e-7:
        return "±0"
    sign = "+" if change > 0 else "−"
    return sign + _value(f, abs(change))


def _word(change: str) -> str:
    return {"added": "➕ added", "removed": "➖ removed"}.get(change, f"✏️ {change}")


def _md(text: str) -> str:
    """Text safe in a Markdown line and table cell (``|`` and ``<`` escaped)."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
