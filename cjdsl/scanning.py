"""Clean text straight to declarations: the fast way past Lark.

Most journeys are clean, and for them a Lark tree is a costly detour: this
scanner reads the statements with a few compiled patterns and builds the
model's parts directly. It accepts what the grammar accepts, reads it as
lowering reads it, and stops at the first thing lowering would remark on (a
syntax error, an unknown attribute, a unit that does not fit, a second
header …): ``scan`` then returns ``None`` and the caller parses with Lark, so
every diagnostic keeps its one author. Duplicates, unknown references, imports
and a missing header are left to ``lowering.resolve`` either way.

How it stays true to the grammar: each token is the grammar's own terminal
pattern in an atomic group, so it is read exactly as Lark's lexer reads it
(longest match, never split); between tokens only the ignored whitespace;
keywords are whole words wherever Lark would also accept a name, and are
otherwise taken only before a non-word character (Lark would also take
``after2d``; the scanner leaves that to Lark). Statements end as the grammar's
``_SEP`` ends them, including the cases where two separators in a row make a
syntax error. ``tests/test_scanning.py`` holds both ways against each other on
generated and mutated journeys.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Final, NoReturn

from . import literals, model
from .declarations import (
    CHANNEL_ATTRIBUTES,
    HEADER_ATTRIBUTES,
    NODE_ATTRIBUTES,
    PERSONA_ATTRIBUTES,
    STAGE_ATTRIBUTES,
    STATEMENTS,
    TEXT_ATTRIBUTES,
    Declarations,
    block_end,
)
from .source import SourceFile, Span

__all__ = ["scan"]

_Item = Callable[[int], tuple[int, int]]
"""Reads one item of a block at an offset: where scanning goes on, and the item's end."""

# The grammar's terminals (grammar/journey.lark), each atomic.
_W: Final = r"[ \t\f\ufeff]*"
_NAME: Final = r"(?>[^\W\d]\w*(?:-[^\W_]\w*)*)"
_NUMBER: Final = r"(?>[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:%|[^\W\d_]+)?)"
_STRING: Final = r'(?>"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*")'
_NAMES: Final = rf"{_NAME}(?:{_W},{_W}{_NAME})*"

_WORD: Final = re.compile(_NAME)
_SPACE: Final = re.compile(_W)
# A separator as Lark reads one: optional whitespace, one greedy `_SEP`, optional whitespace.
_SEPARATOR: Final = re.compile(
    r"[ \t\f\ufeff]*(?:[ \t]*(?:#[^\n]*\r?\n|\r?\n|;))+[ \t]*(?:[\f\ufeff][ \t\f\ufeff]*)?"
)
# After a separator, any of these would start a second `_SEP` (a syntax error) or a comment.
_NOT_A_START: Final = frozenset("\n\r;#")
# What follows an item of a block: a separator, or the block's `}` (group 1).
_AFTER_ITEM: Final = re.compile(rf"{_SEPARATOR.pattern}|{_W}(\}})")
_TAIL: Final = re.compile(r"[ \t\f\ufeff]*(?:#[^\n]*)?\Z")
_OPEN: Final = re.compile(rf"{_W}\{{")
_ARROW: Final = re.compile(rf"{_W}->")
_ONE_STRING: Final = re.compile(rf"{_W}({_STRING})")
_KIND: Final = re.compile(rf"{_W}(touchpoint|goal|exit)(?!\w)")
_NODE: Final = re.compile(
    rf"{_W}({_NAME})(?:{_W}({_STRING}))?(?:{_W}@{_W}({_NAME}))?(?:{_W}for(?!\w){_W}({_NAMES}))?"
    rf"(?:{_W}(\{{))?"
)
# Only the end of a statement follows (a separator, a comment, a `}` or the end of the text).
_ENDS: Final = rf"(?={_W}(?:[\n;#}}]|\r\n|\Z))"
# `id "Label"` after `persona` or `stage`; a channel may add its kind.
_HEAD: Final = re.compile(rf"{_W}({_NAME})(?:{_W}({_STRING}))?")
_CHANNEL: Final = re.compile(rf"{_W}({_NAME})(?:{_W}({_STRING}))?(?:{_W}({_NAME}))?")
# A hop with its details in the formatter's order; any others follow through _DETAIL.
_ONE_HOP: Final = (
    rf"{_W}->{_W}({_NAME})(?:{_W}({_NUMBER}))?(?:{_W}after(?!\w){_W}({_NUMBER}))?"
    rf"(?:{_W}({_STRING}))?"
)
_HOP: Final = re.compile(_ONE_HOP)
_DETAIL: Final = re.compile(
    rf"{_W}(?:({_NUMBER})|after(?!\w){_W}({_NUMBER})|({_STRING})|for(?!\w){_W}({_NAMES}))"
)
# The commonest statement: a single hop with nothing else after it.
_TRANSITION: Final = re.compile(rf"({_NAME}){_ONE_HOP}{_ENDS}")
_ANY: Final = rf"{_STRING}|{_NUMBER}|{_NAME}|,"
_ATTRIBUTE: Final = re.compile(rf"({_NAME})(?:{_W}(?:{_ANY}))*")
_VALUE: Final = re.compile(rf"{_W}({_ANY})")
# Most attributes have at most three values: those come from one match.
_SHORT_ATTRIBUTE: Final = re.compile(
    rf"({_NAME})(?:{_W}({_ANY}))?(?:{_W}({_ANY}))?(?:{_W}({_ANY}))?{_ENDS}"
)
# A value's token type, told by its first character (else a digit: NUMBER, a letter: NAME).
_KIND_OF: Final = {'"': "STRING", ",": "COMMA", "+": "NUMBER", "-": "NUMBER", ".": "NUMBER"}
_TEXT_ATTRIBUTES: Final = frozenset(TEXT_ATTRIBUTES)
_SPLIT_NAMES: Final = re.compile(r"[^ \t\f\ufeff,]+")
_NODE_KEYWORDS: Final = frozenset({"entry", "touchpoint", "goal", "exit"})
_KEYWORDS: Final = frozenset(STATEMENTS)
"""Words that start a statement at the top level (in a stage only the node keywords do)."""
_KINDS: Final = {kind.value: kind for kind in model.NodeKind}
_PROBABILITY: Final = literals.NUMBER_UNITS["probability"]
_DURATION: Final = literals.NUMBER_UNITS["duration"]
_PLAIN: Final = literals.NUMBER_UNITS["plain"]
_KPI: Final = literals.NUMBER_UNITS["kpi"]


def scan(source: SourceFile) -> Declarations | None:
    """What a clean journey declares; ``None`` when the text needs Lark and lowering.

    >>> found = scan(SourceFile("x", 'journey "T"\\nad -> shop 30%'))
    >>> found.title, [(t.source, t.target, str(t.probability)) for t in found.transitions]
    ('T', [('ad', 'shop', '30%')])
    >>> scan(SourceFile("x", 'journey "T"\\ntouchpoint ad { colour "red" }')) is None
    True
    """
    scanner = _Scanner(source)
    try:
        scanner.file()
    except _Unclean:
        return None
    return scanner.found


class _Unclean(Exception):
    """The text has something only Lark and lowering can report."""


def _unclean() -> NoReturn:
    raise _Unclean


class _Scanner:
    """One scan of one text; every method raises ``_Unclean`` to give up."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.text = source.text
        self.found = Declarations()
        self.stage_description: str | None = None

    # -- structure ---------------------------------------------------------
    def file(self) -> None:
        text, length = self.text, len(self.text)
        pos = self.separator(0)
        while pos < length:
            if text[pos] in _NOT_A_START:
                if _TAIL.match(text, pos):  # a comment on the last line
                    return
                _unclean()
            pos = self.statement(pos, stage=None)[0]
            separator = _SEPARATOR.match(text, pos)
            if separator is None:
                if _TAIL.match(text, pos):
                    return
                _unclean()
            pos = separator.end()

    def separator(self, pos: int) -> int:
        """Past the separator at ``pos``, if there is one, and the blanks around it."""
        match = _SEPARATOR.match(self.text, pos) or _SPACE.match(self.text, pos)
        assert match is not None  # _SPACE matches everywhere
        return match.end()

    def block(self, opened: int, item: _Item) -> tuple[int, int]:
        """Items from just past a ``{`` to its ``}``: where scanning goes on, and the
        block's end as lowering computes it (from the last item, or the ``{``)."""
        text = self.text
        pos = self.separator(opened)
        inside = opened
        while True:
            if text.startswith("}", pos):
                return pos + 1, block_end(text, inside)
            if pos >= len(text) or text[pos] in _NOT_A_START:
                _unclean()
            pos, inside = item(pos)
            after = _AFTER_ITEM.match(text, pos) or _unclean()
            if after.lastindex:  # the closing `}`
                return after.end(), block_end(text, inside)
            pos = after.end()

    def maybe_block(self, pos: int, item: _Item) -> tuple[int, int]:
        """A block at ``pos`` if there is one (see ``block``); else ``pos`` twice."""
        opening = _OPEN.match(self.text, pos)
        return (pos, pos) if opening is None else self.block(opening.end(), item)

    # -- statements --------------------------------------------------------
    def statement(self, pos: int, *, stage: str | None) -> tuple[int, int]:
        """One statement at ``pos`` (top level when ``stage`` is ``None``); returns where
        scanning goes on and the end of the statement's span."""
        top = stage is None
        line = _TRANSITION.match(self.text, pos)
        if line is not None and line.group(1) not in (_KEYWORDS if top else _NODE_KEYWORDS):
            end = self.one_hop(line)
            if top and self.found.first is None:
                self.found.first = Span(self.source, pos, end)
            return end, end
        word = _WORD.match(self.text, pos)
        if word is None:
            _unclean()
        name = word.group()
        first = top and name != "journey" and self.found.first is None
        if name in _NODE_KEYWORDS:
            after, end = self.node(pos, word, stage)
        elif top and name == "journey":
            after, end = self.header(pos, word.end())
        elif top and name == "import":
            after, end = self.import_(word.end())
        elif top and name == "persona":
            after, end = self.persona(pos, word.end())
        elif top and name == "channel":
            after, end = self.channel(pos, word.end())
        elif top and name == "stage":
            after, end = self.stage(pos, word)
        elif _ARROW.match(self.text, word.end()):
            after = end = self.transition(word)
        else:
            after = end = self.loose_attribute(pos, top=top)
        if first:
            self.found.first = Span(self.source, pos, end)
        return after, end

    def header(self, pos: int, at: int) -> tuple[int, int]:
        found = self.found
        title = _ONE_STRING.match(self.text, at)
        if title is None or found.title is not None or found.first is not None:
            _unclean()  # a second or misplaced header: lowering says which
        found.title = literals.text(title.group(1))
        after, end = self.maybe_block(title.end(), self.header_attribute)
        found.header_span = Span(self.source, pos, end)
        return after, end

    def header_attribute(self, pos: int) -> tuple[int, int]:
        name, values, _, end = self.attribute(pos)
        if name not in HEADER_ATTRIBUTES or name in self.found.header:
            _unclean()
        self.found.header[name] = _one_string(values)
        return end, end

    def loose_attribute(self, pos: int, *, top: bool) -> int:
        if top:
            return self.header_attribute(pos)[0]
        name, values, _, end = self.attribute(pos)
        if name not in STAGE_ATTRIBUTES:
            _unclean()
        self.stage_description = _one_string(values)
        return end

    def import_(self, at: int) -> tuple[int, int]:
        path = _ONE_STRING.match(self.text, at)
        if path is None:
            _unclean()
        span = Span(self.source, path.start(1), path.end(1))
        self.found.imports.append((literals.text(path.group(1)), span))
        return path.end(), path.end()

    def persona(self, pos: int, at: int) -> tuple[int, int]:
        head = _HEAD.match(self.text, at)
        if head is None:
            _unclean()
        values: dict[str, list[str]] = {name: [] for name in PERSONA_ATTRIBUTES}

        def attribute(pos: int) -> tuple[int, int]:
            name, items, _, end = self.attribute(pos)
            if name not in PERSONA_ATTRIBUTES:
                _unclean()
            values[name].append(_one_string(items))
            return end, end

        after, end = self.maybe_block(head.end(), attribute)
        identifier, label = head.group(1, 2)
        self.found.personas.append(
            model.Persona(
                id=identifier,
                label=literals.text(label) if label else identifier,
                description=values["description"][-1] if values["description"] else None,
                goals=tuple(values["goal"]),
                pains=tuple(values["pain"]),
                span=Span(self.source, pos, end),
                name_span=Span(self.source, head.start(1), head.end(1)),
                file=self.source.path,
            )
        )
        return after, end

    def channel(self, pos: int, at: int) -> tuple[int, int]:
        head = _CHANNEL.match(self.text, at)
        if head is None:
            _unclean()
        identifier, label, kind = head.group(1, 2, 3)
        if kind is not None and kind not in model.CHANNEL_KINDS:
            _unclean()

        def attribute(pos: int) -> tuple[int, int]:
            name, items, _, end = self.attribute(pos)
            if name not in CHANNEL_ATTRIBUTES:
                _unclean()
            _one_string(items)
            return end, end

        after, end = self.maybe_block(head.end(), attribute)
        self.found.channels.append(
            model.Channel(
                id=identifier,
                label=literals.text(label) if label else identifier,
                kind=kind,
                span=Span(self.source, pos, end),
                name_span=Span(self.source, head.start(1), head.end(1)),
                file=self.source.path,
            )
        )
        return after, end

    def stage(self, pos: int, word: re.Match[str]) -> tuple[int, int]:
        head = _HEAD.match(self.text, word.end())
        if head is None:
            _unclean()
        identifier, label = head.group(1, 2)
        self.stage_description = None
        count = len(self.found.nodes)  # the nodes declared in its body are the stage's
        item = functools.partial(self.statement, stage=identifier)
        after, end = self.maybe_block(head.end(), item)
        self.found.stages.append(
            model.Stage(
                id=identifier,
                label=literals.text(label) if label else identifier,
                description=self.stage_description,
                touchpoints=tuple(node.id for node in self.found.nodes[count:]),
                span=Span(self.source, pos, end),
                name_span=Span(self.source, head.start(1), head.end(1)),
            )
        )
        return after, end

    def node(self, pos: int, word: re.Match[str], stage: str | None) -> tuple[int, int]:
        text, source = self.text, self.source
        kind_name = word.group()
        at = word.end()
        entry = kind_name == "entry"
        if entry:
            kind_match = _KIND.match(text, at)
            if kind_match is None or kind_match.group(1) != "touchpoint":
                _unclean()  # `entry` on a goal or exit: lowering reports it
            kind_name, at = "touchpoint", kind_match.end()
        head = _NODE.match(text, at)
        if head is None:
            _unclean()
        identifier, label, channel, personas, brace = head.group(1, 2, 3, 4, 5)
        if brace is None:
            fields = _NO_ATTRIBUTES
            after = end = head.end()
        else:
            attributes = _NodeAttributes(self, entry)
            after, end = self.block(head.end(), attributes.read)
            fields = attributes.fields()
        regs = head.regs
        self.found.nodes.append(
            model.Touchpoint(  # positional: fields in the order model.Touchpoint declares them
                identifier,
                literals.text(label) if label else identifier,
                _KINDS[kind_name],
                stage,
                channel,
                tuple(_SPLIT_NAMES.findall(personas)) if personas else (),
                entry,
                *fields,
                Span(source, pos, end),
                Span(source, *regs[1]),
                Span(source, *regs[3]) if channel else None,
            )
        )
        return after, end

    def one_hop(self, line: re.Match[str]) -> int:
        """The commonest statement, ``a -> b 30% after 2d "label"``, from one match."""
        source = self.source
        name, target, probability_text, after_text, label = line.group(1, 2, 3, 4, 5)
        (start, end), name_at, target_at, probability_at = line.regs[:4]
        probability = probability_span = None
        if probability_text is not None:
            probability = literals.quantity(probability_text, _PROBABILITY) or _unclean()
            probability_span = Span(source, *probability_at)
        self.found.transitions.append(
            model.Transition(  # positional: 30,000 of these make a 10,000-touchpoint journey
                name,
                target,
                probability,
                _duration(after_text) if after_text is not None else None,
                literals.text(label) if label is not None else None,
                (),
                Span(source, start, end),
                Span(source, *name_at),
                Span(source, *target_at),
                probability_span,
            )
        )
        return end

    def transition(self, word: re.Match[str]) -> int:
        """A transition or a chain of them; returns the end of the last hop."""
        text, source = self.text, self.source
        append = self.found.transitions.append
        name, start = word.group(), word.start()
        source_span = Span(source, start, word.end())
        pos = word.end()
        while True:
            hop = _HOP.match(text, pos)
            if hop is None:
                return pos if pos > word.end() else _unclean()
            target, probability_text, after_text, label = hop.group(1, 2, 3, 4)
            after = _duration(after_text) if after_text is not None else None
            probability_span = Span(source, *hop.span(2)) if probability_text else None
            personas: tuple[str, ...] = ()
            pos = hop.end()
            detail = _DETAIL.match(text, pos)
            while detail is not None:  # details out of the formatter's order, or `for`
                number, later, written, names = detail.group(1, 2, 3, 4)
                if number is not None:
                    if probability_text is not None:
                        _unclean()  # two probabilities: lowering reports it
                    probability_text, probability_span = number, Span(source, *detail.span(1))
                elif later is not None:
                    after = _duration(later)
                elif written is not None:
                    label = written
                else:
                    personas = tuple(_SPLIT_NAMES.findall(names))
                pos = detail.end()
                detail = _DETAIL.match(text, pos)
            probability = None
            if probability_text is not None:
                probability = literals.quantity(probability_text, _PROBABILITY) or _unclean()
            target_span = Span(source, hop.start(1), hop.end(1))
            append(
                model.Transition(
                    source=name,
                    target=target,
                    probability=probability,
                    after=after,
                    label=literals.text(label) if label is not None else None,
                    personas=personas,
                    span=Span(source, start, pos),
                    source_span=source_span,
                    target_span=target_span,
                    probability_span=probability_span,
                )
            )
            name, source_span = target, target_span

    # -- attributes --------------------------------------------------------
    def attribute(self, pos: int) -> tuple[str, list[str], int, int]:
        """An attribute's name, values, where its first value starts, and its end."""
        short = _SHORT_ATTRIBUTE.match(self.text, pos)
        if short is not None:
            name, *values = short.group(1, 2, 3, 4)
            return name, [v for v in values if v is not None], short.start(2), short.end()
        match = _ATTRIBUTE.match(self.text, pos) or _unclean()
        end = match.end()
        values = _VALUE.findall(self.text, match.end(1), end)
        first = _VALUE.match(self.text, match.end(1), end)
        return match.group(1), values, first.start(1) if first else end, end


_AttributeFields = tuple[
    float | None,
    model.Emotion | None,
    str | None,
    tuple[str, ...],
    tuple[str, ...],
    tuple[str, ...],
    tuple[str, ...],
    tuple[str, ...],
    tuple[model.Kpi, ...],
    model.Money | None,
    str | None,
    str | None,
    Span | None,
    tuple[str, ...],
]


class _NodeAttributes:
    """A node's attributes as lowering reads them; anything it would report is unclean."""

    __slots__ = (
        "cost",
        "emotion",
        "entry",
        "kpis",
        "link_span",
        "reach",
        "scanner",
        "tags",
        "texts",
    )

    def __init__(self, scanner: _Scanner | None, entry: bool) -> None:
        self.scanner = scanner
        self.entry = entry
        self.texts: dict[str, list[str]] = {}
        self.emotion: model.Emotion | None = None
        self.kpis: list[model.Kpi] = []
        self.cost: model.Money | None = None
        self.tags: list[str] = []
        self.reach: float | None = None
        self.link_span: Span | None = None

    def fields(self) -> _AttributeFields:
        """``reach`` to ``tags``: the node's fields that come from its attributes."""
        texts = self.texts
        descriptions, owners, links = (texts.get(n) for n in ("description", "owner", "link"))
        return (
            self.reach,
            self.emotion,
            descriptions[-1] if descriptions else None,
            tuple(texts.get("action", ())),
            tuple(texts.get("motivation", ())),
            tuple(texts.get("question", ())),
            tuple(texts.get("pain", ())),
            tuple(texts.get("opportunity", ())),
            tuple(self.kpis),
            self.cost,
            owners[-1] if owners else None,
            links[-1] if links else None,
            self.link_span,
            tuple(self.tags),
        )

    def read(self, pos: int) -> tuple[int, int]:
        """The attribute at ``pos``; returns where scanning goes on and the attribute's end."""
        assert self.scanner is not None
        name, values, first, end = self.scanner.attribute(pos)
        source = self.scanner.source
        if name in _TEXT_ATTRIBUTES:
            self.texts.setdefault(name, []).append(_one_string(values))
            if name == "link":
                self.link_span = Span(source, first, first + len(values[0]))
            return end, end
        kinds = [_KIND_OF.get(v[0]) or ("NUMBER" if v[0].isdecimal() else "NAME") for v in values]
        if name == "emotion":
            if kinds != ["NUMBER"] and kinds != ["NUMBER", "STRING"]:
                _unclean()
            score = literals.quantity(values[0], _PLAIN) or _unclean()
            word = literals.text(values[1]) if len(values) == 2 else None
            self.emotion = model.Emotion(score.value, word, Span(source, pos, end))
        elif name == "kpi":
            if len(values) < 2 or kinds[0] != "NAME":
                _unclean()
            value: model.Quantity | model.Money
            if kinds[1:] == ["NUMBER"]:
                value = literals.quantity(values[1], _KPI) or _unclean()
            else:
                value = _money(values[1:], kinds[1:])
            self.kpis.append(model.Kpi(values[0], value, Span(source, pos, end)))
        elif name == "cost":
            self.cost = _money(values, kinds)
        elif name == "tags":
            names, commas = kinds[::2], kinds[1::2]
            if (
                not values
                or names.count("NAME") != len(names)
                or commas.count("COMMA") != len(commas)
            ):
                _unclean()
            self.tags.extend(values[::2])
        elif name == "reach" and self.entry and kinds == ["NUMBER"]:
            self.reach = (literals.quantity(values[0], _PLAIN) or _unclean()).value
        else:
            assert name not in NODE_ATTRIBUTES or name == "reach"
            _unclean()
        return end, end


_NO_ATTRIBUTES: Final = _NodeAttributes(None, False).fields()
"""The fields of a node without a block."""


def _duration(written: str) -> model.Quantity:
    return literals.quantity(written, _DURATION) or _unclean()


def _one_string(values: list[str]) -> str:
    if len(values) != 1 or not values[0].startswith('"'):
        _unclean()
    return literals.text(values[0])


def _money(values: list[str], kinds: list[str]) -> model.Money:
    if kinds != ["NUMBER", "NAME"]:
        _unclean()
    amount = literals.quantity(values[0], _PLAIN) or _unclean()
    currency = values[1]
    if not literals.CURRENCY.fullmatch(currency):
        _unclean()
    return model.Money(amount.value, currency, f"{values[0]} {currency}")
