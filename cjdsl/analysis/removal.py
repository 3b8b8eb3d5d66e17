"""What ``--without`` removes: touchpoints, or a channel's touchpoints, never a goal or an exit.

Removing a goal or an exit has no meaning the figures could show (converting there, or
losing customers there, is what they count), so it is refused with a hint; an id that
names a touchpoint and a channel removes the touchpoint and says so (``@id``: the channel).
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import model
from ..diagnostics import did_you_mean

__all__ = ["ambiguous", "removal_targets"]


def removal_targets(journey: model.Journey, ids: Iterable[str]) -> tuple[str, ...]:
    """The node ids that removing ``ids`` (touchpoint or channel ids) takes out, in
    declaration order.

    A channel stands for its touchpoints (not its goals or exits); ``@id`` names only the
    channel, where a touchpoint has the same id.

    Raises:
        ValueError: an id is neither a touchpoint nor a channel (the message suggests the
            closest), or is a goal or an exit (whose removal has no meaning: converting
            there or losing customers there is what the figures count).
    """
    kinds = {t.id: t.kind for t in journey.touchpoints}
    nodes = {id_ for id_, kind in kinds.items() if kind is model.NodeKind.TOUCHPOINT}
    channels = {c.id for c in journey.channels}
    chosen: set[str] = set()
    for written in ids:
        id_ = written.removeprefix("@")
        channel_only = written.startswith("@")
        kind = kinds.get(id_)
        if not channel_only and kind in (model.NodeKind.GOAL, model.NodeKind.EXIT):
            assert kind is not None
            raise ValueError(
                f"`{id_}` is {'a goal' if kind is model.NodeKind.GOAL else 'an exit'}: "
                "`--without` removes touchpoints or channels; to see the journey without "
                f"it, remove the touchpoints that lead to `{id_}`, or its transitions in a copy"
            )
        if id_ in nodes and not channel_only:
            chosen.add(id_)
        elif id_ in channels:
            chosen.update(
                t.id
                for t in journey.touchpoints
                if t.channel == id_ and t.kind is model.NodeKind.TOUCHPOINT
            )
        else:
            close = did_you_mean(id_, sorted(nodes | channels))
            hint = f"; {close}" if close else ""
            raise ValueError(f"`{id_}` is neither a touchpoint nor a channel{hint}")
    return tuple(t.id for t in journey.touchpoints if t.id in chosen)


def ambiguous(journey: model.Journey, ids: Iterable[str]) -> list[str]:
    """Notes for removed ids that name a touchpoint and a channel (the touchpoint went)."""
    channels = {c.id for c in journey.channels}
    return [
        f"`{id_}` names a touchpoint and a channel: the touchpoint was removed "
        f"(`@{id_}` removes the channel)"
        for id_ in dict.fromkeys(ids)
        if id_ in channels
        and (t := journey.touchpoint(id_)) is not None
        and t.kind is model.NodeKind.TOUCHPOINT
    ]
