"""How the literals of a journey read: strings, numbers with units, currencies.

Lowering reads every literal through here, and the formatter its strings, so the two
read them alike.
"""

from __future__ import annotations

import functools
import re
import textwrap
from typing import Final

from .. import model

__all__ = [
    "CURRENCY",
    "CURRENCY_SIGNS",
    "DURATION_UNITS",
    "MAX_DIGITS",
    "NUMBER_UNITS",
    "UNIT_WORDS",
    "quantity",
    "quote",
    "text",
    "too_large",
    "unit_word",
]

DURATION_UNITS: Final = {
    "s": 1,
    "m": 60,
    "h": 3600,
    "d": 86400,
    "w": 604800,
    "mo": 2_629_800,  # a twelfth of a year: 30.44 days
    "y": 31_557_600,  # 365.25 days
}
NUMBER_UNITS: Final = {
    "probability": ("%", ""),
    "duration": tuple(DURATION_UNITS),
    "plain": ("",),
    "share": ("%", ""),
    "kpi": ("", "%", *DURATION_UNITS),
}
"""The units each place of a number accepts (``""``: none)."""
_UNIT_WORDS: Final = {
    "s": ("s", "sec", "secs", "second", "seconds", "sek", "sekunde", "sekunden"),
    "m": ("min", "mins", "minute", "minutes", "minuten"),
    "h": ("hr", "hrs", "hour", "hours", "std", "stunde", "stunden"),
    "d": ("day", "days", "t", "tg", "tag", "tage", "tagen"),
    "w": ("wk", "wks", "week", "weeks", "wo", "woche", "wochen"),
    "mo": ("mon", "month", "months", "monat", "monate", "monaten"),
    "y": ("yr", "yrs", "year", "years", "j", "jahr", "jahre", "jahren"),
}
UNIT_WORDS: Final = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}
"""Words people write after a number for a duration (English and German, lower case),
and the unit of the language each means: the hint for ``after 30 Min`` is ``30m``."""
CURRENCY_SIGNS: Final = {"€": "EUR", "$": "USD", "£": "GBP"}
"""Currency signs and the ISO 4217 code the language writes for them (``35 €``: ``35 EUR``)."""
MAX_DIGITS: Final = 15
"""The most digits a number may have before its point. Such numbers are exact in a float,
and sums of them (reach over entries, money and durations along paths) stay far from
overflow: a 400-digit reach read as infinity made the conversion `nan%`."""
CURRENCY: Final = re.compile(r"[A-Z]{3}")


def unit_word(word: str) -> str | None:
    """The duration unit a word written after a number means (``Wochen``: ``w``), if any."""
    return UNIT_WORDS.get(word.lower().rstrip("."))


_NUMBER: Final = re.compile(r"([+-]?(?:\d+(?:\.\d+)?|\.\d+))(.*)")
_ESCAPE: Final = re.compile(r"\\(.)", re.DOTALL)
_ESCAPES: Final = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def text(raw: str) -> str:
    """The text of a string literal, escapes resolved; triple-quoted text dedented.

    >>> text('"say \\\\"hi\\\\""'), text('\"\"\"  one\\n    two\\n  \"\"\"')
    ('say "hi"', 'one\\ntwo')
    """
    if raw.startswith('"""'):
        body = raw[3:-3]
        first, _, rest = body.partition("\n")
        return (first.strip() + "\n" + textwrap.dedent(rest)).strip() if rest else first.strip()
    if "\\" not in raw:
        return raw[1:-1]
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(0)), raw[1:-1])


def quote(value: str) -> str:
    r"""A string literal that reads back as ``value`` (the inverse of ``text``).

    >>> print(quote('say "hi"\n\tnow'))
    "say \"hi\"\n\tnow"
    >>> text(quote('a\\b\tc')) == 'a\\b\tc'
    True
    """
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\t", "\\t") + '"'


@functools.lru_cache(maxsize=4096)
def quantity(written: str, units: tuple[str, ...]) -> model.Quantity | None:
    """A number token read as a quantity, or ``None`` when its unit does not fit ``units``.

    Cached: the same few numbers (``30%``, ``2d``) recur thousands of times in a journey.

    >>> quantity("40%", NUMBER_UNITS["probability"])
    Quantity(value=0.4, unit='%', text='40%')
    >>> quantity("2d", NUMBER_UNITS["probability"]) is None
    True
    """
    match = _NUMBER.fullmatch(written)
    if match is None:  # the grammar's NUMBER always matches
        return None
    value, unit = float(match.group(1)), match.group(2)
    if unit not in units:
        return None
    if unit == "%":
        value /= 100
    elif unit in DURATION_UNITS:
        value *= DURATION_UNITS[unit]
    return model.Quantity(value, unit, written)


def too_large(written: str) -> bool:
    """Whether a number token has more than ``MAX_DIGITS`` digits before its point.

    >>> too_large("9" * 400), too_large("999999999999999w"), too_large("-000012.5%")
    (True, False, False)
    """
    match = _NUMBER.fullmatch(written)
    if match is None:  # the grammar's NUMBER always matches
        return False
    whole = match.group(1).lstrip("+-").partition(".")[0]
    return len(whole.lstrip("0")) > MAX_DIGITS
