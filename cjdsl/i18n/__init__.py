"""The words and numbers cjdsl writes, in the reader's language: gettext and Babel.

Every user-visible word of a diagram, journey map, report or page goes through
``Locale._`` (a gettext catalog per language, extracted from the code with
Babel's extractor and compiled to ``.mo`` when the wheel is built), and every
figure through the ``Locale`` formatters (Babel's CLDR data): ``1,62 %`` and
``173.000`` in German, ``1.62%`` and ``173,000`` in English. Diagnostics stay in
English, like a compiler's.

Durations print as the two largest units, rounded: in English the units the
language reads (``2mo 3d``), so a printed figure can be written back; elsewhere
CLDR's short units (``2 Mon. 3 Tg.``). A month is a twelfth of a year of 365.25
days (30.44 days), as ``literals.DURATION_UNITS`` reads it.

>>> de = locale("de")
>>> de.percent(0.0162), de.count(173000), de.money(4200, "EUR"), de.duration(5_500_000)
('1,62\\xa0%', '173.000', '4.200,00\\xa0€', '2 Mon. 3 Tg.')
>>> en = locale("en")
>>> en.percent(0.0162), en.count(173000), en.money(4200, "EUR"), en.duration(5_500_000)
('1.62%', '173,000', '€4,200.00', '2mo 3d')
"""

from __future__ import annotations

import dataclasses
import decimal
import functools
import gettext
import io
import math
import pathlib
from typing import TYPE_CHECKING, Final

from ..language.literals import DURATION_UNITS

if TYPE_CHECKING:  # Babel's CLDR data takes a while to load: only when output is written
    import babel

__all__ = ["CATALOGS", "DEFAULT", "DOMAIN", "LANGS", "N_", "Locale", "locale", "translations"]

LANGS: Final = ("en", "de")
"""The languages cjdsl writes; English is the source language of the catalogs."""
DEFAULT: Final = "en"
DOMAIN: Final = "cjdsl"
CATALOGS: Final = pathlib.Path(__file__).resolve().parent / "locales"
"""``<lang>/LC_MESSAGES/cjdsl.po`` (and the compiled ``.mo`` in a built wheel)."""

# Printed durations: the units of the language, largest first, each with the unit
# printed after it (weeks are followed by days, months by days too: "1mo 15d").
_UNITS: Final[tuple[tuple[str, str, str], ...]] = (
    ("y", "duration-year", "mo"),
    ("mo", "duration-month", "d"),
    ("w", "duration-week", "d"),
    ("d", "duration-day", "h"),
    ("h", "duration-hour", "m"),
    ("m", "duration-minute", "s"),
    ("s", "duration-second", ""),
)
_CLDR: Final = {unit: cldr for unit, cldr, _ in _UNITS}


def N_(message: str) -> str:
    """Mark a text for the catalogs where it is translated later (a table of names)."""
    return message


def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of ``lang``: its compiled ``.mo``, else its ``.po`` compiled in memory.

    A source checkout has only the ``.po`` (the wheel build compiles it), so both work
    without a build step; English, the source language, needs no catalog.
    """
    if lang == DEFAULT:
        return gettext.NullTranslations()
    folder = CATALOGS / lang / "LC_MESSAGES"
    mo = folder / f"{DOMAIN}.mo"
    if mo.is_file():
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    from babel.messages import mofile, pofile

    with (folder / f"{DOMAIN}.po").open("rb") as handle:
        catalog = pofile.read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    mofile.write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@dataclasses.dataclass(frozen=True, slots=True)
class Locale:
    """One output language: its words (gettext) and its number formats (Babel)."""

    lang: str
    words: gettext.NullTranslations = dataclasses.field(repr=False, compare=False)
    cldr: babel.Locale = dataclasses.field(repr=False, compare=False)

    def _(self, message: str) -> str:
        """``message`` (an English UI text, extracted into the catalogs) in this language.

        Named as gettext names it, so Babel's extractor finds every ``t._("…")``.
        """
        return self.words.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural form of a counted text, by this language's rules."""
        return self.words.ngettext(singular, plural, n)

    def number(self, value: float, decimals: int = 0) -> str:
        """A figure with grouping and this language's decimal sign, ``decimals`` places."""
        import babel.numbers

        pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
        return babel.numbers.format_decimal(value, format=pattern, locale=self.cldr)

    def count(self, value: float) -> str:
        """A number of customers or visits: whole above 10, one decimal below."""
        if math.isinf(value):
            return "∞"
        return self.number(value, 0 if abs(value) >= 10 else 1)

    def percent(self, p: float, significant: int = 3, *, places: int | None = None) -> str:
        """A share to ``significant`` digits (``12.5%``, ``0.625%``), or to ``places`` decimal
        places, as the language writes it (``12,5 %``)."""
        import babel.numbers

        digit = "0"  # fixed places keep their zeros: 1.0%
        if places is None:
            shown = decimal.Decimal(f"{p * 100:.{significant}g}")  # exact: no float noise
            exponent = shown.normalize().as_tuple().exponent
            places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
            digit = "#"
        else:
            shown = decimal.Decimal(f"{p * 100:.{places}f}")
        pattern = self.cldr.percent_formats[None].pattern.replace(
            "#,##0", "#,##0" + ("." + digit * places if places else ""), 1
        )
        return babel.numbers.format_percent(
            shown.scaleb(-2), format=pattern, locale=self.cldr, decimal_quantization=False
        )

    def money(self, amount: float, currency: str) -> str:
        """An amount in ``currency`` (ISO 4217), two places: ``4.200,00 €``, ``€4,200.00``."""
        import babel.numbers

        return babel.numbers.format_currency(amount, currency, locale=self.cldr)

    def duration(self, seconds: float | None) -> str:
        """Seconds as the two largest units, the second rounded (``2mo 3d``, ``1h 30m``)."""
        if seconds is None:
            return "–"
        if math.isinf(seconds):
            return "∞"
        parts = _split(max(0.0, seconds))
        if self.lang == DEFAULT:
            return " ".join(f"{amount}{unit}" for unit, amount in parts)
        import babel.units

        return " ".join(
            babel.units.format_unit(amount, cldr, length="short", locale=self.cldr)
            for unit, amount in parts
            for cldr in (_CLDR[unit],)
        )


def _split(seconds: float) -> list[tuple[str, int]]:
    """The two largest units of ``seconds``: the first whole, the second rounded."""
    unit, _, smaller = next(u for u in _UNITS if seconds >= DURATION_UNITS[u[0]] or u[0] == "s")
    size = DURATION_UNITS[unit]
    if not smaller:
        return [(unit, round(seconds))]
    whole, small = math.floor(seconds / size), DURATION_UNITS[smaller]
    rest = round((seconds - whole * size) / small)
    if rest * small >= size:  # rounding filled the larger unit: 59m 60s is 1h
        return _split((whole + 1) * size)
    return [(unit, whole), (smaller, rest)] if rest else [(unit, whole)]


@functools.cache
def locale(lang: str | None = None) -> Locale:
    """The ``Locale`` of ``lang`` (one of ``LANGS``; ``None``: English), built once."""
    chosen = lang or DEFAULT
    if chosen not in LANGS:
        raise ValueError(f"unknown language `{chosen}` (choose from {', '.join(LANGS)})")
    import babel

    return Locale(chosen, translations(chosen), babel.Locale.parse(chosen))
