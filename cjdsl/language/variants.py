"""Lowering of the statements beyond the customer's chain: ``scenario`` blocks with their
``change`` and ``remove`` lines (docs/scenarios.md), and the service blueprint's ``process``
declarations and ``lane`` values (docs/blueprint.md).

A scenario's stages, nodes and transitions are read by the same code as the journey's
(``statements``), into a ``Declarations`` of their own; what they mean for the journey is
``scenarios.apply``'s to say, not lowering's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import lark

from .. import codes, model
from ..diagnostics import did_you_mean
from ..source import Span
from . import values, vocabulary
from .declarations import Declarations
from .values import Attribute, is_token, text

__all__ = ["Reader"]


class Reader(values.Reader):
    """The scenario half of lowering one file; ``lowering._Lowering`` fills in the rest."""

    # -- what lowering provides ----------------------------------------------
    def statements(self, items: Sequence[object], *, stage: str | None, top: bool) -> list[str]:
        raise NotImplementedError

    def known_attributes(
        self, block: object, owner: vocabulary.Owner, what: str
    ) -> Iterator[tuple[Attribute, vocabulary.Attribute]]:
        raise NotImplementedError

    def value(
        self, attribute: Attribute, known: vocabulary.Attribute, *, is_entry: bool
    ) -> object | None:
        raise NotImplementedError

    def persona_refs(self, tree: object) -> tuple[model.Ref, ...]:
        raise NotImplementedError

    # -- scenarios -----------------------------------------------------------
    def scenario(self, tree: lark.Tree[lark.Token]) -> None:
        _keyword, name, label, body = tree.children
        assert is_token(name) and isinstance(body, lark.Tree)
        outer, self.found = self.found, Declarations()
        description: str | None = None
        changes: list[model.Change] = []
        removals: list[model.Removal] = []
        rest: list[object] = []
        for item in body.children:
            if not isinstance(item, lark.Tree):
                continue
            if item.data == "change":
                changes.append(self.change(item))
            elif item.data == "removal":
                removals.append(self.removal(item))
            elif item.data == "attribute":
                attribute = Attribute.of(item, self)
                if attribute.name == "description":
                    description = self.one_string(attribute)
                else:
                    self.report(
                        codes.UNKNOWN_STATEMENT,
                        f"unknown statement `{attribute.name}` in a scenario",
                        attribute.name_span,
                        label="not a statement of a scenario",
                        hint=did_you_mean(attribute.name, _SCENARIO_WORDS)
                        or "a scenario holds "
                        + ", ".join(f"`{w}`" for w in _SCENARIO_WORDS)
                        + " and transitions `a -> b`",
                    )
            else:
                rest.append(item)
        self.statements(rest, stage=None, top=False)
        inner, self.found = self.found, outer
        labelled = {
            str(item.children[1]): item.children[2] is not None
            for item in rest
            if isinstance(item, lark.Tree) and item.data == "stage"
        }
        self.found.scenarios.append(
            model.Scenario(
                id=str(name),
                label=text(label) if is_token(label) else str(name),
                description=description,
                stages=tuple(inner.stages),
                touchpoints=tuple(inner.nodes),
                transitions=tuple(inner.transitions),
                changes=tuple(changes),
                removals=tuple(removals),
                span=self.span(tree),
                name_span=self.span(name),
                stage_labels=tuple(labelled.get(s.id, False) for s in inner.stages),
            )
        )

    def change(self, tree: lark.Tree[lark.Token]) -> model.Change:
        _keyword, name, label, channel_ref, personas, block = tree.children
        assert is_token(name)
        written: dict[str, Any] = {}
        removed: list[model.Ref] = []
        kept: list[lark.Tree[lark.Token]] = []
        for item in block.children if isinstance(block, lark.Tree) else ():
            if not isinstance(item, lark.Tree):
                continue
            attribute = Attribute.of(item, self)
            if attribute.name != "remove":
                kept.append(item)
                continue
            for value in attribute.values:
                word = str(value.token)
                if value.kind != "NAME" or vocabulary.attribute(word, "node") is None:
                    allowed = vocabulary.names("node")
                    self.report(
                        codes.UNKNOWN_ATTRIBUTE,
                        f"`remove` names no attribute of a node: `{word}`",
                        value.span,
                        label="not an attribute",
                        hint=did_you_mean(word, allowed)
                        or "its attributes are " + ", ".join(f"`{a}`" for a in allowed),
                    )
                    continue
                removed.append(model.Ref(word, value.span))
        rest: lark.Tree[lark.Token] = lark.Tree("block", list(kept))
        for attribute, known in self.known_attributes(rest, "node", "a node"):
            found = self.value(attribute, known, is_entry=True)
            if found is None:
                continue
            if known.repeatable:
                written.setdefault(known.field, []).extend(found)
            else:
                written[known.field] = found
        channel = channel_ref.children[-1] if isinstance(channel_ref, lark.Tree) else None
        return model.Change(
            id=str(name),
            label=text(label) if is_token(label) else None,
            channel_ref=self.ref(channel) if is_token(channel) else None,
            persona_refs=self.persona_refs(personas) if personas is not None else None,
            attributes=tuple(
                (field, tuple(value) if isinstance(value, list) else value)
                for field, value in written.items()
            ),
            removed=tuple(removed),
            span=self.span(tree),
            name_span=self.span(name),
        )

    def removal(self, tree: lark.Tree[lark.Token]) -> model.Removal:
        _keyword, name, hop = tree.children
        assert is_token(name)
        target: str | None = None
        target_span: Span | None = None
        personas: tuple[model.Ref, ...] = ()
        if isinstance(hop, lark.Tree):
            _arrow, target_token, *details = hop.children
            assert is_token(target_token)
            target, target_span = str(target_token), self.span(target_token)
            for detail in details:
                if isinstance(detail, lark.Tree) and detail.data == "personas":
                    personas = self.persona_refs(detail)
                else:
                    at = self.span(detail) if isinstance(detail, lark.Tree | lark.Token) else None
                    self.report(
                        codes.INVALID_VALUE,
                        "`remove a -> b` takes no probability, duration or label",
                        at or self.span(tree),
                        label="not part of what is removed",
                        hint="write `remove a -> b`, or `remove a -> b for persona`",
                    )
        return model.Removal(
            id=str(name),
            target=target,
            persona_refs=personas,
            span=self.span(tree),
            name_span=self.span(name),
            target_span=target_span,
        )

    # -- the service blueprint -----------------------------------------------
    def process(self, tree: lark.Tree[lark.Token]) -> None:
        _keyword, name, label, block = tree.children
        assert is_token(name)
        read: dict[str, Any] = {}
        supports: list[model.Ref] = []
        for attribute, known in self.known_attributes(block, "process", "a process"):
            if known.shape == "names":
                supports += (
                    model.Ref(str(v.token), v.span) for v in attribute.values if v.kind == "NAME"
                )
                self.names(attribute)  # reports a malformed list
            elif known.shape == "lane":
                read["lane"] = self.lane(attribute, _PROCESS_LANES)
            else:
                read[known.field] = self.one_string(attribute)
        self.found.processes.append(
            model.Process(
                id=str(name),
                label=text(label) if is_token(label) else str(name),
                description=read.get("description"),
                owner=read.get("owner"),
                lane=read.get("lane") or _PROCESS_LANES[0],
                support_refs=tuple(supports),
                span=self.span(tree),
                name_span=self.span(name),
                file=self.source.path,
            )
        )

    def lane(self, attribute: Attribute, allowed: Sequence[str]) -> str | None:
        """A lane, one of ``allowed`` (``customer``, a touchpoint's default, is ``None``)."""
        values = attribute.values
        word = str(values[0].token) if len(values) == 1 else ""
        if len(values) != 1 or values[0].kind != "NAME" or word not in allowed:
            self.report(
                codes.INVALID_VALUE,
                f"`lane` expects one of {', '.join(allowed)}" + (f", not `{word}`" if word else ""),
                attribute.span,
                label="not a lane",
                hint=did_you_mean(word, allowed) or f"write `lane {allowed[0]}`",
            )
            return None
        return None if word == "customer" else word

    def loss(self, attribute: Attribute) -> str | None:
        """An exit's kind of loss, one of ``vocabulary.LOSSES``."""
        values = attribute.values
        word = str(values[0].token) if len(values) == 1 else ""
        allowed = vocabulary.LOSSES
        if len(values) != 1 or values[0].kind != "NAME" or word not in allowed:
            self.report(
                codes.UNKNOWN_LOSS,
                f"`loss` expects one of {', '.join(allowed)}" + (f", not `{word}`" if word else ""),
                attribute.span,
                label="not a kind of loss",
                hint=did_you_mean(word, allowed)
                or "write `loss churn` on an exit customers take when they cancel",
            )
            return None
        return word


_PROCESS_LANES = ("backstage", "frontstage", "support", "process")
_SCENARIO_WORDS = ("description", "stage", "touchpoint", "goal", "exit", "change", "remove")
