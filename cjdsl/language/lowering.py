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

from collections.abc import Iterator, Sequence
from typing import Any, Final

import lark

from .. import codes, i18n, model
from ..diagnostics import Diagnostic, did_you_mean
from ..source import Span
from . import parsing, variants, vocabulary
from .declarations import Declarations
from .values import Attribute, is_token, text

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


class _Lowering(variants.Reader):
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
            elif kind == "scenario":
                self.scenario(item)
            elif kind == "process":
                self.process(item)
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
        assert is_token(title)
        self.found.title = text(title)
        self.found.header_span = self.span(tree)
        for attribute in self.attributes(block, "journey", "a journey"):
            self.header_attribute(attribute)

    def header_attribute(self, attribute: Attribute) -> None:
        if attribute.name in self.found.header:
            self.report(
                codes.MISPLACED_HEADER,
                f"second `{attribute.name}` of the journey",
                attribute.span,
                hint=f"keep one `{attribute.name}` line",
            )
        value = self.one_string(attribute) or ""
        if attribute.name == "lang" and value not in i18n.LANGS:
            self.report(
                codes.UNKNOWN_LANGUAGE,
                f"unknown language `{value}`",
                attribute.span,
                label="not a language cjdsl writes",
                hint=did_you_mean(value, i18n.LANGS)
                or "cjdsl writes " + " and ".join(f'`lang "{lang}"`' for lang in i18n.LANGS),
            )
            return
        self.found.header[attribute.name] = value

    def loose_attribute(self, tree: lark.Tree[lark.Token], *, stage: str | None, top: bool) -> None:
        attribute = Attribute.of(tree, self)
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
        assert is_token(path_token)
        self.found.imports.append((text(path_token), self.span(path_token)))

    def persona(self, tree: lark.Tree[lark.Token]) -> None:
        _keyword, name, label, block = tree.children
        assert is_token(name)
        values: dict[str, list[str]] = {}
        share: tuple[model.Quantity, Span] | None = None
        for attribute, known in self.known_attributes(block, "persona", "a persona"):
            if known.shape == "share":
                read = self.share(attribute)
                share = share if read is None else (read, attribute.span)
                continue
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
                share=None if share is None else share[0],
                share_span=None if share is None else share[1],
            )
        )

    def channel(self, tree: lark.Tree[lark.Token]) -> None:
        _keyword, name, label, kind, block = tree.children
        assert is_token(name)
        for attribute in self.attributes(block, "channel", "a channel"):
            self.one_string(attribute)
        if kind is not None and str(kind) not in model.CHANNEL_KINDS:
            assert is_token(kind)
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
        assert is_token(name)
        items = body.children if isinstance(body, lark.Tree) else []
        description = None
        for item in items:
            if isinstance(item, lark.Tree) and item.data == "attribute":
                attribute = Attribute.of(item, self)
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
        assert is_token(name) and is_token(kind_token)
        kind = _NODE_KINDS[str(kind_token)]
        if entry is not None and kind is not model.NodeKind.TOUCHPOINT:
            assert is_token(entry)
            self.report(
                codes.MISPLACED_ENTRY,
                f"`entry` cannot mark a {kind.value}",
                self.span(entry),
                label=f"customers do not start at a {kind.value}",
                hint="remove `entry`, or declare a touchpoint where customers start",
            )
        fields: dict[str, Any] = {}
        link_span: Span | None = None
        for attribute, known in self.known_attributes(block, "node", _A_NODE[kind]):
            value = self.value(attribute, known, is_entry=entry is not None)
            if value is None:
                continue
            if known.name == "loss" and kind is not model.NodeKind.EXIT:
                self.report(
                    codes.UNKNOWN_LOSS,
                    f"only an exit is a loss, not {_A_NODE[kind]}",
                    attribute.span,
                    label="not an exit",
                    hint=f"declare `exit {name} …` with `loss {value}`, or remove `loss`",
                )
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
                channel_ref=self.ref(channel) if is_token(channel) else None,
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
        # spans are made from the tokens directly, each once, and names looked up once.
        source, *hops = tree.children
        assert is_token(source)
        file = self.source
        add = self.found.transitions.append
        source_span = Span(file, source.start_pos or 0, source.end_pos or 0)
        start = source_span.start
        for hop in hops:
            assert isinstance(hop, lark.Tree)
            children = hop.children
            target = children[1]
            assert target is not None and not isinstance(target, lark.Tree)
            target_span = Span(file, target.start_pos or 0, target.end_pos or 0)
            probability: model.Quantity | None = None
            probability_span: Span | None = None
            after: model.Quantity | None = None
            label: str | None = None
            personas: tuple[model.Ref, ...] = ()
            end = target_span.end
            for detail in children[2:]:
                if isinstance(detail, lark.Tree):  # `after 2d` or `for anna, ben`
                    words = detail.children
                    last = words[-1]
                    assert last is not None and not isinstance(last, lark.Tree)
                    end = last.end_pos or end
                    keyword = words[0]
                    assert keyword is not None and not isinstance(keyword, lark.Tree)
                    if keyword.type == "AFTER":
                        after = self.duration(last)
                    else:
                        personas = self.persona_refs(detail)
                    continue
                assert detail is not None
                end = detail.end_pos or end
                if detail.type == "STRING":
                    label = text(detail)
                    continue
                at = Span(file, detail.start_pos or 0, end)
                if probability is not None:
                    self.report(
                        codes.INVALID_VALUE,
                        "two probabilities on one transition",
                        at,
                        hint="keep one probability",
                    )
                probability, probability_span = self.probability(detail), at
            add(
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
    def attributes(self, block: object, owner: vocabulary.Owner, what: str) -> Iterator[Attribute]:
        """The attributes of a block that ``owner`` has; others are reported."""
        for attribute, _known in self.known_attributes(block, owner, what):
            yield attribute

    def known_attributes(
        self, block: object, owner: vocabulary.Owner, what: str
    ) -> Iterator[tuple[Attribute, vocabulary.Attribute]]:
        """Each attribute of a block with its entry in the vocabulary; an attribute
        ``owner`` does not have is reported (``what`` names the owner in the message)."""
        if not isinstance(block, lark.Tree):
            return
        for item in block.children:
            if not isinstance(item, lark.Tree):
                continue
            attribute = Attribute.of(item, self)
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
        self, attribute: Attribute, known: vocabulary.Attribute, *, is_entry: bool
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
            return self.money(attribute, attribute.values, known.form, known.bases)
        if shape == "names":
            return self.names(attribute)
        if shape == "share":
            return self.share(attribute)
        if shape == "lane":
            return self.lane(attribute, vocabulary.LANES)
        if shape == "loss":
            return self.loss(attribute)
        return self.reach(attribute, is_entry)

    def persona_refs(self, tree: object) -> tuple[model.Ref, ...]:
        """The names of a ``for`` list (its keyword and commas are not names)."""
        if not isinstance(tree, lark.Tree):
            return ()
        return tuple(self.ref(t) for t in tree.children if is_token(t) and t.type == "NAME")


def _label(label: object, name: lark.Token) -> str:
    return text(label) if is_token(label) else str(name)


def _last(values: Sequence[str] | None) -> str | None:
    return values[-1] if values else None


_NODE_KINDS: Final = {kind.value: kind for kind in model.NodeKind}
_A_NODE: Final = {kind: f"a {kind.value}" for kind in model.NodeKind}
"""How messages name a node of each kind."""
_NODE_EMPTY: Final[dict[str, Any]] = {
    a.field: () if a.repeatable else None for a in vocabulary.attributes("node")
}
"""The model field of every node attribute, as a node without it has it."""
_NODE_REPEATED: Final = frozenset(a.field for a in vocabulary.attributes("node") if a.repeatable)


def _node_fields(read: dict[str, Any]) -> dict[str, Any]:
    """The model fields of a node's attributes: what was read, else empty or ``None``."""
    fields = _NODE_EMPTY.copy()
    for field, value in read.items():
        fields[field] = tuple(value) if field in _NODE_REPEATED else value
    return fields
