"""The analysis result as typed, immutable data, and its versioned JSON form.

Probabilities are fractions of the customers who enter (0..1), durations are
seconds, money is in the currency named beside it. ``docs/analysis-schema.json``
describes the JSON; ``SCHEMA_VERSION`` changes when a field changes meaning or
is removed (adding a field keeps it).

Longer than the ~400-line guideline: one dataclass per table of the report, each beside
the others it is part of, as the JSON schema describes them in one document.
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import pandas

__all__ = [
    "NOT_COMPUTED",
    "OPTIONAL_FIGURES",
    "SCHEMA_VERSION",
    "Channel",
    "Conversion",
    "Difference",
    "Emotion",
    "EmotionPoint",
    "Entry",
    "Goal",
    "GoalShare",
    "LongestPath",
    "Move",
    "Node",
    "Path",
    "Reached",
    "Report",
    "Segment",
    "Stage",
    "Switch",
    "Switches",
    "TopPaths",
    "to_dict",
    "to_json",
]

SCHEMA_VERSION: Final = 1
OPTIONAL_FIGURES: Final = (
    "moments",
    "top_paths",
    "emotion.curve",
    "switches",
    "channels",
    "goals.critical",
    "goals.worst_emotion",
)
"""The figures a time limit may leave out, in the order the analysis computes them.

``moments`` covers each goal's moments too; ``emotion.curve`` and
``switches`` follow the top path; ``channels`` are the channels' removal
effects and what derives from them; ``goals.critical`` and
``goals.worst_emotion`` may be missing for some goals only (those still
``None`` although the goal is reachable).
"""
NOT_COMPUTED: Final = "not computed: time limit"
"""What the text and Markdown tables print in place of a figure left out."""
_DIGITS: Final = 10


@dataclasses.dataclass(frozen=True, slots=True)
class Path:
    """A path of node ids with its probability, number of transitions and total ``after``.

    ``probability`` is the chance that a customer's journey goes exactly this
    way: the start's share times every transition's probability.
    """

    nodes: tuple[str, ...]
    probability: float
    steps: int
    duration: float


@dataclasses.dataclass(frozen=True, slots=True)
class LongestPath:
    """The path that maximises a total (the critical path, the worst-emotion path).

    ``method`` says how it was found: ``dag`` (the part of the journey between
    the entries and the goal has no loop: exact), ``condensation`` (loops, each
    searched exhaustively inside its strongly connected component: exact) or
    ``condensation-lower-bound`` (a loop too large to search had its back
    edges dropped: a real path, but a longer one may exist; ``exact`` is false).
    """

    path: Path
    value: float
    exact: bool
    method: str


@dataclasses.dataclass(frozen=True, slots=True)
class Conversion:
    """The whole journey: how many convert, how, and how fast.

    ``steps`` and ``time`` are expectations for converting customers, up to
    their first goal; ``lost`` ended without converting; ``stuck`` circle in
    a loop nobody leaves (CJ204) without converting.
    """

    probability: float
    customers: float | None
    entering: float | None
    steps: float | None
    time: float | None
    lost: float
    stuck: float
    time_median: float | None = None
    """The time by which half the converting customers have converted (exact, seconds)."""
    time_p90: float | None = None
    """The same for nine in ten: the 90th percentile of the time to convert."""


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    """One start: its share of the customers and the conversion of those who start there."""

    id: str
    label: str
    weight: float
    reach: float | None
    conversion: float
    customers: float | None
    goals: tuple[GoalShare, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class GoalShare:
    """The probability that customers from one entry reach one goal (at least once)."""

    goal: str
    conversion: float
    customers: float | None


@dataclasses.dataclass(frozen=True, slots=True)
class Goal:
    """One goal: who reaches it, how, and the touchpoints every way to it passes.

    ``conversion`` is the probability of reaching it at least once; ``first``
    of it being the first goal reached (these add up to the overall
    conversion). ``steps``/``time`` are expectations for those who reach it.
    """

    id: str
    label: str
    conversion: float
    first: float
    customers: float | None
    steps: float | None
    time: float | None
    most_probable: Path | None
    shortest: Path | None
    critical: LongestPath | None
    worst_emotion: LongestPath | None
    moments: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class StageChurn:
    """Of the customers who reach a goal, the share that leaves at a churn exit of a stage."""

    stage: str
    rate: float


@dataclasses.dataclass(frozen=True, slots=True)
class NodeChurn:
    """A touchpoint after the goal: how often converted customers pass it (``reach``), the
    share of churners who pass it (``effect``, the removal effect toward churn exits), and
    the probability of churning from there (``churns_from``)."""

    id: str
    reach: float
    effect: float
    churns_from: float


@dataclasses.dataclass(frozen=True, slots=True)
class Churn:
    """Outcomes after the goal, where exits say ``loss churn`` (``docs/analysis.md``, "Churn").

    ``rate``: of the customers who reach a goal (the first one, or ``--goal``'s), the share
    that reaches a churn exit afterwards; ``None`` when nobody converts. ``win_back``: of
    the customers who make a cancellation request (a touchpoint tagged ``cancellation``,
    from the first one they reach), the share that reaches a goal afterwards.
    ``lifetime``: the expected time from the goal to the churn exit, of those who churn.
    ``repurchases``: the expected number of times a converted customer reaches a goal again.
    """

    exits: tuple[str, ...]
    rate: float | None
    stages: tuple[StageChurn, ...]
    touchpoints: tuple[NodeChurn, ...]
    requests: tuple[str, ...]
    request_reach: float
    win_back: float | None
    lifetime: float | None
    repurchases: float | None


@dataclasses.dataclass(frozen=True, slots=True)
class Node:
    """Per node: reach, visits, where journeys end, and what removing it would cost.

    ``drop_off`` is the probability that a journey ends here (implicit drop-off
    plus transitions into exits), of which ``implicit`` is the unwritten rest;
    ``lost_conversion`` the probability that a not-yet-converted customer's
    journey ends here; ``removal_effect`` the relative drop in conversion
    without this touchpoint, ``share`` its normalised part of the conversions.
    ``visits`` is ``None`` when infinite (a loop nobody leaves).
    """

    id: str
    label: str
    kind: str
    stage: str | None
    channel: str | None
    reach: float
    visits: float | None
    drop_off: float
    implicit: float
    lost_conversion: float
    removal_effect: float | None
    share: float | None
    removed: bool
    converts_from: float | None = None
    """The probability that a customer here, not converted yet, converts (1 on goals)."""
    ends_rate: float | None = None
    """Of the customers who reach the node, the share whose journey ends there."""
    visits_before: float | None = None
    """Expected visits before converting (per customer entering): the acquisition part."""
    cost_per_conversion: float | None = None
    """Its acquisition cost per conversion credited to it (its ``share``), if it costs."""


@dataclasses.dataclass(frozen=True, slots=True)
class Stage:
    """One stage of the funnel: reached at least once, and the journeys that end in it."""

    id: str
    label: str
    reach: float
    drop_off: float
    lost_conversion: float
    nodes: tuple[str, ...]

    @property
    def ends_rate(self) -> float | None:
        """Of the customers who reach the stage, the share whose journey ends in it."""
        return None if self.reach <= 1e-15 else self.drop_off / self.reach


@dataclasses.dataclass(frozen=True, slots=True)
class Sensitivity:
    """What one more point of a transition's probability adds to conversion.

    ``effect`` is ``∂conversion/∂probability``: +1 pp on the transition adds ``effect`` pp
    of conversion (taken from those who leave its source unwritten)."""

    source: str
    target: str
    probability: float
    effect: float


@dataclasses.dataclass(frozen=True, slots=True)
class Costs:
    """What the journey costs per converting customer, split at the goal analysed.

    ``acquisition`` is spent before converting, ``service`` after it (support,
    retention); ``per contact`` costs are their amount times the expected visits, period
    budgets are divided by the customers entering per period and split by the visits
    before and after. ``value`` is the goals' ``value`` per conversion (each goal counted
    once per customer who reaches it), ``return_on_spend`` value over all costs.
    ``per_period`` is the sum of both per period, when entries have a reach.
    """

    currency: str
    acquisition: float | None
    service: float | None
    value: float | None
    return_on_spend: float | None
    per_period: float | None


@dataclasses.dataclass(frozen=True, slots=True)
class Channel:
    """Graph-based attribution of one channel (removal effect, Anderl et al. 2016).

    ``share`` is the normalised removal effect; ``attributed`` the conversions
    per entering customer it is credited with, ``customers`` the same as a
    number of customers when entries have ``reach``; ``cost`` the sum of its
    nodes' ``cost`` (one currency) and ``cost_per_conversion`` that divided by
    ``customers``.
    """

    id: str
    label: str
    kind: str | None
    nodes: tuple[str, ...]
    removal_effect: float | None
    share: float | None
    attributed: float | None
    customers: float | None
    cost: float | None
    currency: str | None
    cost_per_conversion: float | None


@dataclasses.dataclass(frozen=True, slots=True)
class TopPaths:
    """The most probable converting paths, best first; ``complete`` is false if the search stopped.

    A converting path runs from an entry to the first goal it reaches, without
    repeating a node.
    """

    paths: tuple[Path, ...]
    complete: bool
    expansions: int


@dataclasses.dataclass(frozen=True, slots=True)
class EmotionPoint:
    """One node on an emotion curve (``score`` ``None`` where no emotion is written)."""

    node: str
    label: str
    stage: str | None
    score: float | None
    word: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class Emotion:
    """The emotion curve along the most probable converting path, and the journey's low point."""

    curve: tuple[EmotionPoint, ...]
    average: float | None
    lowest: tuple[EmotionPoint, ...]
    pains: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Move:
    """A transition that goes back to an earlier stage or skips stages (CJ501, CJ502)."""

    source: str
    target: str
    from_stage: str
    to_stage: str
    kind: str
    skipped: tuple[str, ...]
    probability: float
    traffic: float


@dataclasses.dataclass(frozen=True, slots=True)
class Switch:
    """Consecutive touchpoints of a path in different channels."""

    source: str
    target: str
    from_channel: str
    to_channel: str
    online_offline: bool


@dataclasses.dataclass(frozen=True, slots=True)
class Switches:
    """Channel switches along the most probable converting path."""

    path: tuple[str, ...]
    switches: tuple[Switch, ...]

    @property
    def count(self) -> int:
        """Number of channel switches."""
        return len(self.switches)

    @property
    def online_offline(self) -> int:
        """Switches between an online and an offline channel."""
        return sum(s.online_offline for s in self.switches)


@dataclasses.dataclass(frozen=True, slots=True)
class Difference:
    """One figure before and after removing touchpoints or channels (``cjdsl analyze --without``).

    ``unit`` is ``probability``, ``customers``, ``steps`` or ``seconds``.
    """

    figure: str
    unit: str
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        """``after − before``, or ``None`` if either is unknown."""
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclasses.dataclass(frozen=True, slots=True)
class Segment:
    """One persona as a part of the audience: its share and its headline figures.

    The report for everyone mixes the personas' figures by these shares
    (``docs/analysis.md``, "Personas are segments"). ``conversion`` is the persona's,
    with ``entering`` and ``customers`` its share of everyone's, so they add up.
    """

    persona: str
    label: str
    share: float
    conversion: Conversion
    reach: tuple[Reached, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class Reached:
    """A node's reach for one persona (``Segment.reach``: where the map shows each's)."""

    node: str
    reach: float


@dataclasses.dataclass(frozen=True, slots=True)
class Report:
    """Every figure of one journey for one persona (or everyone), with the what-if baseline.

    ``not_computed`` names the ``OPTIONAL_FIGURES`` the ``time_limit`` (seconds,
    ``None``: none) left out: they hold ``None`` or nothing, and are not zero.

    The overlay helpers (``most_probable_paths``, ``critical_paths``,
    ``moment_set``, ``drop_off``, ``lost_conversion``) give a renderer what it
    highlights.
    """

    title: str
    persona: str | None
    without: tuple[str, ...]
    weighting: str
    conversion: Conversion
    entries: tuple[Entry, ...]
    goals: tuple[Goal, ...]
    stages: tuple[Stage, ...]
    nodes: tuple[Node, ...]
    channels: tuple[Channel, ...]
    top_paths: TopPaths
    moments: tuple[str, ...]
    bottlenecks: tuple[str, ...]
    emotion: Emotion
    moves: tuple[Move, ...]
    switches: Switches
    notes: tuple[str, ...]
    baseline: Report | None = None
    differences: tuple[Difference, ...] = ()
    not_computed: tuple[str, ...] = ()
    time_limit: float | None = None
    segments: tuple[Segment, ...] = ()
    """For everyone in a journey with personas: each persona's share and headline."""
    toward: str | None = None
    """``--goal``: the one goal that counts as converting (``None``: any goal)."""
    start: str | None = None
    """``--from``: the node or stage the customers analysed reached (``None``: all)."""
    start_reach: float | None = None
    """With ``start``: the probability that a customer who enters gets there."""
    churn: Churn | None = None
    """Churn and retention, when the journey has exits with ``loss churn``."""
    costs: Costs | None = None
    """What converting costs and returns, when touchpoints have a ``cost`` (one currency)."""
    sensitivities: tuple[Sensitivity, ...] = ()
    """What to fix first: every transition's effect on conversion, largest first."""
    _by_id: dict[str, Node] = dataclasses.field(init=False, repr=False, compare=False, hash=False)
    _reach_by: dict[str, list[tuple[str, float]]] = dataclasses.field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {n.id: n for n in self.nodes})
        reach_by: dict[str, list[tuple[str, float]]] = {}
        for segment in self.segments:
            for reached in segment.reach:
                reach_by.setdefault(reached.node, []).append((segment.persona, reached.reach))
        object.__setattr__(self, "_reach_by", reach_by)

    def reach_by_persona(self, id_: str) -> tuple[tuple[str, float], ...]:
        """Each persona's reach of a node, for those who meet it (a lookup, as ``node``)."""
        return tuple(self._reach_by.get(id_, ()))

    def node(self, id_: str) -> Node | None:
        """The figures of one node, or ``None`` (a lookup: maps and comparisons ask per node)."""
        return self._by_id.get(id_)

    def goal(self, id_: str) -> Goal | None:
        """The figures of one goal, or ``None``."""
        return next((g for g in self.goals if g.id == id_), None)

    @property
    def most_probable_paths(self) -> dict[str, tuple[str, ...]]:
        """Per reachable goal, the node ids of its most probable path."""
        return {g.id: g.most_probable.nodes for g in self.goals if g.most_probable}

    @property
    def critical_paths(self) -> dict[str, tuple[str, ...]]:
        """Per reachable goal, the node ids of its critical (longest-duration) path."""
        return {g.id: g.critical.path.nodes for g in self.goals if g.critical}

    @property
    def moment_set(self) -> frozenset[str]:
        """The moments of truth: touchpoints every converting path passes."""
        return frozenset(self.moments)

    @property
    def drop_off(self) -> dict[str, float]:
        """Per node, the probability that a journey ends there."""
        return {n.id: n.drop_off for n in self.nodes}

    @property
    def lost_conversion(self) -> dict[str, float]:
        """Per node, the probability that an unconverted customer's journey ends there."""
        return {n.id: n.lost_conversion for n in self.nodes}

    def to_frame(self, table: str) -> pandas.DataFrame:
        """One table of the JSON form as a pandas DataFrame: ``touchpoints``, ``goals``,
        ``funnel`` … (``cjdsl.notebook.reports``, which needs pandas installed).

        Raises:
            ImportError: pandas is not installed; the message says how to install it.
            ValueError: an unknown table; the message lists the tables.
        """
        from ..notebook import reports

        return reports.frame(self, table)

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        """The tables of ``cjdsl analyze`` for Jupyter, as HTML and as text
        (``cjdsl.notebook.reports``), in place of the dataclass's long repr."""
        from ..notebook import reports

        return reports.bundle(self)

    def _repr_html_(self) -> str:
        from ..notebook import reports

        return reports.html(self)


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return float(f"{value:.{_DIGITS}g}") + 0.0  # + 0.0 turns -0.0 into 0.0
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = (f for f in dataclasses.fields(value) if f.init)  # not derived lookups
        out = {f.name: _plain(getattr(value, f.name)) for f in fields}
        for name in ("change", "count", "online_offline", "ends_rate"):
            if hasattr(type(value), name) and isinstance(getattr(type(value), name), property):
                out[name] = _plain(getattr(value, name))
        return out
    return value


def to_dict(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data: ``{"version": 1, "kind": "cjdsl-analysis", …}``."""
    data: dict[str, Any] = {"version": SCHEMA_VERSION, "kind": "cjdsl-analysis"}
    data.update(_plain(report))
    if report.baseline is not None:
        data["baseline"] = _plain(report.baseline)
        data["baseline"].pop("baseline")
        data["baseline"].pop("differences")
    return data


def to_json(report: Report) -> str:
    """The report as one JSON document (UTF-8 text, keys in a fixed order, newline at the end)."""
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2) + "\n"
