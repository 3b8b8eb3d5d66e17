"""A scenario applied to its journey: the to-be as a journey of its own (docs/scenarios.md).

One pure function, model to model, that every front end calls through the pipeline
(``--scenario ID``): the graph, checks, analysis and renderers then see an ordinary
journey and know nothing of scenarios. The operations, in this order:

1. ``remove a -> b [for p]``: the transitions from ``a`` to ``b`` (for exactly those
   personas, when written) are dropped;
2. ``remove id``: a node goes with every transition to or from it, a stage with its nodes;
3. ``change id …``: what the line and its block write replaces the node's (a repeatable
   attribute's lines replace all of its lines), ``remove name`` empties an attribute;
4. ``stage``/``touchpoint``/``goal``/``exit``: a node is added (its id must be new, or
   removed in step 2), a stage is appended or, when it exists, gets the nodes;
5. ``a -> b …``: replaces the transition from ``a`` to ``b`` for the same personas
   (re-weights it), or is added.

What names nothing is CJ801, a node declared twice CJ802, an attribute removed that is not
there CJ803; unknown references of what the scenario adds are CJ101, as in the journey.

>>> import cjdsl
>>> doc = cjdsl.loads('journey "J"\\nentry touchpoint a\\ngoal b\\na -> b\\n'
...                   'scenario s { touchpoint c; remove a -> b; a -> c; c -> b }')
>>> applied, found = apply(doc.journey, doc.journey.scenarios[0])
>>> [t.id for t in applied.touchpoints], [(t.source, t.target) for t in applied.transitions]
(['a', 'b', 'c'], [('a', 'c'), ('c', 'b')])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from . import codes, model
from .diagnostics import Diagnostic, Related, Reporter, did_you_mean
from .language import vocabulary
from .source import Span

__all__ = ["apply", "check_all", "emotions", "unknown"]


def apply(
    journey: model.Journey, scenario: model.Scenario
) -> tuple[model.Journey, tuple[Diagnostic, ...]]:
    """The journey as ``scenario`` makes it (without scenarios of its own), and what in the
    scenario does not fit the journey. An empty scenario gives the journey back unchanged
    (up to its ``scenarios``)."""
    applying = _Applying(journey)
    applying.run(scenario)
    return applying.result(), tuple(applying.diagnostics)


def check_all(journey: model.Journey) -> tuple[Diagnostic, ...]:
    """What is wrong in any of the journey's scenarios (``cjdsl check`` reports them all)."""
    return tuple(d for scenario in journey.scenarios for d in apply(journey, scenario)[1])


def emotions(journey: model.Journey | None) -> dict[str, float]:
    """The emotion of each node that has one: the as-is curve a scenario's map draws beneath."""
    nodes = journey.touchpoints if journey is not None else ()
    return {n.id: n.emotion.score for n in nodes if n.emotion is not None}


def unknown(journey: model.Journey, id_: str) -> Diagnostic:
    """CJ804 for ``--scenario ID`` naming none of the journey's scenarios."""
    ids = [s.id for s in journey.scenarios]
    return Diagnostic(
        codes.UNKNOWN_SCENARIO,
        f"the journey has no scenario `{id_}`",
        journey.span,
        "asked for with --scenario",
        did_you_mean(id_, ids)
        or (
            "its scenarios are " + ", ".join(f"`{i}`" for i in ids)
            if ids
            else 'declare one: `scenario to_be "To-be" { … }`'
        ),
    )


class _Applying(Reporter):
    def __init__(self, journey: model.Journey) -> None:
        super().__init__()
        self.journey = journey
        self.nodes = {node.id: node for node in journey.touchpoints}
        self.stages = {stage.id: stage for stage in journey.stages}
        # Transitions by position (``None``: removed), indexed by pair, key and node, so
        # each operation costs what it touches, not the whole journey.
        self.transitions: list[model.Transition | None] = []
        self.by_pair: dict[tuple[str, str], list[int]] = {}
        self.by_node: dict[str, list[int]] = {}
        self.by_key: dict[tuple[str, str, frozenset[str]], int] = {}
        for transition in journey.transitions:
            self.append(transition)
        self.gone: set[str] = set()
        self.added: list[model.Transition] = []

    def append(self, transition: model.Transition) -> None:
        k = len(self.transitions)
        self.transitions.append(transition)
        self.by_pair.setdefault((transition.source, transition.target), []).append(k)
        self.by_node.setdefault(transition.source, []).append(k)
        self.by_node.setdefault(transition.target, []).append(k)
        self.by_key.setdefault(_key(transition), k)

    def run(self, scenario: model.Scenario) -> None:
        for removal in scenario.removals:
            if removal.target is not None:
                self.remove_transition(removal)
        for removal in scenario.removals:
            if removal.target is None:
                self.remove(removal)
        for change in scenario.changes:
            self.change(change)
        labelled = scenario.stage_labels or (False,) * len(scenario.stages)
        for stage, has_label in zip(scenario.stages, labelled, strict=True):
            self.add_stage(stage, has_label)
        for node in scenario.touchpoints:
            self.add_node(node)
        for transition in scenario.transitions:
            self.add_transition(transition)
        self.references(scenario)

    def result(self) -> model.Journey:
        stages = tuple(
            dataclasses.replace(
                stage,
                touchpoints=tuple(
                    id_
                    for id_ in dict.fromkeys(stage.touchpoints)
                    if id_ in self.nodes and self.nodes[id_].stage == stage.id
                ),
            )
            for stage in self.stages.values()
        )
        return dataclasses.replace(
            self.journey,
            stages=stages,
            touchpoints=tuple(self.nodes.values()),
            transitions=tuple(t for t in self.transitions if t is not None),
            scenarios=(),
        )

    # -- 1, 2: removals ------------------------------------------------------
    def remove_transition(self, removal: model.Removal) -> None:
        personas = frozenset(ref.id for ref in removal.persona_refs)
        matched = [
            k
            for k in self.by_pair.get((removal.id, removal.target or ""), ())
            if (t := self.transitions[k]) is not None
            and (not removal.persona_refs or frozenset(t.personas) == personas)
        ]
        for k in matched:
            self.transitions[k] = None
        if not matched:
            targets = list(
                dict.fromkeys(
                    t.target
                    for k in self.by_node.get(removal.id, ())
                    if (t := self.transitions[k]) is not None and t.source == removal.id
                )
            )
            written = f"{removal.id} -> {removal.target}"
            self.report(
                codes.SCENARIO_UNKNOWN_TARGET,
                f"the journey has no transition `{written}` to remove"
                + (" for these personas" if removal.persona_refs and targets else ""),
                removal.span,
                label="nothing to remove",
                hint=did_you_mean(removal.target or "", targets)
                or (
                    f"`{removal.id}` leads to " + ", ".join(f"`{t}`" for t in targets)
                    if targets
                    else f"`{removal.id}` has no transitions"
                ),
            )

    def remove(self, removal: model.Removal) -> None:
        id_ = removal.id
        if id_ in self.nodes:
            self.drop_nodes({id_})
        elif id_ in self.stages:
            stage = self.stages.pop(id_)
            self.drop_nodes({n for n in stage.touchpoints if n in self.nodes})
        else:
            self.not_there(id_, removal.name_span, "remove")

    def drop_nodes(self, ids: set[str]) -> None:
        for id_ in ids:
            del self.nodes[id_]
        self.gone |= ids
        for id_ in ids:
            for k in self.by_node.get(id_, ()):
                self.transitions[k] = None

    def not_there(self, id_: str, at: Span, verb: str) -> None:
        already = id_ in self.gone
        self.report(
            codes.SCENARIO_UNKNOWN_TARGET,
            f"`{id_}` is removed by this scenario: nothing to {verb}"
            if already
            else f"the journey has no touchpoint or stage `{id_}` to {verb}",
            at,
            label="already removed" if already else "not declared",
            hint=None
            if already
            else did_you_mean(id_, [*self.nodes, *(self.stages if verb == "remove" else ())]),
        )

    # -- 3: changes ----------------------------------------------------------
    def change(self, change: model.Change) -> None:
        node = self.nodes.get(change.id)
        if node is None:
            self.not_there(change.id, change.name_span, "change")
            return
        fields: dict[str, object] = dict(change.attributes)
        if change.label is not None:
            fields["label"] = change.label
        if change.channel_ref is not None:
            fields["channel_ref"] = change.channel_ref
        if change.persona_refs is not None:
            fields["persona_refs"] = change.persona_refs
        for ref in change.removed:
            known = vocabulary.attribute(ref.id, "node")
            assert known is not None  # lowering keeps only attributes of a node
            if getattr(node, known.field) in (None, ()):
                self.report(
                    codes.SCENARIO_REMOVES_NOTHING,
                    f"`{change.id}` has no `{ref.id}` to remove",
                    ref.span,
                    label="nothing to remove",
                    hint=f"drop `remove {ref.id}`",
                )
            fields[known.field] = () if known.repeatable else None
        self.nodes[change.id] = dataclasses.replace(node, **fields)  # type: ignore[arg-type]

    # -- 4, 5: additions -----------------------------------------------------
    def add_stage(self, stage: model.Stage, has_label: bool) -> None:
        old = self.stages.get(stage.id)
        if old is None:
            self.stages[stage.id] = stage
            return
        self.stages[stage.id] = dataclasses.replace(
            old,
            label=stage.label if has_label else old.label,
            description=stage.description if stage.description is not None else old.description,
            touchpoints=old.touchpoints + stage.touchpoints,
        )

    def add_node(self, node: model.Touchpoint) -> None:
        old = self.nodes.get(node.id)
        if old is not None:
            self.report(
                codes.SCENARIO_DUPLICATE,
                f"the journey already has a {old.kind.value} `{node.id}`",
                node.name_span,
                label="declared again in the scenario",
                hint=f"write `change {node.id} {{ … }}` to change it, or `remove {node.id}` "
                "first to declare it anew",
                related=(Related(old.name_span, "declared here"),),
            )
            return
        self.nodes[node.id] = node

    def add_transition(self, transition: model.Transition) -> None:
        k = self.by_key.get(_key(transition))
        if k is not None and self.transitions[k] is not None:
            self.transitions[k] = transition  # re-weighted, where it stood
        else:
            self.by_key.pop(_key(transition), None)
            self.append(transition)
        self.added.append(transition)

    def references(self, scenario: model.Scenario) -> None:
        channels = {c.id for c in self.journey.channels}
        personas = {p.id for p in self.journey.personas}
        for transition in self.added:
            for id_, at in (
                (transition.source, transition.source_span),
                (transition.target, transition.target_span),
            ):
                if id_ not in self.nodes:
                    self.unknown("touchpoint", id_, at, self.nodes)
        written = [n.channel_ref for n in scenario.touchpoints]
        written += [c.channel_ref for c in scenario.changes]
        for ref in written:
            if ref is not None and ref.id not in channels:
                self.unknown("channel", ref.id, ref.span, channels)
        refs = [r for t in scenario.touchpoints for r in t.persona_refs]
        refs += [r for c in scenario.changes for r in c.persona_refs or ()]
        refs += [r for t in scenario.transitions for r in t.persona_refs]
        refs += [r for r in (x for rm in scenario.removals for x in rm.persona_refs)]
        for ref in refs:
            if ref.id not in personas:
                self.unknown("persona", ref.id, ref.span, personas)

    def unknown(self, what: str, id_: str, at: Span, known: Iterable[str]) -> None:
        removed = id_ in self.gone
        self.report(
            codes.UNKNOWN_REFERENCE,
            f"unknown {what} `{id_}`" + (" (removed by this scenario)" if removed else ""),
            at,
            label=f"no {what} named `{id_}`",
            hint=did_you_mean(id_, known) or f"declare `{id_}` in the journey or the scenario",
        )


def _key(transition: model.Transition) -> tuple[str, str, frozenset[str]]:
    """What a scenario's transition replaces: the one with the same ends and personas."""
    return transition.source, transition.target, frozenset(transition.personas)
