"""A journey as a touchpoint table: the layout ``import table`` reads, as CSV or XLSX.

One row per touchpoint in the journey's order, every column of ``interop.layout``. The
cells are written so that reading them back gives the same touchpoints, kinds, entries and
transitions: the ``ID`` column keeps ids, ``Kind`` says ``entry`` for an entry, ``Next``
lists every transition (``checkout 40%``, ``-`` for none) and a touchpoint in no stage has
``-`` as its stage. Several values in one cell stand one a line. What has no column (a
transition's duration, label and personas; personas' and channels' own attributes; empty
stages) is listed for stderr.
"""

from __future__ import annotations

import csv as csv_module
import decimal
import io
import zipfile
from collections.abc import Iterator
from typing import Final

from ... import model
from ...interop import building, layout
from . import Export

__all__ = ["csv", "rows", "xlsx"]

_EPOCH: Final = (1980, 1, 1, 0, 0, 0)


def rows(journey: model.Journey, *, german: bool = False) -> list[list[str]]:
    """The header row and one row per touchpoint."""
    stages = {s.id: s.label for s in journey.stages}
    out = [list(layout.headers(german=german))]
    for node in journey.touchpoints:
        cells = _cells(node, journey, stages)
        out.append([cells.get(c.key, "") for c in layout.COLUMNS])
    return out


def csv(journey: model.Journey, *, german: bool = False, delimiter: str = ",") -> Export:
    """The table as CSV text (quoted where a cell needs it, line ends ``\\n``)."""
    buffer = io.StringIO()
    writer = csv_module.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerows(rows(journey, german=german))
    return Export(buffer.getvalue(), tuple(_lost(journey)))


def xlsx(journey: model.Journey, *, german: bool = False) -> tuple[bytes, tuple[str, ...]]:
    """The table as an XLSX workbook (one sheet), byte for byte the same for the same
    journey: the workbook's dates and the archive's times are fixed.

    Raises:
        ImportError: openpyxl is not installed (``pip install 'cjdsl[xlsx]'``).
    """
    import datetime

    import openpyxl
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Journey"
    for row in rows(journey, german=german):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str) and "\n" in cell.value:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    fixed = datetime.datetime(2000, 1, 1)
    book.properties.created = fixed
    book.properties.modified = fixed
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_times(buffer.getvalue()), tuple(_lost(journey))


def _fixed_times(data: bytes) -> bytes:
    """The archive again, each member dated 1980-01-01: the same journey, the same bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def _cells(
    node: model.Touchpoint, journey: model.Journey, stages: dict[str, str]
) -> dict[str, str]:
    channel = journey.channel(node.channel) if node.channel is not None else None
    cells = {
        "stage": stages.get(node.stage, "-") if node.stage is not None else "-",
        "touchpoint": node.label,
        "id": node.id,
        "kind": "entry"
        if node.entry and node.kind is model.NodeKind.TOUCHPOINT
        else node.kind.value,
        "channel": channel.label if channel is not None else (node.channel or ""),
        "channel_kind": (channel.kind or "") if channel is not None else "",
        "personas": ", ".join(
            layout.quote_name(_persona(journey, ref.id)) for ref in node.persona_refs
        ),
        "description": node.description or "",
        "action": "\n".join(node.actions),
        "motivation": "\n".join(node.motivations),
        "question": "\n".join(node.questions),
        "pain": "\n".join(node.pains),
        "opportunity": "\n".join(node.opportunities),
        "kpi": "\n".join(f"{k.name} {k.value.text}" for k in node.kpis),
        "cost": node.cost.text if node.cost is not None else "",
        "reach": _plain(node.reach) if node.reach is not None else "",
        "owner": node.owner or "",
        "link": node.link or "",
        "tags": ", ".join(node.tags),
        "events": "\n".join(node.events),
        "lane": node.lane or "",
        "next": ", ".join(
            f"{t.target} {t.probability.text}" if t.probability is not None else t.target
            for t in journey.transitions
            if t.source == node.id
        )
        or "-",
    }
    if node.emotion is not None:
        word = f" {node.emotion.word}" if node.emotion.word else ""
        cells["emotion"] = f"{_plain(node.emotion.score, sign=True)}{word}"
    return cells


def _persona(journey: model.Journey, id_: str) -> str:
    persona = journey.persona(id_)
    return persona.label if persona is not None else id_


def _plain(value: float, *, sign: bool = False) -> str:
    """A float in plain decimals, as the table reads numbers (never an exponent)."""
    written = format(decimal.Decimal(repr(value)), "f")
    if "." in written:
        written = written.rstrip("0").rstrip(".")
    return f"+{written}" if sign and not written.startswith("-") else written


def _lost(journey: model.Journey) -> Iterator[str]:
    edges = journey.transitions
    if any(t.after is not None or t.label or t.persona_refs for t in edges):
        yield "transitions' durations, labels and personas"
    if any(p.description or p.goals or p.pains for p in journey.personas):
        yield "what personas say of themselves (description, goals, pains)"
    if any(s.description for s in journey.stages) or journey.description or journey.owner:
        yield "the journey's description and owner, the stages' descriptions"
    if journey.processes:
        yield "the blueprint's processes (a table has a row per touchpoint only)"
    if empty := [s.id for s in journey.stages if not s.touchpoints]:
        yield "empty stages: " + ", ".join(f"`{s}`" for s in empty)
    named = [(s.id, s.label) for s in journey.stages]
    named += [(c.id, c.label) for c in journey.channels]
    named += [(p.id, p.label) for p in journey.personas]
    if any(building.make_id(label) != id_ for id_, label in named):
        yield "the ids of stages, channels and personas (import makes them from their names)"
