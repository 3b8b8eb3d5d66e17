"""A touchpoint table (one row per touchpoint) read into a journey: ``cjdsl import table``.

The header row names the columns (``layout``); each further row is a touchpoint in its
stage (an empty stage cell: the stage of the row above, as merged cells read). Rows chain
in their order, within and across stages, unless a ``next`` cell says where customers go
(``Kasse 40%, Abbruch``: touchpoints by id or label, each with an optional probability;
``-``: nowhere). The first row is the entry; without a ``kind`` cell the last row is the
goal. What cannot be read is reported at its cell with row and column (CJ611–CJ615) and no
journey is made.

Longer than 450 lines: one reader per kind of cell (kind, channel, personas, emotion, key
figures, money, reach, next), each with its own message; they share the reader's state
(the stages, channels and personas met so far) and are this module's one job.

>>> from cjdsl.interop import sheets
>>> grid = sheets.read_csv("Phase;Kontaktpunkt;Kanal;Emotion\\nSuche;Anzeige;Web;+1\\n"
...     ";Shop;Web;0\\nKauf;Kasse;Laden;-1 genervt\\n".encode(), path="t.csv")
>>> j = read(grid).journey
>>> [(t.id, t.stage, t.channel, t.emotion.score) for t in j.touchpoints]
[('anzeige', 'suche', 'web', 1.0), ('shop', 'suche', 'web', 0.0), ('kasse', 'kauf', 'laden', -1.0)]
>>> [(t.source, t.target) for t in j.transitions]
[('anzeige', 'shop'), ('shop', 'kasse')]
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Final

from .. import codes, model
from ..diagnostics import Diagnostic, did_you_mean
from ..language import literals, vocabulary
from . import building, layout, sheets

__all__ = ["CHANNEL_KINDS", "ENTRY", "KINDS", "NO_STAGE", "read"]

ENTRY: Final = ("entry", "einstieg")
"""The ``kind`` that marks an entry touchpoint."""
KINDS: Final = {
    "touchpoint": model.NodeKind.TOUCHPOINT,
    "entry": model.NodeKind.TOUCHPOINT,
    "einstieg": model.NodeKind.TOUCHPOINT,
    "kontaktpunkt": model.NodeKind.TOUCHPOINT,
    "goal": model.NodeKind.GOAL,
    "ziel": model.NodeKind.GOAL,
    "exit": model.NodeKind.EXIT,
    "ausstieg": model.NodeKind.EXIT,
    "abbruch": model.NodeKind.EXIT,
}
CHANNEL_KINDS: Final = {
    "online": "online",
    "digital": "online",
    "offline": "offline",
    "analog": "offline",
}
NO_STAGE: Final = "-"
"""A stage cell that says: in no stage (an empty one says: as above)."""
_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)")
_TEXTS: Final = (
    ("action", "actions"),
    ("motivation", "motivations"),
    ("question", "questions"),
    ("pain", "pains"),
    ("opportunity", "opportunities"),
    ("events", "events"),
)


@dataclasses.dataclass(slots=True)
class _Row:
    """A touchpoint's row while the table is read."""

    node: model.Touchpoint
    cells: dict[str, sheets.Cell]


def read(
    grid: sheets.Grid, *, columns: Mapping[str, str] | None = None, title: str = "Journey"
) -> building.Imported:
    """The journey a touchpoint table describes.

    Args:
        grid: The sheet's cells, the header row first.
        columns: A team's own headers, by column key (``{"pain": "Was nervt"}``).
        title: The journey's title.
    """
    return _Reader(grid, dict(columns or {})).read(title)


class _Reader:
    def __init__(self, grid: sheets.Grid, columns: dict[str, str]) -> None:
        self.grid = grid
        self.columns = columns
        self.found: list[Diagnostic] = []
        self.keys: dict[int, str] = {}
        self.stages: dict[str, model.Stage] = {}
        self.stage_ids = building.Ids(prefix="stage")
        self.members: dict[str, list[str]] = {}
        self.channels: dict[str, model.Channel] = {}
        self.channel_ids = building.Ids(prefix="c")
        self.personas: dict[str, model.Persona] = {}
        self.persona_ids = building.Ids(prefix="p")
        self.node_ids = building.Ids()
        self.explicit: set[str] = set()

    def read(self, title: str) -> building.Imported:
        if not self.grid.rows:
            self._problem(codes.TABLE_MISSING_COLUMN, "the table is empty", None, "no header row")
            return building.Imported(None, tuple(self.found))
        self._header(self.grid.rows[0])
        if "touchpoint" not in self.keys.values():
            return building.Imported(None, tuple(self.found))
        rows = self._rows()
        if not rows:
            if not self.found:
                self._problem(
                    codes.TABLE_MISSING_COLUMN,
                    "the table has no rows below its header",
                    None,
                    "no touchpoints",
                    "write one row per touchpoint",
                )
            return building.Imported(None, tuple(self.found))
        rows = self._ends(rows)
        transitions = self._transitions(rows)
        if any(d.severity.rank == 0 for d in self.found):
            return building.Imported(None, tuple(self.found))
        stages = tuple(
            dataclasses.replace(stage, touchpoints=tuple(self.members[stage.id]))
            for stage in self.stages.values()
        )
        journey = model.Journey(
            title=title,
            description=None,
            owner=None,
            personas=tuple(self.personas.values()),
            channels=tuple(self.channels.values()),
            stages=stages,
            touchpoints=tuple(r.node for r in rows),
            transitions=transitions,
            import_refs=(),
            span=building.whole(self.grid.source),
        )
        return building.Imported(journey, tuple(self.found))

    # -- header and rows ---------------------------------------------------
    def _header(self, header: tuple[sheets.Cell, ...]) -> None:
        known = [h for c in layout.COLUMNS for h in (c.english, c.german)]
        for cell in header:
            if not cell.text:
                continue
            key = layout.column_for(cell.text, self.columns)
            if key is None:
                self._problem(
                    codes.TABLE_UNKNOWN_COLUMN,
                    f"the column `{cell.text}` is no column cjdsl reads; it is ignored",
                    cell,
                    "unknown header",
                    did_you_mean(cell.text, known)
                    or "name it with --column KEY=HEADER (see `cjdsl import table --help`)",
                )
            elif key in self.keys.values():
                self._problem(
                    codes.TABLE_UNKNOWN_COLUMN,
                    f"a second `{cell.text}` column; only the first is read",
                    cell,
                    "repeated column",
                )
            else:
                self.keys[cell.column] = key
        if "touchpoint" not in self.keys.values():
            wanted = layout.COLUMNS[1]
            found = ", ".join(f"`{c.text}`" for c in header if c.text) or "none"
            self._problem(
                codes.TABLE_MISSING_COLUMN,
                f"no touchpoint column among the headers ({found})",
                header[0] if header else None,
                "the header row",
                f"name one `{wanted.english}` or `{wanted.german}`, or say which it is "
                "with --column touchpoint=HEADER",
            )

    def _rows(self) -> list[_Row]:
        rows: list[_Row] = []
        stage: str | None = None
        for raw in self.grid.rows[1:]:
            cells = {self.keys[c.column]: c for c in raw if c.column in self.keys}
            if not any(c.text for c in cells.values()):
                continue
            name = cells.get("touchpoint")
            if name is None or not name.text:
                first = next(c for c in cells.values() if c.text)
                self._problem(
                    codes.TABLE_MISSING_TOUCHPOINT,
                    f"row {first.row} has no touchpoint",
                    first,
                    "this row's touchpoint cell is empty",
                    "write the touchpoint's name in its column, or empty the row",
                )
                continue
            if "stage" in cells and cells["stage"].text:
                text = cells["stage"].text
                stage = None if text == NO_STAGE else self._stage(cells["stage"])
            rows.append(_Row(self._node(name, cells, stage), cells))
        return rows

    def _stage(self, cell: sheets.Cell) -> str:
        if cell.text not in self.stages:
            id_ = self.stage_ids.make(cell.text)
            self.stages[cell.text] = model.Stage(id_, cell.text, None, (), cell.span, cell.span)
            self.members[id_] = []
        return self.stages[cell.text].id

    def _node(
        self, name: sheets.Cell, cells: dict[str, sheets.Cell], stage: str | None
    ) -> model.Touchpoint:
        fields: dict[str, object] = {}
        id_cell = cells.get("id")
        if id_cell is not None and id_cell.text:
            if not vocabulary.ID.fullmatch(id_cell.text) or id_cell.text in vocabulary.KEYWORDS:
                self._invalid(id_cell, f"`{id_cell.text}` is no id", "letters, digits and `_`")
                id_ = self.node_ids.make(name.text)
            elif id_cell.text in self.explicit:
                self._invalid(id_cell, f"the id `{id_cell.text}` is used twice", "already used")
                id_ = self.node_ids.make(name.text)
            else:
                id_ = self.node_ids.claim(id_cell.text)
                self.explicit.add(id_cell.text)
        else:
            id_ = self.node_ids.make(name.text)
        kind = model.NodeKind.TOUCHPOINT
        if "kind" in cells and cells["kind"].text:
            found = KINDS.get(cells["kind"].text.lower())
            if found is None:
                self._invalid(
                    cells["kind"], f"`{cells['kind'].text}` is no kind", "touchpoint, goal or exit"
                )
            else:
                kind = found
        if "channel" in cells and cells["channel"].text:
            fields["channel_ref"] = model.Ref(
                self._channel(cells["channel"], cells.get("channel_kind")), cells["channel"].span
            )
        if "personas" in cells and cells["personas"].text:
            fields["persona_refs"] = self._personas(cells["personas"])
        if "emotion" in cells and cells["emotion"].text:
            fields["emotion"] = self._emotion(cells["emotion"])
        for key, field in _TEXTS:
            if key in cells and cells[key].text:
                fields[field] = tuple(
                    line.strip() for line in cells[key].text.split("\n") if line.strip()
                )
        for key in ("description", "owner", "link"):
            if key in cells and cells[key].text:
                fields[key] = cells[key].text
        if "tags" in cells and cells["tags"].text:
            fields["tags"] = tuple(
                dict.fromkeys(_tag(t) for t in cells["tags"].text.split(",") if t.strip())
            )
        if "kpi" in cells and cells["kpi"].text:
            fields["kpis"] = self._kpis(cells["kpi"])
        if "cost" in cells and cells["cost"].text:
            fields["cost"] = self._money(cells["cost"], cells["cost"].text, "`1200 EUR`")
        if "reach" in cells and cells["reach"].text:
            fields["reach"] = self._reach(cells["reach"])
        if "lane" in cells and cells["lane"].text:
            fields["lane"] = self._lane(cells["lane"])
        if stage is not None:
            self.members[stage].append(id_)
        return building.node(id_, name.text, name.span, kind=kind, stage=stage, **fields)

    def _channel(self, cell: sheets.Cell, kind_cell: sheets.Cell | None) -> str:
        kind: str | None = None
        if kind_cell is not None and kind_cell.text:
            kind = CHANNEL_KINDS.get(kind_cell.text.lower())
            if kind is None:
                self._invalid(
                    kind_cell,
                    f"`{kind_cell.text}` is neither online nor offline",
                    "online or offline",
                )
        known = self.channels.get(cell.text)
        if known is None:
            id_ = self.channel_ids.make(cell.text)
            self.channels[cell.text] = model.Channel(
                id_, cell.text, kind, cell.span, cell.span, cell.span.file.path
            )
        elif kind is not None and known.kind is None:
            self.channels[cell.text] = dataclasses.replace(known, kind=kind)
        elif kind is not None and kind != known.kind and kind_cell is not None:
            self._invalid(
                kind_cell, f"the channel `{cell.text}` is {known.kind} above", f"{kind} here"
            )
        return self.channels[cell.text].id

    def _personas(self, cell: sheets.Cell) -> tuple[model.Ref, ...]:
        refs: dict[str, model.Ref] = {}
        for name in layout.split_names(cell.text):
            if not name:
                continue
            if name not in self.personas:
                id_ = self.persona_ids.make(name)
                self.personas[name] = model.Persona(
                    id_, name, None, (), (), cell.span, cell.span, cell.span.file.path
                )
            id_ = self.personas[name].id
            refs.setdefault(id_, model.Ref(id_, cell.span))
        return tuple(refs.values())

    def _emotion(self, cell: sheets.Cell) -> model.Emotion | None:
        number, _, word = cell.text.partition(" ")
        if not _NUMBER.fullmatch(number) or not -2 <= float(number) <= 2:
            self._invalid(
                cell,
                f"`{cell.text}` is no emotion",
                "a number from −2 to +2, then a word if you like",
            )
            return None
        return building.emotion(float(number), cell.span, word.strip() or None)

    def _kpis(self, cell: sheets.Cell) -> tuple[model.Kpi, ...]:
        kpis = []
        for line in (x.strip() for x in cell.text.split("\n")):
            if not line:
                continue
            name, _, value = line.partition(" ")
            value = value.strip()
            figure: model.Quantity | model.Money | None
            if not vocabulary.ID.fullmatch(name) or not value:
                figure = None
            elif " " in value:
                figure = self._money(cell, value, "`umsatz 1200 EUR`", report=False)
            else:
                figure = literals.quantity(value, literals.NUMBER_UNITS["kpi"])
            if figure is None:
                self._invalid(cell, f"`{line}` is no key figure", "a name and a number: `ctr 2.1%`")
                continue
            kpis.append(model.Kpi(name, figure, cell.span))
        return tuple(kpis)

    def _money(
        self, cell: sheets.Cell, text: str, form: str, *, report: bool = True
    ) -> model.Money | None:
        amount, _, currency = text.partition(" ")
        currency = currency.strip()
        if _NUMBER.fullmatch(amount) and literals.CURRENCY.fullmatch(currency):
            return model.Money(float(amount), currency, f"{amount} {currency}")
        if report:
            self._invalid(cell, f"`{text}` is no amount", f"an amount and a currency: {form}")
        return None

    def _lane(self, cell: sheets.Cell) -> str | None:
        lane = cell.text.lower()
        if lane in ("customer", "kunde"):
            return None
        if lane not in vocabulary.LANES:
            self._invalid(cell, f"`{cell.text}` is no lane", ", ".join(vocabulary.LANES))
            return None
        return lane

    def _reach(self, cell: sheets.Cell) -> float | None:
        if _NUMBER.fullmatch(cell.text) and float(cell.text) >= 0:
            return float(cell.text)
        self._invalid(cell, f"`{cell.text}` is no reach", "a number of customers: `10000`")
        return None

    # -- ends and transitions ---------------------------------------------
    def _ends(self, rows: list[_Row]) -> list[_Row]:
        """Entries: the rows whose kind says ``entry`` if any does, else the first row (and
        any with a reach); without a kind of its own the last row (of two) is the goal."""
        said = [r for r in rows if "kind" in r.cells and r.cells["kind"].text.lower() in ENTRY]
        for i, row in enumerate(rows):
            first = i == 0 or row.node.reach is not None
            entry = any(r is row for r in said) if said else first
            if entry and row.node.kind is not model.NodeKind.TOUCHPOINT:
                if row.node.reach is not None:
                    self._invalid(
                        row.cells["reach"], "a reach on a goal or exit", "only entries have a reach"
                    )
                entry = False
            if entry:
                row.node = dataclasses.replace(row.node, entry=True)
        last = rows[-1] if len(rows) > 1 else None
        kind = last.cells.get("kind") if last is not None else None
        if last is not None and (kind is None or not kind.text) and not last.node.entry:
            last.node = dataclasses.replace(last.node, kind=model.NodeKind.GOAL)
        return rows

    def _transitions(self, rows: list[_Row]) -> tuple[model.Transition, ...]:
        by_name: dict[str, model.Touchpoint] = {}
        for row in rows:
            by_name.setdefault(row.node.id, row.node)
        for row in rows:
            by_name.setdefault(row.node.label, row.node)
            by_name.setdefault(building.make_id(row.node.label), row.node)
        out: list[model.Transition] = []
        for i, row in enumerate(rows):
            cell = row.cells.get("next")
            if cell is None or not cell.text:
                if i + 1 < len(rows) and row.node.kind is not model.NodeKind.EXIT:
                    out.append(building.transition(row.node, rows[i + 1].node))
                continue
            if cell.text == "-":
                continue
            for item in (x.strip() for x in cell.text.split(",")):
                if item:
                    out.extend(self._hop(row.node, item, cell, by_name))
        return tuple(out)

    def _hop(
        self,
        source: model.Touchpoint,
        item: str,
        cell: sheets.Cell,
        by_name: dict[str, model.Touchpoint],
    ) -> list[model.Transition]:
        name, probability = item, None
        head, _, last = item.rpartition(" ")
        if head and last.endswith("%"):
            probability = literals.quantity(last, literals.NUMBER_UNITS["probability"])
            if probability is None:
                self._invalid(cell, f"`{last}` is no probability", "a percentage: `40%`")
                return []
            name = head.strip()
        target = by_name.get(name)
        if target is None:
            self._problem(
                codes.TABLE_UNKNOWN_NEXT,
                f"`{name}` names no touchpoint of the table",
                cell,
                "unknown touchpoint",
                did_you_mean(
                    name, [n for n in by_name if " " not in n] + [t.label for t in by_name.values()]
                )
                or "name a touchpoint by its id or its label",
            )
            return []
        return [building.transition(source, target, probability, cell.span)]

    # -- diagnostics -------------------------------------------------------
    def _invalid(self, cell: sheets.Cell, message: str, label: str) -> None:
        self._problem(codes.TABLE_INVALID_CELL, message, cell, label)

    def _problem(
        self,
        code: codes.Code,
        message: str,
        cell: sheets.Cell | None,
        label: str,
        hint: str | None = None,
    ) -> None:
        if cell is None:
            span = building.whole(self.grid.source)
            where = ""
        else:
            span = cell.span
            header = self._header_text(cell.column)
            where = f" (row {cell.row}, column {sheets.column_letter(cell.column)}{header})"
        self.found.append(Diagnostic(code, message + where, span, label, hint))

    def _header_text(self, column: int) -> str:
        header = self.grid.rows[0] if self.grid.rows else ()
        text = next((c.text for c in header if c.column == column), "")
        return f" `{text}`" if text else ""


def _tag(text: str) -> str:
    """A tag as written if it is an id, else an id made from it."""
    text = text.strip()
    return text if vocabulary.ID.fullmatch(text) else building.make_id(text, prefix="tag")
