"""A draft journey from observed transitions alone: ``cjdsl discover``.

Pure: takes the ``Count`` values of a log and returns ``.journey`` text, written through
``cjdsl.dumps``. The draft says what the data says:

- every event becomes a touchpoint whose id is the event name made into an id (umlauts
  kept: ``Kündigung`` stays ``Kündigung``, ``page view`` becomes ``page_view``) and whose
  label and ``event`` attribute are the name itself; ``kpi n`` is how often it was touched;
- an event that journeys start at is an ``entry`` with ``reach``: the journeys starting there;
- conversions are one goal, ``conversion``; journeys that end without one are the implicit
  drop-off, so no exit is invented;
- ``a -> b`` has the observed probability (its count over all journeys' moves out of ``a``,
  rounded down to 0.01% so a touchpoint's probabilities never add up past 100%) and the
  median gap as ``after``; ``min_count`` drops rare moves, ``top_edges`` keeps each
  touchpoint's most frequent ones (what is dropped becomes drop-off);
- stages come from a mapping (stage → event names or globs, in stage order) or, without one,
  from the heuristic: a touchpoint's stage is the fewest moves from a start that reach it
  (``Step 1`` for the entries, ``Step 2`` …, the last stage taking everything deeper).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import math
import re
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from ..language import literals, vocabulary
from .columns import LogError
from .journeys import CONVERSION, NULL, START, Count

__all__ = ["GOAL", "Draft", "discover", "duration", "make_id", "parse_stages"]

GOAL: Final = "conversion"
_NOT_ID: Final = re.compile(r"[^\w-]+")
_BAD_DASH: Final = re.compile(r"(?<![^\W_])-|-(?![^\W_])")
"""A ``-`` without a letter or digit on both sides: not inside an id."""


@dataclasses.dataclass(frozen=True, slots=True)
class Draft:
    """A discovered journey: its text and the ids given to the events."""

    text: str
    ids: Mapping[str, str]


def make_id(name: str, taken: set[str] | None = None) -> str:
    """``name`` made into an id of the language (umlauts kept), unique in ``taken``.

    >>> make_id("Kündigung"), make_id("page view / cart"), make_id("404"), make_id("goal")
    ('Kündigung', 'page_view_cart', 'e_404', 'goal_')
    """
    word = _NOT_ID.sub("_", name.strip())
    word = _BAD_DASH.sub("_", re.sub(r"-{2,}", "-", word))
    word = re.sub(r"_+", "_", word).strip("_-") or "event"
    if not re.match(r"[^\W\d]", word):
        word = f"e_{word}"
    if word in vocabulary.KEYWORDS or word == GOAL:
        word += "_"
    if not vocabulary.ID.fullmatch(word):
        word = "event"
    base, n = word, 2
    while taken is not None and word in taken:
        word, n = f"{base}_{n}", n + 1
    if taken is not None:
        taken.add(word)
    return word


def duration(seconds: float) -> str:
    """A gap in the language's units, to two significant digits at most.

    >>> duration(42), duration(90), duration(5400), duration(200000)
    ('42s', '1.5m', '1.5h', '2.3d')
    """
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{_short(seconds / size)}{unit}"
    return f"{_short(seconds)}s"


def parse_stages(text: str, where: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """A stage mapping (TOML): ``[stages.awareness]`` tables with ``label`` and ``events``,
    or ``awareness = ["Anzeige", "news*"]``; in the file's order.

    >>> parse_stages('[stages]\\nawareness = ["Anzeige"]\\n', "s.toml")
    [('awareness', 'awareness', ('Anzeige',))]
    """
    import tomllib

    try:
        data = tomllib.loads(text).get("stages")
    except tomllib.TOMLDecodeError as error:
        raise LogError(f"{where}: not a stage mapping ({error})") from error
    if not isinstance(data, dict) or not data:
        raise LogError(f'{where}: give a [stages] table, as in awareness = ["Anzeige", "ad_*"]')
    stages = []
    for key, value in data.items():
        label, events = key, value
        if isinstance(value, dict):
            label, events = str(value.get("label", key)), value.get("events", [])
        if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
            raise LogError(f"{where}: stage {key}: a list of event names or globs")
        if not vocabulary.ID.fullmatch(key):
            raise LogError(f"{where}: stage {key!r} is not an id (letters, digits, _ and -)")
        stages.append((key, label, tuple(events)))
    return stages


def discover(
    counts: Iterable[Count],
    *,
    title: str = "Discovered journey",
    min_count: int = 1,
    top_edges: int | None = None,
    stages: Sequence[tuple[str, str, tuple[str, ...]]] | None = None,
    depth: int = 4,
) -> Draft:
    """The draft journey of ``counts`` (the module says what it holds)."""
    import cjdsl

    rows = [c for c in counts if c.segment is None]
    out: defaultdict[str, int] = defaultdict(int)
    visits: defaultdict[str, int] = defaultdict(int)
    for c in rows:
        out[c.source] += c.n
        if c.target not in (CONVERSION, NULL):
            visits[c.target] += c.n
    kept = [c for c in rows if c.source != START and c.target != NULL and c.n >= max(1, min_count)]
    if top_edges is not None:
        by_source: defaultdict[str, list[Count]] = defaultdict(list)
        for c in kept:
            by_source[c.source].append(c)
        kept = [
            c
            for group in by_source.values()
            for c in sorted(group, key=lambda c: (-c.n, c.target))[:top_edges]
        ]
    starts = {c.target: c.n for c in rows if c.source == START and c.n >= max(1, min_count)}
    events = sorted(
        {c.source for c in kept} | {c.target for c in kept} | set(starts),
        key=lambda e: (-visits[e], e),
    )
    events = [e for e in events if e not in (START, CONVERSION, NULL)]
    if not events:
        raise LogError(
            f"nothing left to draw: no transition is seen at least {min_count} times"
            " (lower --min-count)"
        )
    taken: set[str] = set()
    ids = {e: make_id(e, taken) for e in events}
    ids[CONVERSION] = GOAL
    lines = [f"journey {literals.quote(title)}", ""]
    converts = any(c.target == CONVERSION for c in kept)
    for stage_id, label, members in _stages(events, kept, starts, stages, depth):
        lines.append(f"stage {stage_id} {literals.quote(label)} {{")
        lines += [_node(e, ids[e], starts.get(e), visits[e]) for e in members]
        lines.append("}")
    if converts:  # in the last stage
        lines.insert(len(lines) - 1, f'goal {GOAL} "Conversion"')
    for c in sorted(kept, key=lambda c: (events.index(c.source), -c.n, c.target)):
        p = math.floor(c.n / out[c.source] * 10000) / 100
        if p <= 0:
            continue
        after = f" after {duration(c.median_s)}" if c.median_s else ""
        percent = f"{p:.2f}".rstrip("0").rstrip(".")
        lines.append(f"{ids[c.source]} -> {ids[c.target]} {percent}%{after}")
    text = "\n".join(lines) + "\n"
    document = cjdsl.loads(text, raise_on_error=False)
    assert document.journey is not None, text
    return Draft(cjdsl.dumps(document.journey), ids)


def _node(event: str, id_: str, reach: int | None, visits: int) -> str:
    entry = "entry " if reach else ""
    attrs = [f"reach {reach}"] if reach else []
    attrs += [f"kpi n {visits}", f"event {literals.quote(event)}"]
    return f"{entry}touchpoint {id_} {literals.quote(event)} {{ {'; '.join(attrs)} }}"


def _stages(
    events: list[str],
    kept: list[Count],
    starts: Mapping[str, int],
    mapping: Sequence[tuple[str, str, tuple[str, ...]]] | None,
    depth: int,
) -> list[tuple[str, str, list[str]]]:
    """The stages and their events, in order (the module's mapping or heuristic)."""
    if mapping:
        placed: dict[str, list[str]] = {s: [] for s, _, _ in mapping}
        rest: list[str] = []
        for event in events:
            stage = next(
                (s for s, _, pats in mapping if any(fnmatch.fnmatchcase(event, p) for p in pats)),
                None,
            )
            (placed[stage] if stage else rest).append(event)
        found = [(s, label, placed[s]) for s, label, _ in mapping if placed[s]]
        if rest:
            found.append(("unmapped", "Not in the mapping", rest))
        return found
    level = {e: 0 for e in starts}
    queue = deque(sorted(starts, key=lambda e: (-starts[e], e)))
    nexts: defaultdict[str, list[str]] = defaultdict(list)
    for c in kept:
        nexts[c.source].append(c.target)
    while queue:
        event = queue.popleft()
        for target in nexts[event]:
            if target not in level and target != CONVERSION:
                level[target] = level[event] + 1
                queue.append(target)
    columns: defaultdict[int, list[str]] = defaultdict(list)
    for event in events:
        columns[min(level.get(event, depth - 1), depth - 1)].append(event)
    return [(f"step_{k + 1}", f"Step {k + 1}", columns[k]) for k in sorted(columns)]


def _short(value: float) -> str:
    """``value`` to two significant digits (whole numbers from 10 on)."""
    if value >= 10:
        return str(round(value))
    text = f"{value:.2g}"
    return text if "e" not in text else f"{value:f}".rstrip("0").rstrip(".")
