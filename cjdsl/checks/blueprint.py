"""The service blueprint's checks (CJ811-CJ815): processes behind the touchpoints, and the
trace from a pain to an opportunity, its owner and its KPI (docs/blueprint.md).

They speak only for a journey that is a blueprint, one with a ``process`` or a ``lane``: a
plain journey map is not asked for what only a blueprint promises.
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from .. import codes, model
from ..diagnostics import Diagnostic, did_you_mean
from . import check

__all__ = [
    "is_blueprint",
    "opportunities_untraced",
    "pains_unsupported",
    "pains_without_opportunity",
    "processes_without_owner",
    "unused_processes",
]


def is_blueprint(journey: model.Journey) -> bool:
    """Whether the journey says who performs its steps: a process, or a lane on a node."""
    return bool(journey.processes) or any(n.lane is not None for n in journey.touchpoints)


def _supported(journey: model.Journey) -> set[str]:
    return {id_ for process in journey.processes for id_ in process.supports}


@check(codes.BLUEPRINT_PAIN_UNSUPPORTED)
def pains_unsupported(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Frontstage touchpoints with a pain that no process supports."""
    supported = _supported(journey)
    for node in journey.touchpoints:
        if node.lane == "frontstage" and node.pains and node.id not in supported:
            owners = ", ".join(f"`{p.id}`" for p in journey.processes)
            yield Diagnostic(
                codes.BLUEPRINT_PAIN_UNSUPPORTED,
                f"frontstage `{node.id}` has a pain but no supporting process",
                node.name_span,
                label="no `process … { supports " + node.id + " }`",
                hint=f"add `supports {node.id}` to the process behind it ({owners})"
                if owners
                else f'declare it: `process … "…" {{ owner "…"; supports {node.id} }}`',
            )


@check(codes.UNUSED_PROCESS)
def unused_processes(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Processes that support no touchpoint."""
    wanting = [
        n.id
        for n in journey.touchpoints
        if n.lane == "frontstage" and n.pains and n.id not in _supported(journey)
    ]
    ids = [n.id for n in journey.touchpoints]
    for process in journey.processes:
        if not process.support_refs:
            close = did_you_mean(process.id, ids) or did_you_mean(process.label, ids)
            yield Diagnostic(
                codes.UNUSED_PROCESS,
                f"process `{process.id}` supports no touchpoint",
                process.name_span,
                label="nothing `supports` names",
                hint=(close and f"{close} (`supports …`)")
                or (f"does it support `{wanting[0]}`? `supports {wanting[0]}`" if wanting else None)
                or "add `supports` with the touchpoints it serves, or remove it",
            )


@check(codes.PROCESS_WITHOUT_OWNER)
def processes_without_owner(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """Processes nobody owns."""
    for process in journey.processes:
        if process.owner is None:
            yield Diagnostic(
                codes.PROCESS_WITHOUT_OWNER,
                f"process `{process.id}` has no owner",
                process.name_span,
                label="nobody answers for it",
                hint='name the team that runs it: `owner "…"`',
            )


@check(codes.PAIN_WITHOUT_OPPORTUNITY)
def pains_without_opportunity(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """In a blueprint: touchpoints with a pain and no opportunity."""
    if not is_blueprint(journey):
        return
    for node in journey.touchpoints:
        if node.pains and not node.opportunities:
            yield Diagnostic(
                codes.PAIN_WITHOUT_OPPORTUNITY,
                f"`{node.id}` has a pain but no opportunity",
                node.name_span,
                label=f"pain “{_short(node.pains[0])}” is traced to nothing",
                hint='write the answer to it: `opportunity "…"`',
            )


@check(codes.OPPORTUNITY_UNTRACED)
def opportunities_untraced(journey: model.Journey, graph: nx.DiGraph) -> Iterator[Diagnostic]:
    """In a blueprint: touchpoints with an opportunity but no owner or no KPI."""
    if not is_blueprint(journey):
        return
    for node in journey.touchpoints:
        missing = [w for w, has in (("owner", node.owner), ("kpi", node.kpis)) if not has]
        if node.opportunities and missing:
            yield Diagnostic(
                codes.OPPORTUNITY_UNTRACED,
                f"`{node.id}` has an opportunity but no {' and no '.join(missing)}",
                node.name_span,
                label="who takes it up, and how does success show?",
                hint=" and ".join(
                    {"owner": '`owner "…"`', "kpi": "`kpi name 10%`"}[w] for w in missing
                ),
            )


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"
