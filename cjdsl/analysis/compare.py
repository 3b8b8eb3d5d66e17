"""What-if: the figures of a journey before and after removing touchpoints or channels.

Every figure both reports share is compared; unchanged per-node and per-channel
figures are left out so the list says what the removal changes, and so are
figures either report did not compute in time.
"""

from __future__ import annotations

from collections.abc import Iterator

from . import report

__all__ = ["differences"]

_SAME = 1e-12


def _pairs(
    before: report.Report, after: report.Report
) -> Iterator[tuple[str, str, float | None, float | None]]:
    a, b = before.conversion, after.conversion
    yield "conversion", "probability", a.probability, b.probability
    yield "converted customers", "customers", a.customers, b.customers
    yield "steps to convert", "steps", a.steps, b.steps
    yield "time to convert", "seconds", a.time, b.time
    yield "lost", "probability", a.lost, b.lost
    for goal in before.goals:
        other = after.goal(goal.id)
        if other is not None:
            yield f"goal `{goal.id}` reached", "probability", goal.conversion, other.conversion
            yield f"goal `{goal.id}` customers", "customers", goal.customers, other.customers
            yield f"goal `{goal.id}` steps", "steps", goal.steps, other.steps
            yield f"goal `{goal.id}` time", "seconds", goal.time, other.time
    entries = {e.id: e for e in after.entries}
    for entry in before.entries:
        if entry.id in entries:
            yield (
                f"entry `{entry.id}` conversion",
                "probability",
                entry.conversion,
                entries[entry.id].conversion,
            )
    stages = {s.id: s for s in after.stages}
    for stage in before.stages:
        if stage.id in stages:
            other_stage = stages[stage.id]
            yield f"stage `{stage.id}` reach", "probability", stage.reach, other_stage.reach
            yield (
                f"stage `{stage.id}` journeys end",
                "probability",
                stage.drop_off,
                other_stage.drop_off,
            )
            yield (
                f"stage `{stage.id}` lost",
                "probability",
                stage.lost_conversion,
                other_stage.lost_conversion,
            )
    left_out = "channels" in before.not_computed or "channels" in after.not_computed
    channels = {} if left_out else {c.id: c for c in after.channels}
    for channel in before.channels:
        if channel.id in channels:
            yield (
                f"channel `{channel.id}` share",
                "probability",
                channel.share,
                channels[channel.id].share,
            )
    for node in before.nodes:
        changed = after.node(node.id)
        if changed is not None:
            yield f"`{node.id}` reach", "probability", node.reach, changed.reach
            yield f"`{node.id}` drop-off", "probability", node.drop_off, changed.drop_off
            yield f"`{node.id}` lost", "probability", node.lost_conversion, changed.lost_conversion


def differences(before: report.Report, after: report.Report) -> tuple[report.Difference, ...]:
    """The shared figures that changed (the headline figures always), in report order."""
    out = []
    for index, (figure, unit, a, b) in enumerate(_pairs(before, after)):
        changed = (a is None) != (b is None) or (
            a is not None and b is not None and abs(a - b) > _SAME * max(1.0, abs(a))
        )
        if index < 4 or changed:
            out.append(report.Difference(figure, unit, a, b))
    return tuple(out)
