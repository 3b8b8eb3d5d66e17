"""Journeys cut from an event log, and the transitions between their touches.

The contract (what ``attribution``, ``fit``, ``discover`` and ``score`` build on):

``touches(log, cut_at_conversion=True, session_gap=None) -> ibis.Table``, one row per event:

=============== ======= ===============================================================
column          type    meaning
=============== ======= ===============================================================
user            string  who
journey         int64   the user's journey, 1, 2, … in time order
seq             int64   the touch's place in its journey, 1 … length
length          int64   touches in the journey
time            timestamp  when (UTC)
ts_us           int64   ``time`` in microseconds since 1970
event           string  the event name
conversion      int64   1 on a converting touch
value           float64 the touch's conversion value (0 unless converting)
segment         string  the segment of the journey's first touch (``NULL`` without one)
converted       int64   1 if the journey has a converting touch
journey_value   float64 the sum of the journey's conversion values
next_event      string  the next touch's event (``NULL`` on the last touch)
next_us         int64   the next touch's ``ts_us`` (``NULL`` on the last touch)
=============== ======= ===============================================================

Order: per user by ``(ts_us, _file, _row)``: time, then the file's place in path order,
then the row's place in its file, so equal timestamps are ordered as the log lists them,
on every engine and every run. A new journey starts at a user's first event, after a
converting event (``cut_at_conversion``) and after a gap longer than ``session_gap``
seconds (strictly longer). A converting touch is the last of its journey when cutting at
conversions; without cutting, a journey may hold several conversions.

``transitions(touches, by_segment=False) -> ibis.Table``: ``source, target, n, median_s,
mean_s`` (and ``segment`` first when ``by_segment``): ``(start) → first event``, ``event →
next event`` with the gap in seconds, and ``last event → (conversion)`` or ``(null)``; the
gaps of start and end edges are ``NULL``. ``counts(...)`` runs it and returns ``Count`` values
sorted by (segment, source, target). Only these aggregates leave the engine.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Final

from .columns import LogError
from .events import Log

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["CONVERSION", "NULL", "START", "Count", "counts", "touches", "transitions"]

START: Final = "(start)"
CONVERSION: Final = "(conversion)"
NULL: Final = "(null)"
"""The states around the events, named as ChannelAttribution names them."""


@dataclasses.dataclass(frozen=True, slots=True)
class Count:
    """One observed transition: how often, and the median and mean gap (seconds; ``None``
    for start and end edges)."""

    source: str
    target: str
    n: int
    median_s: float | None
    mean_s: float | None
    segment: str | None = None


def touches(
    log: Log, *, cut_at_conversion: bool = True, session_gap: float | None = None
) -> ir.Table:
    """The log's events cut into journeys (the module's contract)."""
    import ibis

    t = log.table
    order = [t.ts_us, t._file, t._row]
    by_user = ibis.window(group_by=t.user, order_by=order)
    t = t.mutate(prev_us=t.ts_us.lag().over(by_user), prev_conv=t.conversion.lag().over(by_user))
    new = t.prev_us.isnull()
    if cut_at_conversion:
        new = new | (t.prev_conv == 1)
    if session_gap is not None:
        new = new | ((t.ts_us - t.prev_us) > round(session_gap * 1_000_000))
    t = t.mutate(new=new.ifelse(1, 0).cast("int64"))
    t = t.mutate(journey=t.new.cumsum(group_by=t.user, order_by=[t.ts_us, t._file, t._row]))
    ordered = ibis.window(group_by=[t.user, t.journey], order_by=[t.ts_us, t._file, t._row])
    whole = ibis.window(group_by=[t.user, t.journey])
    return t.select(
        "user",
        "journey",
        seq=(ibis.row_number().over(ordered) + 1).cast("int64"),
        length=t.ts_us.count().over(whole).cast("int64"),
        time=t.time,
        ts_us=t.ts_us,
        event=t.event,
        conversion=t.conversion,
        value=t.value,
        segment=t.segment.first().over(ordered),
        converted=t.conversion.max().over(whole).cast("int64"),
        journey_value=t.value.sum().over(whole),
        next_event=t.event.lead().over(ordered),
        next_us=t.ts_us.lead().over(ordered),
    )


def transitions(cut: ir.Table, *, by_segment: bool = False) -> ir.Table:
    """Transition counts of ``touches`` (the module's contract)."""
    import ibis

    gap = ibis.null().cast("float64")
    seg = {"segment": cut.segment} if by_segment else {}
    first = cut.filter(cut.seq == 1).select(
        **seg, source=ibis.literal(START), target=cut.event, dt=gap
    )
    inner = cut.filter(cut.seq < cut.length).select(
        **seg,
        source=cut.event,
        target=cut.next_event,
        dt=(cut.next_us - cut.ts_us).cast("float64") / 1e6,
    )
    last = cut.filter(cut.seq == cut.length).select(
        **seg,
        source=cut.event,
        target=(cut.converted == 1).ifelse(ibis.literal(CONVERSION), ibis.literal(NULL)),
        dt=gap,
    )
    edges = ibis.union(first, inner, last, distinct=False)
    keys = [*seg, "source", "target"]
    return edges.group_by(keys).aggregate(
        n=edges.count().cast("int64"), median_s=edges.dt.median(), mean_s=edges.dt.mean()
    )


def counts(
    log: Log,
    *,
    cut_at_conversion: bool = True,
    session_gap: float | None = None,
    by_segment: bool = False,
) -> list[Count]:
    """Run ``transitions`` on the engine and return the counts; ``LogError`` for a log
    without usable events."""
    table = transitions(
        touches(log, cut_at_conversion=cut_at_conversion, session_gap=session_gap),
        by_segment=by_segment,
    )
    rows = table.to_pyarrow().to_pylist()
    if not rows:
        raise LogError(
            f"{log.name}: no events with a user, a time and an event "
            f"(columns {', '.join(f'{r}={c}' for r, c in log.columns.used().items())})"
        )
    found = [
        Count(
            str(r["source"]),
            str(r["target"]),
            int(r["n"]),
            _float(r["median_s"]),
            _float(r["mean_s"]),
            r.get("segment"),
        )
        for r in rows
    ]
    return sorted(found, key=lambda c: (c.segment or "", c.source, c.target))


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
