"""The typed, immutable model of a customer journey.

Everything downstream of lowering (graph, checks, analysis, rendering) reads
these dataclasses and nothing from Lark. Every element keeps the span it was
written at; ``name_span`` points at just its id for carets and editor
navigation.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Final, TypeAlias

from .source import Span

__all__ = [
    "CHANNEL_KINDS",
    "Change",
    "Channel",
    "Emotion",
    "Journey",
    "Kpi",
    "Money",
    "NodeKind",
    "Persona",
    "Process",
    "Quantity",
    "Ref",
    "Removal",
    "Scenario",
    "Stage",
    "Touchpoint",
    "Transition",
    "meaning",
]

CHANNEL_KINDS: Final = ("online", "offline")


class NodeKind(enum.Enum):
    """What a node of the journey graph is."""

    TOUCHPOINT = "touchpoint"
    GOAL = "goal"
    EXIT = "exit"


@dataclasses.dataclass(frozen=True, slots=True)
class Ref:
    """A name written where something declared elsewhere is meant (``for anna``, ``@web``,
    ``import "common.journey"``), with the span of just that name: diagnostics point at it
    and editors rename or fix exactly that token."""

    id: str
    span: Span

    def __str__(self) -> str:
        return self.id


@dataclasses.dataclass(frozen=True, slots=True)
class Quantity:
    """A number as written, with its unit: ``%``, a duration unit, a currency or none.

    ``value`` is normalised: percentages as fractions, durations in seconds.
    """

    value: float
    unit: str
    text: str

    def __str__(self) -> str:
        return self.text


@dataclasses.dataclass(frozen=True, slots=True)
class Money:
    """An amount with its ISO 4217 currency code, and what it is paid for.

    ``basis`` is ``contact`` (paid each time a customer passes: ``cost 35 EUR per
    contact``), a period (``month``…: a budget, as a cost without a basis is read), or
    ``None`` when none is written. ``text`` is the value as written, basis included."""

    amount: float
    currency: str
    text: str
    basis: str | None = None
    span: Span | None = dataclasses.field(default=None, compare=False)
    """Where it is written (for a message naming two amounts); not part of its value."""

    @property
    def per_contact(self) -> bool:
        """Whether it is paid each time a customer passes (multiplied by the visits)."""
        return self.basis == "contact"

    def __str__(self) -> str:
        return self.text


@dataclasses.dataclass(frozen=True, slots=True)
class Emotion:
    """The customer's feeling at a touchpoint, −2..+2, with an optional word."""

    score: float
    word: str | None
    span: Span


@dataclasses.dataclass(frozen=True, slots=True)
class Kpi:
    """A named key figure of a touchpoint (``kpi ctr 2.1%``)."""

    name: str
    value: Quantity | Money
    span: Span


@dataclasses.dataclass(frozen=True, slots=True)
class Persona:
    """A customer archetype; ``for`` clauses restrict elements to personas."""

    id: str
    label: str
    description: str | None
    goals: tuple[str, ...]
    pains: tuple[str, ...]
    span: Span
    name_span: Span
    file: str
    share: Quantity | None = None
    """How much of the audience the persona is: a fraction (unit ``%``) or a customer
    count (no unit); ``None``: an equal part of what the others leave."""
    share_span: Span | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Channel:
    """Where a touchpoint happens: web, store, hotline …, online or offline."""

    id: str
    label: str
    kind: str | None
    span: Span
    name_span: Span
    file: str


@dataclasses.dataclass(frozen=True, slots=True)
class Touchpoint:
    """A node of the journey: a touchpoint, a goal (conversion) or an exit.

    ``personas`` empty means every persona meets it.
    """

    id: str
    label: str
    kind: NodeKind
    stage: str | None
    channel_ref: Ref | None
    persona_refs: tuple[Ref, ...]
    entry: bool
    reach: float | None
    emotion: Emotion | None
    description: str | None
    actions: tuple[str, ...]
    motivations: tuple[str, ...]
    questions: tuple[str, ...]
    pains: tuple[str, ...]
    opportunities: tuple[str, ...]
    kpis: tuple[Kpi, ...]
    cost: Money | None
    owner: str | None
    link: str | None
    link_span: Span | None
    tags: tuple[str, ...]
    events: tuple[str, ...]
    """The log events that are this touchpoint (``event "cart*"``): names or globs."""
    span: Span
    name_span: Span
    lane: str | None = None
    """Who performs it (``lane frontstage``); ``None``: the customer (docs/blueprint.md)."""
    value: Money | None = None
    """What reaching it is worth (``value 89 EUR`` on a goal): the return on spend."""
    loss: str | None = None
    """An exit's kind of loss (``loss churn``, one of ``vocabulary.LOSSES``); ``None``: not said."""

    @property
    def channel(self) -> str | None:
        """The id of the channel (``@web``), or ``None``."""
        return self.channel_ref.id if self.channel_ref is not None else None

    @property
    def channel_span(self) -> Span | None:
        return self.channel_ref.span if self.channel_ref is not None else None

    @property
    def personas(self) -> tuple[str, ...]:
        """The ids of the personas it is restricted to (``for``); empty: everyone."""
        return tuple(ref.id for ref in self.persona_refs)

    def applies_to(self, persona: str | None) -> bool:
        """True if the persona (or, for ``None``, anyone) meets this touchpoint."""
        return _applies(self.persona_refs, persona)


@dataclasses.dataclass(frozen=True, slots=True)
class Transition:
    """One edge ``source -> target``; a chain ``a -> b -> c`` lowers to two.

    ``probability`` is ``None`` when not written (it shares the remaining
    mass); ``after`` is the typical duration in seconds.
    """

    source: str
    target: str
    probability: Quantity | None
    after: Quantity | None
    label: str | None
    persona_refs: tuple[Ref, ...]
    span: Span
    source_span: Span
    target_span: Span
    probability_span: Span | None

    @property
    def personas(self) -> tuple[str, ...]:
        """The ids of the personas it is restricted to (``for``); empty: everyone."""
        return tuple(ref.id for ref in self.persona_refs)

    def applies_to(self, persona: str | None) -> bool:
        """True if the persona (or, for ``None``, anyone) takes this transition."""
        return _applies(self.persona_refs, persona)


def _applies(refs: tuple[Ref, ...], persona: str | None) -> bool:
    return persona is None or not refs or any(ref.id == persona for ref in refs)


@dataclasses.dataclass(frozen=True, slots=True)
class Stage:
    """A phase of the journey; declaration order is the diagram's column order."""

    id: str
    label: str
    description: str | None
    touchpoints: tuple[str, ...]
    span: Span
    name_span: Span


@dataclasses.dataclass(frozen=True, slots=True)
class Process:
    """A backstage or support process of the service blueprint (``process picking { … }``):
    linked to the touchpoints it ``supports``, never a state of the customer's chain."""

    id: str
    label: str
    description: str | None
    owner: str | None
    lane: str
    support_refs: tuple[Ref, ...]
    span: Span
    name_span: Span
    file: str

    @property
    def supports(self) -> tuple[str, ...]:
        """The ids of the touchpoints it serves."""
        return tuple(ref.id for ref in self.support_refs)


@dataclasses.dataclass(frozen=True, slots=True)
class Change:
    """``change id "Label" @channel for p { attributes; remove name }`` in a scenario: what it
    writes replaces the node's (a repeatable attribute's lines replace all of its lines),
    ``remove name`` empties an attribute; what it does not write stays as it was.

    ``None`` for the label, the channel or the personas: unchanged. ``attributes`` holds the
    model field and its new value (``("emotion", Emotion(...))``) in the order written.
    """

    id: str
    label: str | None
    channel_ref: Ref | None
    persona_refs: tuple[Ref, ...] | None
    attributes: tuple[tuple[str, object], ...]
    removed: tuple[Ref, ...]
    """The attributes ``remove name`` empties, by attribute name (``pain``), as written."""
    span: Span
    name_span: Span


@dataclasses.dataclass(frozen=True, slots=True)
class Removal:
    """``remove id`` (a node with its transitions, or a stage with its nodes) or
    ``remove a -> b [for p]`` (the transitions from ``a`` to ``b`` for those personas)."""

    id: str
    target: str | None
    persona_refs: tuple[Ref, ...]
    span: Span
    name_span: Span
    target_span: Span | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Scenario:
    """A to-be beside the as-is (``scenario to_be "Label" { … }``): what ``scenarios.apply``
    does to the journey around it, in the file's order of each kind.

    ``stages`` are the stages written in it: a new one (appended), or an existing one that
    gets the nodes declared in it (and its label or description, when written).
    """

    id: str
    label: str
    description: str | None
    stages: tuple[Stage, ...]
    touchpoints: tuple[Touchpoint, ...]
    transitions: tuple[Transition, ...]
    changes: tuple[Change, ...]
    removals: tuple[Removal, ...]
    span: Span
    name_span: Span
    stage_labels: tuple[bool, ...] = ()
    """For each of ``stages``: whether its label was written (``stage buy "Kauf" {``), so
    that it relabels an existing stage; an unlabelled one keeps the label it has."""


@dataclasses.dataclass(frozen=True, slots=True)
class Journey:
    """A whole journey: header, definitions, nodes and transitions, in source order."""

    title: str
    description: str | None
    owner: str | None
    personas: tuple[Persona, ...]
    channels: tuple[Channel, ...]
    stages: tuple[Stage, ...]
    touchpoints: tuple[Touchpoint, ...]
    transitions: tuple[Transition, ...]
    import_refs: tuple[Ref, ...]
    span: Span
    lang: str | None = None
    """The language cjdsl writes this journey's outputs in (``lang "de"``); ``None``: English."""
    processes: tuple[Process, ...] = ()
    """The blueprint's processes behind the touchpoints (no states of the chain)."""
    scenarios: tuple[Scenario, ...] = ()
    """The to-be variants declared beside the journey (``scenarios.apply`` makes each a journey)."""
    _nodes: dict[str, Touchpoint] = dataclasses.field(
        init=False, repr=False, compare=False, hash=False
    )
    _channels: dict[str, Channel] = dataclasses.field(
        init=False, repr=False, compare=False, hash=False
    )
    _personas: dict[str, Persona] = dataclasses.field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_nodes", {t.id: t for t in self.touchpoints})
        object.__setattr__(self, "_channels", {c.id: c for c in self.channels})
        object.__setattr__(self, "_personas", {p.id: p for p in self.personas})

    @property
    def imports(self) -> tuple[str, ...]:
        """The imported paths, as written."""
        return tuple(ref.id for ref in self.import_refs)

    def touchpoint(self, id_: str) -> Touchpoint | None:
        """The node with this id, or ``None``."""
        return self._nodes.get(id_)

    def channel(self, id_: str) -> Channel | None:
        """The channel with this id, or ``None``."""
        return self._channels.get(id_)

    def persona(self, id_: str) -> Persona | None:
        """The persona with this id, or ``None``."""
        return self._personas.get(id_)

    def scenario(self, id_: str) -> Scenario | None:
        """The scenario with this id, or ``None``."""
        return next((s for s in self.scenarios if s.id == id_), None)


Meaning: TypeAlias = object
"""Nested tuples of plain values: comparable, hashable, with no span in them."""


def meaning(value: object) -> Meaning:
    r"""What a model value says, without where it was written: spans, source files and the
    files personas and channels were declared in are left out, a reference is its id.

    Two journeys with equal meanings are the same journey for every check, analysis and
    rendering: what ``cjdsl.dumps`` keeps, and what formatting a file must not change.

    >>> from cjdsl import loads
    >>> a = loads('journey "J"\nentry touchpoint a\ngoal b\na -> b').journey
    >>> b = loads('journey "J"\n\n\nentry touchpoint a;goal b;a->b', path="x").journey
    >>> a == b, meaning(a) == meaning(b)
    (False, True)
    """
    if isinstance(value, Span):
        return None
    if isinstance(value, Ref):
        return value.id
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            tuple(
                (f.name, meaning(getattr(value, f.name)))
                for f in dataclasses.fields(value)
                if f.init and f.name != "file" and not f.name.endswith("span")
            ),
        )
    if isinstance(value, tuple):
        return tuple(meaning(v) for v in value)
    if isinstance(value, enum.Enum):
        return value.value
    return value
