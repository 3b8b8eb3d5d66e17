"""An ``Attribution`` as terminal tables, Markdown, JSON or CSV: the output of ``cjdsl attribute``.

The tables follow ``cjdsl analyze``'s (``analysis.tables``): a title ruled with ``═``,
sections ruled with ``─``, two-space indented columns with numbers right-aligned,
Markdown pipe tables with ``---:`` for numbers. A channel per row and a model per
column, so the models read side by side; a ``total`` row shows every column adds up.
JSON and CSV keep full precision; the text rounds to two decimals.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from typing import Final

from .. import reporting
from ..analysis import tables
from . import attribution

__all__ = ["FORMATS", "csv_text", "json_text", "markdown", "text"]

FORMATS: Final = ("text", "markdown", "json", "csv")
_Table = tuple[tuple[str, ...], list[tuple[str, ...]]]


def _number(x: float) -> str:
    return f"{x:,.2f}"


def _summary(result: attribution.Attribution) -> list[str]:
    counted = f"{result.paths:,} distinct paths"
    if result.journeys is not None:
        rate = result.conversions / result.journeys if result.journeys else 0.0
        counted = (
            f"{result.journeys:,.0f} journeys in {counted}; {result.conversions:,.0f} converted "
            f"({tables.percent(rate)})"
        )
    else:
        counted += f"; {result.conversions:,.0f} conversions (no null column: no rate)"
    if result.value is not None:
        counted += f", conversion value {_number(result.value)}"
    lines = [counted + "."]
    if result.settings.direct and "last-non-direct" in result.settings.models:
        lines.append("Direct channels: " + ", ".join(f"`{d}`" for d in result.settings.direct))
    return lines


def _credit_table(result: attribution.Attribution, field: str) -> _Table:
    headers = ("channel", *(m.label for m in result.models))
    rows: list[tuple[str, ...]] = []
    for i, channel in enumerate(result.channels):
        rows.append(
            (reporting.inert(channel), *(_number(getattr(m, field)[i]) for m in result.models))
        )
    rows.append(("total", *(_number(math.fsum(getattr(m, field))) for m in result.models)))
    return headers, rows


def _removal_table(result: attribution.Attribution) -> _Table | None:
    markov = [m for m in result.models if m.removal is not None]
    if not markov:
        return None
    headers: tuple[str, ...] = ("channel",)
    for m in markov:
        headers += (f"{m.label}: conversions",)
        if result.value is not None:
            headers += (f"{m.label}: value",)
    rows: list[tuple[str, ...]] = []
    for i, channel in enumerate(result.channels):
        row: tuple[str, ...] = (reporting.inert(channel),)
        for m in markov:
            assert m.removal is not None and m.removal_value is not None
            row += (tables.percent(m.removal[i]),)
            if result.value is not None:
                row += (tables.percent(m.removal_value[i]),)
        rows.append(row)
    return headers, rows


def _sections(result: attribution.Attribution) -> list[tuple[str, list[str | _Table]]]:
    out: list[tuple[str, list[str | _Table]]] = [("Attribution", list(_summary(result)))]
    out.append(("Conversions by channel", [_credit_table(result, "conversions")]))
    if result.value is not None:
        out.append(("Conversion value by channel", [_credit_table(result, "value")]))
    removal = _removal_table(result)
    if removal is not None:
        out.append(
            (
                "Removal effects (share of conversions lost without the channel)",
                [removal],
            )
        )
    if result.notes:
        out.append(("Notes", [f"- {note}" for note in result.notes]))
    return out


def _render(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return (
            "  "
            + "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()
        )

    return [line(headers), "  " + "  ".join("─" * w for w in widths), *map(line, rows)]


def text(result: attribution.Attribution) -> str:
    """Plain-text tables for a terminal."""
    out: list[str] = []
    for index, (title, blocks) in enumerate(_sections(result)):
        out += [title, ("═" if index == 0 else "─") * len(title)]
        for block in blocks:
            out += _render(*block) if isinstance(block, tuple) else [block]
        out.append("")
    return "\n".join(out)


def _cell(value: str) -> str:
    return value.replace("|", "\\|") or " "


def markdown(result: attribution.Attribution) -> str:
    """GitHub-flavoured Markdown: headings and pipe tables."""
    out: list[str] = []
    for index, (title, blocks) in enumerate(_sections(result)):
        out += [("# " if index == 0 else "## ") + title, ""]
        for block in blocks:
            if isinstance(block, tuple):
                headers, rows = block
                out.append("| " + " | ".join(_cell(h) for h in headers) + " |")
                out.append(
                    "| "
                    + " | ".join("---" if i == 0 else "---:" for i in range(len(headers)))
                    + " |"
                )
                out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
                out.append("")
            else:
                out.append(block)
        if out[-1] != "":
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _settings(settings: attribution.Settings) -> dict[str, object]:
    return {
        "models": list(settings.models),
        "direct": list(settings.direct),
        "position": {
            "first": settings.first,
            "middle": 1 - settings.first - settings.last,
            "last": settings.last,
        },
        "markov_orders": list(settings.orders),
        "normalise": settings.normalise,
        "half_life_seconds": settings.half_life,
        "decay_to": settings.decay_to,
    }


def json_text(result: attribution.Attribution) -> str:
    """Every figure at full precision: ``{"channels", "totals", "models", "settings"}``."""
    models = []
    for m in result.models:
        entry: dict[str, object] = {
            "model": m.model,
            "label": m.label,
            "conversions": dict(zip(result.channels, m.conversions, strict=True)),
            "value": dict(zip(result.channels, m.value, strict=True)),
        }
        if m.removal is not None and m.removal_value is not None:
            entry["removal_effect"] = {
                "conversions": dict(zip(result.channels, m.removal, strict=True)),
                "value": dict(zip(result.channels, m.removal_value, strict=True)),
            }
        models.append(entry)
    document = {
        "channels": list(result.channels),
        "totals": {
            "paths": result.paths,
            "journeys": result.journeys,
            "conversions": result.conversions,
            "value": result.value,
        },
        "models": models,
        "settings": _settings(result.settings),
        "notes": list(result.notes),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


_FORMULA: Final = ("=", "+", "-", "@", "\t", "\r")


def _sheet_safe(name: str) -> str:
    """A channel name a spreadsheet would run as a formula (``=HYPERLINK(…)``) gets a
    leading apostrophe, the usual guard against CSV injection."""
    return "'" + name if name.startswith(_FORMULA) else name


def csv_text(result: attribution.Attribution) -> str:
    """One row per model and channel (``model,channel,conversions,value,…``), for sheets;
    a channel name that starts like a formula is written with a leading ``'``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ("model", "channel", "conversions", "value", "removal_effect", "removal_effect_value")
    )
    for m in result.models:
        for i, channel in enumerate(result.channels):
            removal = "" if m.removal is None else repr(m.removal[i])
            removal_value = "" if m.removal_value is None else repr(m.removal_value[i])
            writer.writerow(
                (
                    m.model,
                    _sheet_safe(channel),
                    repr(m.conversions[i]),
                    repr(m.value[i]),
                    removal,
                    removal_value,
                )
            )
    return buffer.getvalue()
