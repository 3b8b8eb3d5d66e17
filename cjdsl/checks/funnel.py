"""Funnel-order checks (CJ5xx): transitions back to an earlier stage, or past a stage.

Both are information, not mistakes: re-purchase and support loops go back on
purpose, and a shop visit may turn into a purchase without a consideration
step. They are worth a look because a funnel that is not in order is often a
touchpoint filed under the wrong stage. Stages count in declaration order, and
only stages that hold a node; transitions into exits (customers lost) are no
funnel move. The stage order itself (``graph.stage_order``, ``graph.stage_move``) is
shared with the analysis.
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from .. import codes, model
from .. import graph as graphs
from ..diagnostics import Diagnostic, Related
from . import check, shared

__all__ = ["backward_transitions", "skipped_stages"]


@shared
def _moves(
    journey: model.Journey, graph: nx.DiGraph
) -> list[tuple[model.Transition, graphs.StageMove]]:
    """Every out-of-order transition of the graph with its move (read by CJ501 and CJ502)."""
    order = graphs.stage_order(journey, graph.nodes)
    index = {stage: i for i, stage in enumerate(order)}
    # Each node's stage position; exits are no target (customers lost make no funnel move).
    placed = [
        (n, index[n.stage]) for n in journey.touchpoints if n.stage in index and n.id in graph
    ]
    sources = {n.id: i for n, i in placed}
    targets = {n.id: i for n, i in placed if n.kind is not model.NodeKind.EXIT}
    moves = []
    for transition in journey.transitions:
        i, j = sources.get(transition.source), targets.get(transition.target)
        if i is None or j is None or i <= j <= i + 1:
            continue  # in order: within a stage or on to the next
        move = graphs.move_between(order, i, j)
        assert move is not None
        moves.append((transition, move))
    return moves


def _stage_span(journey: model.Journey, stage: str) -> model.Stage:
    return next(s for s in journey.stages if s.id == stage)


@check(codes.BACK_TO_EARLIER_STAGE)
def backward_transitions(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Transitions from a touchpoint to one in an earlier stage."""
    for transition, move in _moves(journey, graph):
        if move.kind != "back":
            continue
        yield Diagnostic(
            codes.BACK_TO_EARLIER_STAGE,
            f"`{transition.source} -> {transition.target}` goes back from stage "
            f"`{move.from_stage}` to the earlier stage `{move.to_stage}`",
            transition.span,
            label="back to an earlier stage",
            hint="fine for a loop (re-purchase, support); otherwise check the stages "
            f"of `{transition.source}` and `{transition.target}`",
            related=(Related(_stage_span(journey, move.to_stage).name_span, "earlier stage"),),
        )


@check(codes.SKIPPED_STAGE)
def skipped_stages(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Transitions that jump over one or more stages."""
    for transition, move in _moves(journey, graph):
        if move.kind != "skip":
            continue
        names = ", ".join(f"`{s}`" for s in move.skipped)
        plural = "s" if len(move.skipped) > 1 else ""
        yield Diagnostic(
            codes.SKIPPED_STAGE,
            f"`{transition.source} -> {transition.target}` skips the stage{plural} {names}",
            transition.span,
            label=f"from `{move.from_stage}` straight to `{move.to_stage}`",
            hint="fine for a shortcut; otherwise add the touchpoints of the skipped "
            f"stage{plural} on this way",
        )
