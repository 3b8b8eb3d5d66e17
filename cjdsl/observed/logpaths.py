"""An event log's journeys as ``Paths`` for attribution, aggregated in the engine.

Built on the journey cut (``journeys.touches``, cut at every conversion), never on a
reader of its own: each journey is the touches since the user's previous conversion (or
first event, or an inactivity gap), the converting touch last. A journey ends at its
conversion, or at its last touch when it did not convert; the lookback window keeps only
touches at most ``lookback`` seconds before that end. Events named as conversion events
(a ``purchase`` that is no channel) mark the conversion and are left out of the path.
Without time decay the engine also groups the journeys by path, so only one row per
distinct path comes back; with it, one row per journey (the touch times are needed).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import journeys, pathtables
from .columns import LogError
from .events import Log

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["Unattributed", "paths"]


@dataclasses.dataclass(frozen=True, slots=True)
class Unattributed:
    """Journeys left without a touch (only conversion events, or none inside the lookback
    window): their conversions and value go to no channel, and the output says so."""

    journeys: int
    conversions: float
    value: float


def _cut(log: Log, session_gap: float | None) -> ir.Table:
    """The touches with ``end_us``: the journey's conversion time, else its last touch."""
    import ibis

    cut = journeys.touches(log, cut_at_conversion=True, session_gap=session_gap)
    whole = ibis.window(group_by=[cut.user, cut.journey])
    converting = cut.ts_us.max(where=cut.conversion == 1).over(whole)
    return cut.mutate(end_us=converting.coalesce(cut.ts_us.max().over(whole)))


def _journeys(cut: ir.Table) -> ir.Table:
    """One row per journey: ``steps`` and ``times`` (µs) in order, ``converted``, ``value``,
    ``end_us``.

    The touches are collected as ``(seq, event, ts_us)`` structs and the array sorted
    (structs sort by their first field): Spark has no ordered ``collect``, and this one
    expression runs on both engines.
    """
    import ibis

    touch = ibis.struct({"seq": cut.seq, "event": cut.event, "ts": cut.ts_us})
    per = cut.group_by(["user", "journey"]).aggregate(
        touches=touch.collect(),
        converted=cut.converted.max(),
        value=cut.journey_value.max(),
        end_us=cut.end_us.max(),
    )
    ordered = per.touches.sort()
    return per.select(
        "user",
        "journey",
        "converted",
        "value",
        "end_us",
        steps=ordered.map(lambda t: t.event),
        times=ordered.map(lambda t: t.ts),
    )


def paths(
    log: Log,
    *,
    lookback: float | None = None,
    session_gap: float | None = None,
    conversion_events: Sequence[str] = (),
    with_times: bool = False,
) -> tuple[pathtables.Paths, Unattributed]:
    """The log's journeys as ``Paths`` (one row per distinct path, or per journey with
    ``with_times``), and what was left without a touch.

    ``conversion_events`` are events that mark a conversion but are no channel (a
    ``purchase``): they are left out of the paths, their time is the conversion's.

    Raises:
        LogError: the log has no conversion column, or no journey.
    """
    if log.columns.conversion is None:
        raise LogError(
            f"{log.name}: attribution needs to know which events convert, and the log has no "
            "conversion column; name it with --conversion COLUMN"
        )
    cut = _cut(log, session_gap)
    everything = _journeys(cut)
    totals = (
        everything.aggregate(
            journeys=everything.count(),
            conversions=everything.converted.sum().cast("float64"),
            value=everything.value.sum().cast("float64"),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    if not totals["journeys"]:
        raise LogError(f"{log.name}: the log has no journeys (no event with a user and a time)")
    kept = cut
    if conversion_events:
        kept = kept.filter(~kept.event.isin(list(conversion_events)))
    if lookback is not None:
        kept = kept.filter((kept.end_us - kept.ts_us) <= round(lookback * 1_000_000))
    per = _journeys(kept)
    if with_times:
        built = _per_journey(per.to_pyarrow().to_pydict())
    else:
        grouped = per.group_by("steps").aggregate(
            conversions=per.converted.sum().cast("float64"),
            value=per.value.sum().cast("float64"),
            journeys=per.count().cast("float64"),
        )
        table = grouped.to_pyarrow().to_pydict()
        rows = zip(
            table["steps"], table["conversions"], table["value"], table["journeys"], strict=True
        )
        built = pathtables.build(
            (steps, conv, value, total - conv) for steps, conv, value, total in sorted(rows)
        )
    journeys_kept = float((built.conversions + built.null).sum())
    left = Unattributed(
        int(totals["journeys"] - journeys_kept),
        float(totals["conversions"] or 0.0) - float(built.conversions.sum()),
        float(totals["value"] or 0.0) - float(built.value.sum()),
    )
    return built, left


def _per_journey(table: dict[str, list[Any]]) -> pathtables.Paths:
    order = sorted(range(len(table["steps"])), key=lambda i: (table["steps"][i], table["times"][i]))
    steps = [table["steps"][i] for i in order]
    channels = tuple(sorted({c for s in steps for c in s}))
    number = {c: i for i, c in enumerate(channels)}
    flat = np.fromiter((number[c] for s in steps for c in s), dtype=np.int64)
    offsets = np.zeros(len(steps) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in steps], out=offsets[1:])
    times = np.fromiter((t for i in order for t in table["times"][i]), dtype=np.float64) / 1e6
    converted = np.array([float(table["converted"][i]) for i in order])
    value = np.array([float(table["value"][i] or 0.0) for i in order])
    ends = np.array([float(table["end_us"][i]) for i in order]) / 1e6
    return pathtables.Paths(
        channels, flat, offsets, converted, value, 1.0 - converted, times=times, ends=ends
    )
