"""Hints for what writers used to other languages put where cjdsl expects something else.

German habits above all: a decimal comma (``0,45``, ``6,50 EUR``), a blank before ``%``
(``30 %``), a currency sign (``35 €``), a unit word after a blank (``after 30 Min``). The
parser asks here only when it has already met a syntax error, so reading a valid file costs
nothing; each look reads back only the number and the blanks before the error, so a long
line costs no more than a short one.
"""

from __future__ import annotations

from typing import Final

import lark

from . import literals

__all__ = ["character", "token"]


_NUMBER_CHARS: Final = frozenset("0123456789.,")


def _back(text: str, at: int, chars: str | frozenset[str]) -> int:
    """Where the run of ``chars`` that ends at ``at`` begins (only the run is read)."""
    while at > 0 and text[at - 1] in chars:
        at -= 1
    return at


def _number_before(text: str, at: int) -> tuple[str, bool]:
    """The number written just before ``at`` (``""``: none) and whether blanks part them."""
    end = _back(text, at, " \t")
    number = text[_back(text, end, _NUMBER_CHARS) : end].strip(".,")
    return (number if number[:1].isdigit() else ""), end < at


def _after_before(text: str, at: int) -> bool:
    """Whether the number before ``at`` follows the keyword ``after`` (``after 30 Min``)."""
    start = _back(text, _back(text, _back(text, at, " \t"), _NUMBER_CHARS), " \t")
    return text[max(0, start - 5) : start] == "after" and not text[start - 6 : start - 5].isalnum()


def character(char: str, text: str, at: int) -> tuple[str, str]:
    """The label and hint of an unexpected character, for the habits of other languages
    (German: ``30 %``, ``35 €``) as well as for a stray one."""
    number, spaced = _number_before(text, at)
    shown = number.replace(",", ".")
    if char == "%" and number:
        if spaced:
            return "a percentage has no space before `%`", f"no space: `{shown}%`"
        return "not part of the language", f"write the percentage as `{shown}%`"
    if char in literals.CURRENCY_SIGNS and number:
        amount = f"{shown} {literals.CURRENCY_SIGNS[char]}"
        return "amounts take an ISO 4217 currency code", f"write the code: `{amount}`"
    return "not part of the language", "remove it, or put the text inside a string"


def token(token: lark.Token, text: str, at: int) -> str | None:
    """A hint for what German habits write where the language expects something else: a
    decimal comma (``0,45``) and a unit word after a blank (``after 30 Min``)."""
    number, spaced = _number_before(text, at)
    if not number:
        return None
    if token.type == "COMMA" and not spaced and text[at + 1 : at + 2].isdigit():
        after = at + 1
        while after < len(text) and text[after].isdigit():
            after += 1
        return f"use a decimal point: `{number}.{text[at + 1 : after]}`"
    unit = None
    if token.type == "NAME" and spaced and _after_before(text, at):
        unit = literals.unit_word(str(token))
    if unit is not None:
        return f"write the unit right after the number: `{number}{unit}`"
    return None
