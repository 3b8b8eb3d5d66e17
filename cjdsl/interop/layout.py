"""The spreadsheet layout: one row per touchpoint, its columns, the headers they go by and
how one cell holds several names.

``import table`` reads it and ``export -f csv|xlsx`` writes it, so both read this one table.
Each column fills one model field; its header may be written in English or German, in any
case, with blanks or a trailing colon (``Schmerzpunkt``, ``Pain point:``); a team's own
header is given with ``--column pain="Was nervt"``.

>>> column_for("  Kontaktpunkt:"), column_for("Pain Points"), column_for("Kanal-Typ")
('touchpoint', 'pain', 'channel_kind')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Final

__all__ = ["COLUMNS", "Column", "column_for", "headers", "normalise", "quote_name", "split_names"]


@dataclasses.dataclass(frozen=True, slots=True)
class Column:
    """One column: its key (``--column`` names it), the English and German header written
    on export, the other headers read, and what a cell holds."""

    key: str
    english: str
    german: str
    aliases: tuple[str, ...]
    doc: str


COLUMNS: Final[tuple[Column, ...]] = (
    Column(
        "stage", "Stage", "Phase", ("stufe", "etappe", "step"), "the stage's name (empty: as above)"
    ),
    Column(
        "touchpoint",
        "Touchpoint",
        "Kontaktpunkt",
        ("berührungspunkt", "touch point", "name", "schritt"),
        "the label; required",
    ),
    Column("id", "ID", "ID", ("kennung",), "the id (default: made from the label)"),
    Column(
        "kind",
        "Kind",
        "Art",
        ("typ", "type"),
        "`touchpoint`, `goal` or `exit` (`Ziel`, `Ausstieg`)",
    ),
    Column("channel", "Channel", "Kanal", (), "the channel's name"),
    Column(
        "channel_kind",
        "Online/Offline",
        "Online/Offline",
        ("kanaltyp", "kanalart", "channel kind", "mode", "modus"),
        "`online` or `offline` (`digital`, `analog`)",
    ),
    Column(
        "personas",
        "Personas",
        "Personas",
        ("persona", "für", "for"),
        "persona names, comma-separated (empty: everyone)",
    ),
    Column(
        "emotion",
        "Emotion",
        "Emotion",
        ("gefühl", "stimmung", "feeling"),
        "−2 … +2 and an optional word: `+1 neugierig`",
    ),
    Column("description", "Description", "Beschreibung", (), "free text"),
    Column("action", "Action", "Handlung", ("actions", "aktion", "tätigkeit"), "one a line"),
    Column("motivation", "Motivation", "Motivation", ("motivations",), "one a line"),
    Column("question", "Question", "Frage", ("questions", "fragen"), "one a line"),
    Column(
        "pain",
        "Pain",
        "Schmerzpunkt",
        ("pains", "pain point", "pain points", "schmerzpunkte", "problem"),
        "one a line",
    ),
    Column(
        "opportunity",
        "Opportunity",
        "Chance",
        ("opportunities", "chancen", "idee", "ideen"),
        "one a line",
    ),
    Column(
        "kpi",
        "KPI",
        "KPI",
        ("kpis", "kennzahl", "kennzahlen"),
        "`name value` a line: `ctr 2.1%`, `umsatz 1200 EUR`",
    ),
    Column("cost", "Cost", "Kosten", (), "an amount and its currency: `1200 EUR`"),
    Column(
        "reach",
        "Reach",
        "Reichweite",
        (),
        "customers entering per period (the first row, or an entry)",
    ),
    Column(
        "owner",
        "Owner",
        "Verantwortlich",
        ("verantwortlicher", "verantwortung", "zuständig"),
        "who is responsible",
    ),
    Column("link", "Link", "Link", ("url",), "a link"),
    Column("tags", "Tags", "Tags", ("schlagworte",), "comma-separated"),
    Column("events", "Events", "Ereignisse", ("event", "ereignis"), "log events, one a line"),
    Column(
        "lane",
        "Lane",
        "Ebene",
        ("swimlane", "bahn"),
        "`frontstage`, `backstage`, `support`, `process` (empty: the customer)",
    ),
    Column(
        "next",
        "Next",
        "Weiter",
        ("nächster", "nächste", "danach", "then"),
        "where customers go: `Kasse 40%, Abbruch` (empty: the next row; `-`: nowhere)",
    ),
)
"""Every column, in the order ``export`` writes them."""


def normalise(header: str) -> str:
    """A header as it is compared: lowercase, blanks and ``-``/``_`` as one space, no colon.

    >>> normalise(" Pain_Point: "), normalise("Online / Offline")
    ('pain point', 'online/offline')
    """
    text = header.strip().rstrip(":").strip().lower().replace("_", " ").replace("-", " ")
    text = " ".join(text.split())
    return text.replace(" / ", "/").replace("/ ", "/").replace(" /", "/")


_BY_HEADER: Final = {
    name: column.key
    for column in COLUMNS
    for name in (
        normalise(column.key),
        normalise(column.english),
        normalise(column.german),
        *(normalise(a) for a in column.aliases),
    )
}
_BY_HEADER[normalise("Kanal Typ")] = "channel_kind"


def column_for(header: str, custom: Mapping[str, str] | None = None) -> str | None:
    """The key of the column ``header`` names, or ``None``; ``custom`` maps keys to a
    team's own headers and is asked first."""
    wanted = normalise(header)
    for key, own in (custom or {}).items():
        if normalise(own) == wanted:
            return key
    return _BY_HEADER.get(wanted)


def headers(*, german: bool = False) -> tuple[str, ...]:
    """The header row ``export`` writes."""
    return tuple(c.german if german else c.english for c in COLUMNS)


def split_names(text: str) -> list[str]:
    r"""Names in one cell: one a line, or separated by commas; a name in double quotes
    may hold commas (``"Lena, 22", Ben``).

    >>> split_names('"Lena, 22", Ben'), split_names("Anna\nBen, Carl")
    (['Lena, 22', 'Ben'], ['Anna', 'Ben', 'Carl'])
    """
    names: list[str] = []
    for line in text.split("\n"):
        current: list[str] = []
        quoted = False
        for char in line:
            if char == '"':
                quoted = not quoted
            elif char == "," and not quoted:
                names.append("".join(current).strip())
                current = []
            else:
                current.append(char)
        names.append("".join(current).strip())
    return [name for name in names if name]


def quote_name(name: str) -> str:
    """A name as ``split_names`` reads it back: quoted when it holds a comma."""
    return f'"{name}"' if "," in name and '"' not in name else name
