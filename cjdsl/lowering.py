"""Lower a Lark parse tree to what one file declares, with CJ1xx diagnostics.

One pass over the statements collects declarations (``Declarations``) and reads every
value by the shape the vocabulary gives it; ``resolving`` then reads imports and checks
references, so order in the file never matters.

Positions come from the tokens alone, never from Lark's rule ``meta``: the
same code then lowers the positioned tree of ``parsing.parse`` and the faster
one of ``parsing.parse_fast``, whose tokens may be lark-cython's (``str()``,
``.type``, ``.start_pos`` and ``.end_pos`` work on both kinds). Keywords and
braces are terminals the tree keeps, so a rule runs from its first token to its
last.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any, Final, TypeGuard

import lark

from . import codes, literals, model, parsing, vocabulary
from .declarations import Declarations
from .diagnostics import Diagnostic, Related, did_you_mean
from .source import SourceFile, Span

__all__ = ["lower"]


def lower(parsed: parsing.Parsed) -> tuple[Declarations | None, tuple[Diagnostic, ...]]:
    """What the statements of a parsed file declare, and what is wrong with each
    (``None`` when there is no tree). Imports are only noted: ``resolving`` reads them.

    Args:
        parsed: The parse of the file; its tree may come from error recovery.
    """
    if parsed.tree is None:
        return None, ()
    lowering = _Lowering(parsed.source)
    lowering.statements(parsed.tree.children, stage=None, top=True)
    return lowering.found, tuple(lowering.diagnostics)


class _Lowering:
    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.diagnostics: list[Diagnostic] = []
        self.found = Declarations()

    def span(self, item: lark.Tree[lark.Token] | lark.Token) -> Span:
        """Where a token or a rule stands (a rule: its first token to its last)."""
        if isinstance(item, lark.Tree):
            first, last = _edge_token(item, False), _edge_token(item, True)
            if first is None or last is None:
                return Span(self.source, 0, 0)
        else:
            first = last = item
        begin = first.start_pos or 0
        return Span(self.source, begin, last.end_pos or begin + len(last))

    def ref(self, token: lark.Token) -> model.Ref:
        return model.Ref(str(token), self.span(token))

    def report(
        self,
        code: codes.Code,
        message: str,
        at: Span,
        *,
        label: str = "",
        hint: str | None = None,
        related: tuple[Related, ...] = (),
    ) -> None:
        self.diagnostics.append(Diagnostic(code, message, at, label, hint, related))

    # -- statements --------------------------------------------------------
    def statements(self, items: Sequence[object], *, stage: str | None, top: bool) -> list[str]:
        """Lower statements; returns the ids of the nodes declared among them."""
        nodes: list[str] = []
        for item in items:
            if not isinstance(item, lark.Tree):
                continue
            kind = str(item.data)  # a plain str compares without lark.Token.__eq__
            if top and kind != "header" and self.found.first is None:
                self.found.first = self.span(item)
            if kind == "transition":
                self.transition(item)
            elif kind == "node":
                nodes.append(self.node(item, stage))
            elif kind == "header":
                self.header(item)
            elif kind == "import_":
                self.import_(item)
            elif kind == "persona":
                self.persona(item)
            elif kind == "channel":
                self.channel(item)
            elif kind == "stage":
                self.stage(item)
            elif kind == "attribute":
                self.loose_attribute(item, stage=stage, top=top)
        return nodes

    def header(self, tree: lark.Tree[lark.Token]) -> None:
        _keyword, title, block = tree.children
        if self.found.title is not None or self.found.first is not None:
            self.report(
                codes.MISPLACED_HEADER,
                "second `journey` header" if self.found.title else "`journey` header is not first",
                self.span(tree),
                label="a file holds one journey, declared first",
                hint="remove this header, or move it to the top of the file",
            )
            if self.found.title is not None:
                return
        assert _is_token(title)
        self.found.title = _text(title)
        self.found.header_span = self.span(tree)
        for attribute in self.attributes(block, "journey", "a journey"):
            self.header_attribute(attribute)

    def header_attribute(self, attribute: _Attribute) -> None:
        if attribute.name in self.found.header:
            self.report(
                codes.MISPLACED_HEADER,
                f"second `{attribute.name}` of the journey",
                attribute.span,
                hint=f"keep one `{attribute.name}` line",
            )
        self.found.header[attribute.name] = self.one_string(attribute) or ""

    def loose_attribute(self, tree: lark.Tree[lark.Token], *, stage: str | None, top: bool) -> None:
        attribute = _Attribute.of(tree, self)
        if top and vocabulary.attribute(attribute.name, "journey"):
            self.header_attribute(attribute)
            return
        if not top and vocabulary.attribute(attribute.name, "stage"):
            return  # read by stage(); listed here so it is not "unknown"
        statements = vocabulary.statement_names()
        choices = statements + vocabulary.names("journey" if top else "stage")
        self.report(
            codes.UNKNOWN_STATEMENT,
            f"unknown statement `{attribute.name}`",
            attribute.name_span,
            label="not a statement",
            hint=did_you_mean(attribute.name, choices)
            or "statements are "
            + ", ".join(f"`{c}`" for c in statements)
            + ", or a transition `a -> b`",
        )

    def import_(self, tree: lark.Tree[lark.Token]) -> None:
        _keyword, path_token = tree.children
        assert _is_token(path_token)
        self.found.imports.append((_text(path_token), self.span(path_token)))

    def persona(self, tree: lark.Tree[lark.Token]) -> None:
        _keyword, name, label, block = tree.children
        assert _is_token(name)
        values: dict[str, list[str]] = {}
        for attribute in self.attributes(block, "persona", "a persona"):
            text = self.one_string(attribute)
            if text is not None:
                values.setdefault(attribute.name, []).append(text)
        self.found.personas.append(
            model.Persona(
                id=str(name),
                label=_label(label, name),
                description=_last(values.get("description")),
                goals=tuple(values.get("goal", ())),
                pains=tuple(values.get("pain", ())),
                span=self.span(tree),
                name_span=self.span(name),
                file=self.source.path,
            )
        )

    def channel(self, tree: lark.Tree[lark.Token]) -> None:
        _keyword, name, label, kind, block = tree.children
        assert _is_token(name)
        for attribute in self.attributes(block, "channel", "a channel"):
            self.one_string(attribute)
        if kind is not None and str(kind) not in model.CHANNEL_KINDS:
            assert _is_token(kind)
            self.report(
                codes.INVALID_CHANNEL_KIND,
                f"unknown channel kind `{kind}`",
                self.span(kind),
                label="expected `online` or `offline`",
                hint=did_you_mean(str(kind), model.CHANNEL_KINDS) or "write `online` or `offline`",
            )
        self.found.channels.append(
            model.Channel(
                id=str(name),
                label=_label(label, name),
                kind=str(kind) if kind is not None and str(kind) in model.CHANNEL_KINDS else None,
                span=self.span(tree),
                name_span=self.span(name),
                file=self.source.path,
            )
        )

    def stage(self, tree: lark.Tree[lark.Token]) -> None:
        _keyword, name, label, body = tree.children
        assert _is_token(name)
        items = body.children if isinstance(body, lark.Tree) else []
        description = None
        for item in items:
            if isinstance(item, lark.Tree) and item.data == "attribute":
                attribute = _Attribute.of(item, self)
                if vocabulary.attribute(attribute.name, "stage"):
                    description = self.one_string(attribute)
        nodes = self.statements(items, stage=str(name), top=False)
        self.found.stages.append(
            model.Stage(
                id=str(name),
                label=_label(label, name),
                description=description,
                touchpoints=tuple(nodes),
                span=self.span(tree),
                name_span=self.span(name),
            )
        )

    def node(self, tree: lark.Tree[lark.Token], stage: str | None) -> str:
        entry, kind_token, name, label, channel_ref, personas, block = tree.children
        assert _is_token(name) and _is_token(kind_token)
        kind = model.NodeKind(str(kind_token))
        if entry is not None and kind is not model.NodeKind.TOUCHPOINT:
            assert _is_token(entry)
            self.report(
                codes.MISPLACED_ENTRY,
                f"`entry` cannot mark a {kind.value}",
                self.span(entry),
                label=f"customers do not start at a {kind.value}",
                hint="remove `entry`, or declare a touchpoint where customers start",
            )
        fields: dict[str, Any] = {}
        link_span: Span | None = None
        for attribute, known in self.known_attributes(block, "node", f"a {kind.value}"):
            value = self.value(attribute, known, is_entry=entry is not None)
            if value is None:
                continue
            if known.repeatable:
                fields.setdefault(known.field, []).extend(value)
            else:
                fields[known.field] = value
            if known.name == "link":
                link_span = attribute.values[0].span
        channel = channel_ref.children[-1] if isinstance(channel_ref, lark.Tree) else None
        self.found.nodes.append(
            model.Touchpoint(
                id=str(name),
                label=_label(label, name),
                kind=kind,
                stage=stage,
                channel_ref=self.ref(channel) if _is_token(channel) else None,
                persona_refs=self.persona_refs(personas),
                entry=entry is not None,
                link_span=link_span,
                **_node_fields(fields),
                span=self.span(tree),
                name_span=self.span(name),
            )
        )
        return str(name)

    def transition(self, tree: lark.Tree[lark.Token]) -> None:
        # The hottest path of lowering (three transitions a touchpoint in real journeys):
        # spans are made from the tokens directly, each once.
        source, *hops = tree.children
        assert _is_token(source)
        file = self.source
        source_span = Span(file, source.start_pos or 0, source.end_pos or 0)
        start = source_span.start
        for hop in hops:
            assert isinstance(hop, lark.Tree)
            _arrow, target, *details = hop.children
            assert _is_token(target)
            target_span = Span(file, target.start_pos or 0, target.end_pos or 0)
            probability: model.Quantity | None = None
            probability_span: Span | None = None
            after: model.Quantity | None = None
            label: str | None = None
            personas: tuple[model.Ref, ...] = ()
            end = target_span.end
            for detail in details:
                assert isinstance(detail, lark.Tree)
                first, last = detail.children[0], detail.children[-1]
                assert _is_token(first) and _is_token(last)
                end = last.end_pos or end
                kind = str(detail.data)
                if kind == "probability":
                    at = Span(file, first.start_pos or 0, end)
                    if probability is not None:
                        self.report(
                            codes.INVALID_VALUE,
                            "two probabilities on one transition",
                            at,
                            hint="keep one probability",
                        )
                    probability, probability_span = self.probability(first), at
                elif kind == "after":
                    after = self.duration(last)
                elif kind == "label":
                    label = _text(first)
                else:
                    personas = self.persona_refs(detail)
            self.found.transitions.append(
                model.Transition(
                    source=str(source),
                    target=str(target),
                    probability=probability,
                    after=after,
                    label=label,
                    persona_refs=personas,
                    span=Span(file, start, end),
                    source_span=source_span,
                    target_span=target_span,
                    probability_span=probability_span,
                )
            )
            source, source_span = target, target_span

    # -- values ------------------------------------------------------------
    def attributes(self, block: object, owner: vocabulary.Owner, what: str) -> Iterator[_Attribute]:
        """The attributes of a block that ``owner`` has; others are reported."""
        for attribute, _known in self.known_attributes(block, owner, what):
            yield attribute

    def known_attributes(
        self, block: object, owner: vocabulary.Owner, what: str
    ) -> Iterator[tuple[_Attribute, vocabulary.Attribute]]:
        """Each attribute of a block with its entry in the vocabulary; an attribute
        ``owner`` does not have is reported (``what`` names the owner in the message)."""
        if not isinstance(block, lark.Tree):
            return
        for item in block.children:
            if not isinstance(item, lark.Tree):
                continue
            attribute = _Attribute.of(item, self)
            known = vocabulary.attribute(attribute.name, owner)
            if known is not None:
                yield attribute, known
                continue
            allowed = vocabulary.names(owner)
            self.report(
                codes.UNKNOWN_ATTRIBUTE,
                f"{what} has no attribute `{attribute.name}`",
                attribute.name_span,
                label="unknown attribute",
                hint=did_you_mean(attribute.name, allowed)
                or "its attributes are " + ", ".join(f"`{a}`" for a in allowed),
            )

    def value(
        self, attribute: _Attribute, known: vocabulary.Attribute, *, is_entry: bool
    ) -> object | None:
        """An attribute's value read by its shape (a list for repeatable ones); ``None``
        when it is wrong, which is reported."""
        shape = known.shape
        if shape in ("text", "texts"):
            text = self.one_string(attribute)
            return None if text is None else [text] if shape == "texts" else text
        if shape == "emotion":
            return self.emotion(attribute)
        if shape == "kpi":
            kpi = self.kpi(attribute)
            return None if kpi is None else [kpi]
        if shape == "money":
            return self.money(attribute, attribute.values, known.form)
        if shape == "names":
            return self.names(attribute)
        return self.reach(attribute, is_entry)

    def invalid(self, attribute: _Attribute, form: str) -> None:
        self.report(
            codes.INVALID_VALUE,
            f"`{attribute.name}` expects `{form}`",
            attribute.span,
            label="wrong value here",
            hint=f"write it as `{form}`",
        )

    def one_string(self, attribute: _Attribute) -> str | None:
        if len(attribute.values) == 1 and attribute.values[0].kind == "STRING":
            return _text(attribute.values[0].token)
        self.invalid(attribute, f'{attribute.name} "text"')
        return None

    def names(self, attribute: _Attribute) -> list[str]:
        values = attribute.values
        names = [v.token for v in values[::2]]
        commas_ok = all(v.kind == "COMMA" for v in values[1::2])
        if not values or not commas_ok or any(v.kind != "NAME" for v in values[::2]):
            self.invalid(attribute, f"{attribute.name} a, b-c")
            return []
        return [str(n) for n in names]

    def quantity(self, token: lark.Token, place: str, *, example: str) -> model.Quantity | None:
        """The number read as a quantity for its ``place`` (a key of ``literals.NUMBER_UNITS``)."""
        units = literals.NUMBER_UNITS[place]
        quantity = literals.quantity(str(token), units)
        if quantity is None:
            allowed = ", ".join(f"`{u}`" if u else "no unit" for u in units)
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
        return quantity

    def probability(self, token: lark.Token) -> model.Quantity | None:
        return self.quantity(token, "probability", example="40%")

    def duration(self, token: lark.Token) -> model.Quantity | None:
        return self.quantity(token, "duration", example="after 2d")

    def emotion(self, attribute: _Attribute) -> model.Emotion | None:
        values = attribute.values
        kinds = [v.kind for v in values]
        if kinds not in (["NUMBER"], ["NUMBER", "STRING"]):
            self.invalid(attribute, 'emotion +1 "curious"')
            return None
        score = self.quantity(values[0].token, "plain", example="emotion -1")
        if score is None:
            return None
        word = _text(values[1].token) if len(values) == 2 else None
        return model.Emotion(score.value, word, attribute.span)

    def money(
        self, attribute: _Attribute, values: Sequence[_Value], form: str
    ) -> model.Money | None:
        if [v.kind for v in values] != ["NUMBER", "NAME"]:
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
        text = f"{values[0].token} {currency}"
        return model.Money(amount.value, currency, text)

    def kpi(self, attribute: _Attribute) -> model.Kpi | None:
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

    def reach(self, attribute: _Attribute, is_entry: bool) -> float | None:
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

    def persona_refs(self, tree: object) -> tuple[model.Ref, ...]:
        """The names of a ``for`` list (its keyword and commas are not names)."""
        if not isinstance(tree, lark.Tree):
            return ()
        return tuple(self.ref(t) for t in tree.children if _is_token(t) and t.type == "NAME")


@dataclasses.dataclass(frozen=True, slots=True)
class _Value:
    kind: str
    token: lark.Token
    span: Span


@dataclasses.dataclass(frozen=True, slots=True)
class _Attribute:
    name: str
    values: tuple[_Value, ...]
    span: Span
    name_span: Span

    @classmethod
    def of(cls, tree: lark.Tree[lark.Token], lowering: _Lowering) -> _Attribute:
        name, *values = (t for t in tree.children if _is_token(t))
        return cls(
            str(name),
            tuple(_Value(v.type, v, lowering.span(v)) for v in values),
            lowering.span(tree),
            lowering.span(name),
        )


def _edge_token(tree: lark.Tree[lark.Token], last: bool) -> lark.Token | None:
    """The first (or ``last``) token of a rule; ``None`` if it has none."""
    item: object = tree
    while isinstance(item, lark.Tree):
        children: Sequence[object] = item.children
        item = next((c for c in (reversed(children) if last else children) if c is not None), None)
    return item if _is_token(item) else None


def _is_token(item: object) -> TypeGuard[lark.Token]:
    """True for a token of either parser (Lark's or lark-cython's, which is no ``lark.Token``)."""
    return item is not None and not isinstance(item, lark.Tree)


def _text(token: lark.Token) -> str:
    """The text of a STRING token (of either parser)."""
    return literals.text(str(token))


def _label(label: object, name: lark.Token) -> str:
    return _text(label) if _is_token(label) else str(name)


def _last(values: Sequence[str] | None) -> str | None:
    return values[-1] if values else None


_NODE_FIELDS: Final = tuple((a.field, a.repeatable) for a in vocabulary.attributes("node"))


def _node_fields(read: dict[str, Any]) -> dict[str, Any]:
    """The model fields of a node's attributes: what was read, else empty or ``None``."""
    return {
        field: tuple(read.get(field, ())) if repeatable else read.get(field)
        for field, repeatable in _NODE_FIELDS
    }
