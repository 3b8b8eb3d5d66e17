"""Reading one file's tokens: spans, references, diagnostics and every kind of value.

What lowering needs from a token whatever statement it stands in: where it is (``span``: a
rule runs from its first token to its last), a reference with its span (``ref``), and the
readers of each value shape the vocabulary names (a string, ids, a number with its unit, an
emotion, an amount, a key figure, a reach), each reporting CJ107/CJ108 where the value is
wrong. ``lowering`` adds the statements on top.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TypeGuard, cast

import lark

from .. import codes, model
from ..diagnostics import Reporter, did_you_mean
from ..source import SourceFile, Span
from . import literals
from .declarations import Declarations

__all__ = ["Attribute", "Reader", "Value", "is_token", "text", "token_span"]


class Reader(Reporter):
    """The token-level half of lowering one file; ``lowering._Lowering`` is the rest."""

    def __init__(self, source: SourceFile) -> None:
        super().__init__()
        self.source = source
        self.found = Declarations()
        self._quantities: dict[tuple[str, str], model.Quantity] = {}
        """Numbers already read well, by text and place: a big journey writes the same
        few (``30%``, ``2d``) tens of thousands of times."""

    def span(self, item: lark.Tree[lark.Token] | lark.Token) -> Span:
        """Where a token or a rule stands (a rule: its first token to its last)."""
        if not isinstance(item, lark.Tree):
            return token_span(self.source, item)
        first, last = _edge_token(item, False), _edge_token(item, True)
        if first is None or last is None:
            return Span(self.source, 0, 0)
        begin = first.start_pos or 0
        return Span(self.source, begin, last.end_pos or begin + len(last))

    def ref(self, token: lark.Token) -> model.Ref:
        return model.Ref(str(token), self.span(token))

    def invalid(self, attribute: Attribute, form: str) -> None:
        self.report(
            codes.INVALID_VALUE,
            f"`{attribute.name}` expects `{form}`",
            attribute.span,
            label="wrong value here",
            hint=f"write it as `{form}`",
        )

    def one_string(self, attribute: Attribute) -> str | None:
        if len(attribute.values) == 1 and attribute.values[0].kind == "STRING":
            return text(attribute.values[0].token)
        self.invalid(attribute, f'{attribute.name} "text"')
        return None

    def names(self, attribute: Attribute) -> list[str]:
        values = attribute.values
        names = [v.token for v in values[::2]]
        commas_ok = all(v.kind == "COMMA" for v in values[1::2])
        if not values or not commas_ok or any(v.kind != "NAME" for v in values[::2]):
            self.invalid(attribute, f"{attribute.name} a, b-c")
            return []
        return [str(n) for n in names]

    def quantity(self, token: lark.Token, place: str, *, example: str) -> model.Quantity | None:
        """The number read as a quantity for its ``place`` (a key of ``literals.NUMBER_UNITS``)."""
        written = str(token)
        known = self._quantities.get((written, place))
        if known is not None:
            return known
        units = literals.NUMBER_UNITS[place]
        quantity = literals.quantity(written, units)
        if quantity is None:
            allowed = ", ".join(f"`{u}`" if u else "no unit" for u in units)
            if "" not in units and literals.quantity(written, ("",)) is not None:
                self.report(  # `after 30`: the unit is missing, not wrong
                    codes.INVALID_NUMBER,
                    f"`{token}` has no unit",
                    self.span(token),
                    label=f"a unit is needed here: {allowed}",
                    hint="write the unit right after the number, for example "
                    + (
                        f"`after {written}d` or `after {written}m`"
                        if place == "duration"
                        else f"`{example}`"
                    ),
                )
                return None
            self.report(
                codes.INVALID_NUMBER,
                f"`{token}` has a unit that does not fit here",
                self.span(token),
                label=f"allowed: {allowed}",
                hint=f"for example `{example}`",
            )
        elif literals.too_large(quantity.text):
            shown = quantity.text if len(quantity.text) <= 24 else quantity.text[:20] + "…"
            self.report(
                codes.INVALID_NUMBER,
                f"`{shown}` is too large",
                self.span(token),
                label="too many digits to compute with",
                hint=f"numbers have at most {literals.MAX_DIGITS} digits before the point "
                f"(less than 10^{literals.MAX_DIGITS}), for example `{example}`",
            )
            return None
        if quantity is not None:
            self._quantities[written, place] = quantity
        return quantity

    def probability(self, token: lark.Token) -> model.Quantity | None:
        return self.quantity(token, "probability", example="40%")

    def duration(self, token: lark.Token) -> model.Quantity | None:
        return self.quantity(token, "duration", example="after 2d")

    def _decimal_comma(self, attribute: Attribute, values: Sequence[Value], form: str) -> None:
        """``cost 6,50 EUR``: a German decimal comma, with the amount as the language writes it."""
        amount = f"{values[0].token}.{values[2].token} {values[3].token}"
        self.report(
            codes.INVALID_VALUE,
            f"`{attribute.name}` expects `{form}`",
            attribute.span,
            label="a decimal comma",
            hint=f"use a decimal point: `{amount}`",
        )

    def emotion(self, attribute: Attribute) -> model.Emotion | None:
        values = attribute.values
        kinds = [v.kind for v in values]
        if kinds not in (["NUMBER"], ["NUMBER", "STRING"]):
            self.invalid(attribute, 'emotion +1 "curious"')
            return None
        score = self.quantity(values[0].token, "plain", example="emotion -1")
        if score is None:
            return None
        word = text(values[1].token) if len(values) == 2 else None
        return model.Emotion(score.value, word, attribute.span)

    def money(
        self,
        attribute: Attribute,
        values: Sequence[Value],
        form: str,
        bases: tuple[str, ...] = (),
    ) -> model.Money | None:
        """An amount and its currency, then ``per <basis>`` where ``bases`` allows one."""
        kinds = [v.kind for v in values]
        basis: str | None = None
        per = len(kinds) >= 4 and kinds[-2:] == ["NAME", "NAME"]
        if bases and per and str(values[-2].token) == "per":
            basis = str(values[-1].token)
            if basis not in bases:
                self.report(
                    codes.INVALID_VALUE,
                    f"`{attribute.name}` is not paid per `{basis}`",
                    values[-1].span,
                    label="unknown basis",
                    hint=did_you_mean(basis, bases)
                    or "write " + ", ".join(f"`per {b}`" for b in bases),
                )
                return None
            values, kinds = values[:-2], kinds[:-2]
        if kinds != ["NUMBER", "NAME"]:
            if kinds == ["NUMBER", "COMMA", "NUMBER", "NAME"] and _touching(values[:3]):
                self._decimal_comma(attribute, values, form)
                return None
            self.invalid(attribute, form)
            return None
        amount = self.quantity(values[0].token, "plain", example=form)
        currency = str(values[1].token)
        if not literals.CURRENCY.fullmatch(currency):
            self.report(
                codes.INVALID_NUMBER,
                f"`{currency}` is not a currency code",
                values[1].span,
                label="expected an ISO 4217 code",
                hint="write three capitals, e.g. `EUR`, `USD`",
            )
            return None
        if amount is None:
            return None
        text = f"{values[0].token} {currency}" + (f" per {basis}" if basis else "")
        return model.Money(amount.value, currency, text, basis, attribute.span)

    def kpi(self, attribute: Attribute) -> model.Kpi | None:
        values = attribute.values
        form = "kpi name 2.1%"
        if len(values) < 2 or values[0].kind != "NAME":
            self.invalid(attribute, form)
            return None
        name, rest = str(values[0].token), values[1:]
        value: model.Quantity | model.Money | None
        if [v.kind for v in rest] == ["NUMBER"]:
            value = self.quantity(rest[0].token, "kpi", example=form)
        else:
            value = self.money(attribute, rest, "kpi revenue 1200 EUR")
        return model.Kpi(name, value, attribute.span) if value is not None else None

    def share(self, attribute: Attribute) -> model.Quantity | None:
        """A persona's share: a percentage (a fraction of the audience) or a count."""
        if [v.kind for v in attribute.values] != ["NUMBER"]:
            self.invalid(attribute, "share 40%")
            return None
        return self.quantity(attribute.values[0].token, "share", example="share 40%")

    def reach(self, attribute: Attribute, is_entry: bool) -> float | None:
        if not is_entry:
            self.report(
                codes.MISPLACED_ENTRY,
                "`reach` on a touchpoint that is no entry",
                attribute.name_span,
                label="only entries have a reach",
                hint="mark the touchpoint `entry`, or remove `reach`",
            )
        if [v.kind for v in attribute.values] != ["NUMBER"]:
            self.invalid(attribute, "reach 10000")
            return None
        quantity = self.quantity(attribute.values[0].token, "plain", example="reach 10000")
        return quantity.value if quantity else None


class Value:
    """One token of an attribute's value: its terminal type, the token and where it is.

    The span is made when asked for: most values are read without ever needing it (a
    value's ``Span`` was a tenth of lowering a big journey)."""

    __slots__ = ("_file", "kind", "token")

    def __init__(self, kind: str, token: lark.Token, file: SourceFile) -> None:
        self.kind = kind
        self.token = token
        self._file = file

    @property
    def span(self) -> Span:
        return token_span(self._file, self.token)


class Attribute:
    """An attribute as written: its name, its value's tokens, its span and its name's
    (both spans made when asked for, as a value's are)."""

    __slots__ = ("_file", "_tree", "name", "values")

    def __init__(
        self, name: str, values: tuple[Value, ...], tree: lark.Tree[lark.Token], file: SourceFile
    ) -> None:
        self.name = name
        self.values = values
        self._tree = tree
        self._file = file

    @property
    def span(self) -> Span:
        children = self._tree.children
        first, last = children[0], children[-1]
        assert is_token(first) and is_token(last)
        begin = first.start_pos or 0
        return Span(self._file, begin, last.end_pos or begin + len(last))

    @property
    def name_span(self) -> Span:
        name = self._tree.children[0]
        assert is_token(name)
        return token_span(self._file, name)

    @classmethod
    def of(cls, tree: lark.Tree[lark.Token], reader: Reader) -> Attribute:
        # An attribute's children are all tokens (the grammar gives it no rule and no
        # placeholder): its name, then its value's.
        name, *values = cast("list[lark.Token]", tree.children)
        file = reader.source
        return cls(str(name), tuple(Value(v.type, v, file) for v in values), tree, file)


def token_span(file: SourceFile, token: lark.Token) -> Span:
    """Where a token stands."""
    begin = token.start_pos or 0
    return Span(file, begin, token.end_pos or begin + len(token))


def _edge_token(tree: lark.Tree[lark.Token], last: bool) -> lark.Token | None:
    """The first (or ``last``) token of a rule; ``None`` if it has none."""
    item: object = tree
    while isinstance(item, lark.Tree):
        children: Sequence[object] = item.children
        item = None
        for child in reversed(children) if last else children:
            if child is not None:
                item = child
                break
    return item if is_token(item) else None


def is_token(item: object) -> TypeGuard[lark.Token]:
    """True for a token of either parser (Lark's or lark-cython's, which is no ``lark.Token``)."""
    return item is not None and not isinstance(item, lark.Tree)


def text(token: lark.Token) -> str:
    """The text of a STRING token (of either parser)."""
    return literals.text(str(token))


def _touching(values: Sequence[Value]) -> bool:
    """Whether the values stand with no blank between them (``6,50``, not ``6, 50``)."""
    return all(a.span.end == b.span.start for a, b in itertools.pairwise(values))
