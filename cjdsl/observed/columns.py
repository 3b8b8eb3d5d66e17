"""Which column of an event log is which: flags, a small mapping file, or common names.

Pure: takes the column names a log has and what the user said, and returns the mapping or a
``LogError`` that names the missing column, the columns that are there and the closest one.
A log's columns are matched without regard to case; the first common name found wins.

>>> Columns.find(["User_ID", "Timestamp", "Event", "revenue"]).value
'revenue'
>>> Columns.find(["kunde", "zeit", "kanal"], user="kunde").event
'kanal'
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
from collections.abc import Mapping, Sequence
from typing import Final

from ..errors import CjdslError

__all__ = ["COMMON_NAMES", "ROLES", "Columns", "LogError", "parse_mapping"]


class LogError(CjdslError):
    """An event log cjdsl cannot read as asked: the message says what and where, and how
    to fix it (the CLI prints it and exits 2)."""


ROLES: Final = ("user", "time", "event", "conversion", "value", "segment")
"""The roles a column can play; ``user``, ``time`` and ``event`` are required."""

REQUIRED: Final = ("user", "time", "event")

COMMON_NAMES: Final[Mapping[str, tuple[str, ...]]] = {
    "user": (
        "user_id",
        "userid",
        "user",
        "customer_id",
        "customer",
        "client_id",
        "visitor_id",
        "person_id",
        "contact_id",
        "account_id",
        "kunden_id",
        "kundennummer",
        "kunde",
    ),
    "time": (
        "timestamp",
        "time",
        "ts",
        "event_time",
        "datetime",
        "created_at",
        "occurred_at",
        "date",
        "zeitpunkt",
        "zeitstempel",
        "zeit",
        "datum",
    ),
    "event": (
        "event",
        "event_name",
        "touchpoint",
        "channel",
        "activity",
        "action",
        "page",
        "step",
        "ereignis",
        "kanal",
    ),
    "conversion": ("conversion", "converted", "is_conversion", "konversion", "abschluss"),
    "value": ("conversion_value", "value", "revenue", "amount", "umsatz", "wert"),
    "segment": ("segment", "persona", "cohort", "segment_id"),
}
"""The names each role is looked for under when no flag or mapping names its column."""


@dataclasses.dataclass(frozen=True, slots=True)
class Columns:
    """The log's column for each role; ``None``: the log has none (no conversions, no
    values, one segment)."""

    user: str
    time: str
    event: str
    conversion: str | None = None
    value: str | None = None
    segment: str | None = None

    @classmethod
    def find(cls, present: Sequence[str], **given: str | None) -> Columns:
        """The mapping for a log with columns ``present``: what ``given`` names (a role to a
        column), else the first common name the log has. Raises ``LogError`` for a named
        column the log lacks and for a required role nobody named and no common name fits."""
        by_lower = {name.lower(): name for name in reversed(present)}
        chosen: dict[str, str | None] = {}
        for role in ROLES:
            name = given.get(role)
            if name:
                if name not in present:
                    raise LogError(_missing(name, role, present, by_lower))
                chosen[role] = name
                continue
            found = next((by_lower[n] for n in COMMON_NAMES[role] if n in by_lower), None)
            if found is None and role in REQUIRED:
                raise LogError(
                    f"no column for the {role} (looked for {', '.join(COMMON_NAMES[role][:4])}"
                    f" …); the log's columns: {_list(present)}; name it with --{role} COLUMN"
                )
            chosen[role] = found
        taken = [c for c in chosen.values() if c is not None]
        for column in taken:
            if taken.count(column) > 1:
                roles = [r for r, c in chosen.items() if c == column]
                raise LogError(
                    f"column '{column}' is used as {' and '.join(roles)}; "
                    f"name one of them with --{roles[-1]} COLUMN"
                )
        user, time, event = chosen["user"], chosen["time"], chosen["event"]
        assert user is not None and time is not None and event is not None
        return cls(user, time, event, chosen["conversion"], chosen["value"], chosen["segment"])

    def used(self) -> dict[str, str]:
        """Role → column for every role the log has a column for."""
        return {r: c for r in ROLES if (c := getattr(self, r)) is not None}


def parse_mapping(text: str, where: str) -> dict[str, str]:
    """The roles a mapping file names: TOML, one ``role = "column"`` a line.

    >>> parse_mapping('user = "kd_nr"\\nevent = "kanal"', "m.toml")
    {'user': 'kd_nr', 'event': 'kanal'}
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LogError(f"{where}: not a mapping file ({error})") from error
    roles: dict[str, str] = {}
    for key, value in data.items():
        if key not in ROLES:
            close = difflib.get_close_matches(key, ROLES, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise LogError(f"{where}: unknown role '{key}' (roles: {', '.join(ROLES)}){hint}")
        if not isinstance(value, str) or not value:
            raise LogError(f'{where}: {key} must name a column, as in {key} = "column"')
        roles[key] = value
    return roles


def _missing(name: str, role: str, present: Sequence[str], by_lower: Mapping[str, str]) -> str:
    """The message for a column the log lacks, with the closest one it has."""
    close = by_lower.get(name.lower()) or next(
        iter(difflib.get_close_matches(name, present, n=1, cutoff=0.5)), None
    )
    hint = f"; did you mean '{close}'?" if close else ""
    return f"the log has no column '{name}' (--{role}); its columns: {_list(present)}{hint}"


def _list(present: Sequence[str]) -> str:
    shown = ", ".join(present[:20])
    return shown + (f" … ({len(present)} in all)" if len(present) > 20 else "")
