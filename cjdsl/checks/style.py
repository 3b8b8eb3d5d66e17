"""Completeness checks (CJ4xx): empty stages, unused definitions, post-purchase."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

import networkx as nx

from .. import codes, model
from ..diagnostics import Diagnostic
from . import check

__all__ = ["empty_stages", "post_purchase", "unused_channels", "unused_personas"]

POST_PURCHASE_WORDS: Final = re.compile(
    r"retention|retain|loyal|advoca|onboard|usage|renew|repurchase|after.?sales|service|support"
    r"|bindung|treue|empfehl|fürsprache|nutzung|nachkauf|kundendienst|betreuung",
    re.IGNORECASE,
)


@check(codes.EMPTY_STAGE)
def empty_stages(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Stages with nothing in them."""
    for stage in journey.stages:
        if not stage.touchpoints:
            yield Diagnostic(
                codes.EMPTY_STAGE,
                f"stage `{stage.id}` is empty",
                stage.name_span,
                label="no touchpoint, goal or exit in this stage",
                hint="add what customers meet in this stage, or remove it",
            )


@check(codes.UNUSED_PERSONA)
def unused_personas(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Personas of this file that no ``for`` names."""
    used = {ref.id for t in journey.touchpoints for ref in t.persona_refs}
    used.update(ref.id for t in journey.transitions for ref in t.persona_refs)
    for persona in journey.personas:
        if persona.id not in used and persona.file == journey.span.file.path:
            yield Diagnostic(
                codes.UNUSED_PERSONA,
                f"persona `{persona.id}` is never used",
                persona.name_span,
                label="no `for` names this persona",
                hint=f"restrict what differs for this persona with `for {persona.id}`, "
                "or remove it",
            )


@check(codes.UNUSED_CHANNEL)
def unused_channels(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Channels of this file that no touchpoint uses (a scenario's touchpoints count)."""
    used = {t.channel for t in journey.touchpoints}
    for scenario in journey.scenarios:
        used.update(n.channel for n in scenario.touchpoints)
        used.update(c.channel_ref.id for c in scenario.changes if c.channel_ref is not None)
    for channel in journey.channels:
        if channel.id not in used and channel.file == journey.span.file.path:
            yield Diagnostic(
                codes.UNUSED_CHANNEL,
                f"channel `{channel.id}` is never used",
                channel.name_span,
                label="no touchpoint is `@` this channel",
                hint=f"put `@{channel.id}` on its touchpoints, or remove it",
            )


@check(codes.NO_POST_PURCHASE)
def post_purchase(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Staged journeys with no stage after the first goal's, and none named for after-sales."""
    goal_stages = [
        i
        for i, stage in enumerate(journey.stages)
        for node_id in stage.touchpoints
        if (node := journey.touchpoint(node_id)) and node.kind is model.NodeKind.GOAL
    ]
    if not goal_stages:
        return
    after = journey.stages[min(goal_stages) + 1 :]
    if after or any(POST_PURCHASE_WORDS.search(f"{s.id} {s.label}") for s in journey.stages):
        return
    stage = journey.stages[min(goal_stages)]
    yield Diagnostic(
        codes.NO_POST_PURCHASE,
        "the journey ends at the conversion",
        stage.name_span,
        label="no stage follows the one with the first goal",
        hint="model what happens after the purchase: add retention and advocacy stages",
    )
