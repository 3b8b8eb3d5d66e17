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
from .diagnostics import Diagnostic, Related, Reporter, Suggestions, did_you_mean
from .language import vocabulary
from .source import Span

__all__ = ["apply", "check_all", "emotions", "unknown"]


def apply(
    journey: model.Journey, scenario: model.Scenario
) -> tuple[model.Journey, tuple[Diagnostic, ...]]:
    """The journey as ``scenario`` makes it (without scenarios of its own), and what in the
    scenario does not fit the journey. An empty scenario gives the journey back unchanged
    (up to its ``scenarios``)."""
    applying = _Applying(_Base(journey))
    applying.run(scenario)
    return applying.result(), tuple(applying.diagnostics)


def check_all(journey: model.Journey) -> tuple[Diagnostic, ...]:
    """What is wrong in any of the journey's scenarios (``cjdsl check`` reports them all).

    The journey is indexed once for all of them, and checking one costs what it says, not
    the size of the journey: a file of many scenarios stays linear."""
    base = _Base(journey)
    found: list[Diagnostic] = []
    for scenario in journey.scenarios:
        applying = _Applying(base)
        applying.run(scenario)
        found += applying.diagnostics
    return tuple(found)


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


class _Base:
    """The journey a scenario is applied to, indexed once: nodes and stages by id, its
    transitions by pair, by node and by what a scenario's transition replaces."""

    def __init__(self, journey: model.Journey) -> None:
        self.journey = journey
        self.nodes = {node.id: node for node in journey.touchpoints}
        self.stages = {stage.id: stage for stage in journey.stages}
        self.transitions = journey.transitions
        self.by_pair: dict[tuple[str, str], list[int]] = {}
        self.by_node: dict[str, list[int]] = {}
        self.by_key: dict[tuple[str, str, frozenset[str]], int] = {}
        for k, transition in enumerate(journey.transitions):
            self.by_pair.setdefault((transition.source, transition.target), []).append(k)
            self.by_node.setdefault(transition.source, []).append(k)
            self.by_node.setdefault(transition.target, []).append(k)
            self.by_key.setdefault(_key(transition), k)
        self.channels = {c.id for c in journey.channels}
        self.personas = {p.id for p in journey.personas}
        self._hints: dict[str, Suggestions] = {}

    def hint(self, what: str, name: str) -> str | None:
        """``did you mean`` among the journey's nodes (``node``, with its stages for
        ``stage``), channels or personas: one index each for every scenario, so a thousand
        misspellings stay linear."""
        if what not in self._hints:
            choices = {
                "node": self.nodes,
                "stage": [*self.nodes, *self.stages],
                "channel": self.channels,
                "persona": self.personas,
            }[what]
            self._hints[what] = Suggestions(choices)
        return self._hints[what].hint(name)


class _Applying(Reporter):
    """One scenario over a ``_Base``: what it changes is kept beside the base (``None``:
    removed), never copied from it, until ``result`` builds the journey."""

    def __init__(self, base: _Base) -> None:
        super().__init__()
        self.base = base
        self.nodes: dict[str, model.Touchpoint | None] = {}
        self.stages: dict[str, model.Stage | None] = {}
        self.new_nodes: list[str] = []
        self.new_stages: list[str] = []
        self.killed: set[int] = set()
        self.replaced: dict[int, model.Transition] = {}
        self.extra: list[model.Transition] = []
        self.extra_keys: dict[tuple[str, str, frozenset[str]], int] = {}
        self.gone: set[str] = set()
        self.added: list[model.Transition] = []

    def node(self, id_: str) -> model.Touchpoint | None:
        return self.nodes[id_] if id_ in self.nodes else self.base.nodes.get(id_)

    def stage(self, id_: str) -> model.Stage | None:
        return self.stages[id_] if id_ in self.stages else self.base.stages.get(id_)

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
        base = self.base
        moved = set(self.new_nodes)
        order = [i for i in base.nodes if i not in moved] + self.new_nodes
        nodes = [n for i in order if (n := self.node(i)) is not None]
        moved_stages = set(self.new_stages)
        stage_ids = [i for i in base.stages if i not in moved_stages] + self.new_stages
        stages = tuple(
            dataclasses.replace(
                stage,
                touchpoints=tuple(
                    id_
                    for id_ in dict.fromkeys(stage.touchpoints)
                    if (n := self.node(id_)) is not None and n.stage == stage.id
                ),
            )
            for i in stage_ids
            if (stage := self.stage(i)) is not None
        )
        transitions = [
            self.replaced.get(k, t) for k, t in enumerate(base.transitions) if k not in self.killed
        ]
        return dataclasses.replace(
            base.journey,
            stages=stages,
            touchpoints=tuple(nodes),
            transitions=(*transitions, *self.extra),
            scenarios=(),
        )

    # -- 1, 2: removals ------------------------------------------------------
    def remove_transition(self, removal: model.Removal) -> None:
        base = self.base
        personas = frozenset(ref.id for ref in removal.persona_refs)
        matched = [
            k
            for k in base.by_pair.get((removal.id, removal.target or ""), ())
            if k not in self.killed
            and (not removal.persona_refs or frozenset(base.transitions[k].personas) == personas)
        ]
        self.killed.update(matched)
        if matched:
            return
        targets = list(
            dict.fromkeys(
                t.target
                for k in base.by_node.get(removal.id, ())
                if k not in self.killed and (t := base.transitions[k]).source == removal.id
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
        stage = self.stage(id_)
        if self.node(id_) is not None:
            self.drop_nodes((id_,))
        elif stage is not None:
            self.stages[id_] = None
            self.drop_nodes([n for n in stage.touchpoints if self.node(n) is not None])
        else:
            self.not_there(id_, removal.name_span, "remove")

    def drop_nodes(self, ids: Iterable[str]) -> None:
        for id_ in ids:
            self.nodes[id_] = None
            self.gone.add(id_)
            self.killed.update(self.base.by_node.get(id_, ()))

    def not_there(self, id_: str, at: Span, verb: str) -> None:
        already = id_ in self.gone
        self.report(
            codes.SCENARIO_UNKNOWN_TARGET,
            f"`{id_}` is removed by this scenario: nothing to {verb}"
            if already
            else f"the journey has no touchpoint or stage `{id_}` to {verb}",
            at,
            label="already removed" if already else "not declared",
            hint=None if already else self.base.hint("stage" if verb == "remove" else "node", id_),
        )

    # -- 3: changes ----------------------------------------------------------
    def change(self, change: model.Change) -> None:
        node = self.node(change.id)
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
        old = self.stage(stage.id)
        if old is None:
            self.stages[stage.id] = stage
            self.new_stages.append(stage.id)
            return
        self.stages[stage.id] = dataclasses.replace(
            old,
            label=stage.label if has_label else old.label,
            description=stage.description if stage.description is not None else old.description,
            touchpoints=old.touchpoints + stage.touchpoints,
        )

    def add_node(self, node: model.Touchpoint) -> None:
        old = self.node(node.id)
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
        self.new_nodes.append(node.id)

    def add_transition(self, transition: model.Transition) -> None:
        key = _key(transition)
        k = self.base.by_key.get(key)
        if k is not None and k not in self.killed:
            self.replaced[k] = transition  # re-weighted, where it stood
        elif key in self.extra_keys:
            self.extra[self.extra_keys[key]] = transition
        else:
            self.extra_keys[key] = len(self.extra)
            self.extra.append(transition)
        self.added.append(transition)

    def references(self, scenario: model.Scenario) -> None:
        base = self.base
        for transition in self.added:
            for id_, at in (
                (transition.source, transition.source_span),
                (transition.target, transition.target_span),
            ):
                if self.node(id_) is None:
                    few = 0 < len(self.new_nodes) <= 32  # the journey's own: one index
                    close = did_you_mean(id_, self.new_nodes) if few else None
                    self.unknown("touchpoint", id_, at, close or base.hint("node", id_))
        written = [n.channel_ref for n in scenario.touchpoints]
        written += [c.channel_ref for c in scenario.changes]
        for ref in written:
            if ref is not None and ref.id not in base.channels:
                self.unknown("channel", ref.id, ref.span, base.hint("channel", ref.id))
        refs = [r for t in scenario.touchpoints for r in t.persona_refs]
        refs += [r for c in scenario.changes for r in c.persona_refs or ()]
        refs += [r for t in scenario.transitions for r in t.persona_refs]
        refs += [r for r in (x for rm in scenario.removals for x in rm.persona_refs)]
        for ref in refs:
            if ref.id not in base.personas:
                self.unknown("persona", ref.id, ref.span, base.hint("persona", ref.id))

    def unknown(self, what: str, id_: str, at: Span, hint: str | None) -> None:
        removed = id_ in self.gone
        self.report(
            codes.UNKNOWN_REFERENCE,
            f"unknown {what} `{id_}`" + (" (removed by this scenario)" if removed else ""),
            at,
            label=f"no {what} named `{id_}`",
            hint=hint or f"declare `{id_}` in the journey or the scenario",
        )


def _key(transition: model.Transition) -> tuple[str, str, frozenset[str]]:
    """What a scenario's transition replaces: the one with the same ends and personas."""
    return transition.source, transition.target, frozenset(transition.personas)
