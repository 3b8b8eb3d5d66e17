"""A Mermaid ``journey`` diagram read into a journey: ``cjdsl import mermaid``.

Sections become stages in their order, tasks touchpoints chained in their order (the first
an ``entry``, the last a ``goal``), actors personas, the score 1…5 the emotion ``score − 3``
(1 → −2, 3 → 0, 5 → +2; a fraction stays one), the title (or, without one, the front
matter's or ``accTitle``) the journey's title, ``accDescr`` its description. Ids are made
from the names (``building``). What Mermaid draws without a word but a journey cannot hold
is reported where it stands in the diagram: a score outside 1…5 (read as 1 or 5) or no
number (no emotion), an empty actor (left out), an empty section (kept, empty), text after
a task's second colon (dropped, as Mermaid drops it).

>>> doc = read('journey\\ntitle Einkauf\\nsection Suche\\n  Shop finden: 4: Anna Müller\\n'
...            '  Kaufen: 5: Anna Müller', path="x.mmd")
>>> [(t.id, t.kind.value, t.emotion and t.emotion.score, t.personas)
...  for t in doc.journey.touchpoints]
[('shop_finden', 'touchpoint', 1.0, ('anna_müller',)), ('kaufen', 'goal', 2.0, ('anna_müller',))]
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Final

from .. import codes, model
from ..diagnostics import Diagnostic
from ..source import SourceFile, Span
from . import building, mermaid_syntax

__all__ = ["EXPORT_MARK", "SCORE_RANGE", "emotion_of", "js_number", "read"]

SCORE_RANGE: Final = (1.0, 5.0)
EXPORT_MARK: Final = "\u200b"
"""A zero-width space ``export -f mermaid-journey`` puts before a task name Mermaid would
otherwise read as a keyword (``Title page``); reading drops it again."""
_DECIMAL: Final = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_RADIX: Final = {"0x": 16, "0o": 8, "0b": 2}


def read(text: str, *, path: str, title: str = "Journey") -> building.Imported:
    """The journey a Mermaid journey diagram draws, and what Mermaid let pass.

    Args:
        text: The diagram's text.
        path: The name to show for it in diagnostics.
        title: The journey's title when the diagram has none.
    """
    source = SourceFile(path, mermaid_syntax.normalise(text))
    diagram, errors = mermaid_syntax.read(source)
    if diagram is None:
        return building.Imported(None, errors)
    found: list[Diagnostic] = list(errors)
    personas = building.Ids(prefix="p")
    people: dict[str, model.Persona] = {}
    stage_ids = building.Ids(prefix="stage")
    stages = [(stage_ids.make(s.name), s) for s in diagram.sections]
    nodes: list[model.Touchpoint] = []
    members: dict[int, list[str]] = {}
    node_ids = building.Ids()
    for task in diagram.tasks:
        refs: list[model.Ref] = []
        for actor, at in task.actors:
            if not actor:
                found.append(_empty_actor(task, at))
                continue
            if actor not in people:
                id_ = personas.make(actor)
                people[actor] = model.Persona(id_, actor, None, (), (), at, at, path)
            if all(ref.id != people[actor].id for ref in refs):
                refs.append(model.Ref(people[actor].id, at))
        if task.ignored is not None:
            found.append(_ignored(task, task.ignored))
        feeling, problem = _emotion(task)
        if problem is not None:
            found.append(problem)
        label = _label(task.name)
        id_ = node_ids.make(label)
        stage = stages[task.section][0] if task.section is not None else None
        nodes.append(
            building.node(
                id_, label, task.span, stage=stage, emotion=feeling, persona_refs=tuple(refs)
            )
        )
        if task.section is not None:
            members.setdefault(task.section, []).append(id_)
    for index, (_id, section) in enumerate(stages):
        if index not in members:
            found.append(_empty_section(section))
    nodes = _ends(nodes)
    journey = model.Journey(
        title=_title(diagram) or title,
        description=diagram.acc_descr or None,
        owner=None,
        personas=tuple(people.values()),
        channels=(),
        stages=tuple(
            model.Stage(id_, _label(s.name), None, tuple(members.get(i, ())), s.span, s.span)
            for i, (id_, s) in enumerate(stages)
        ),
        touchpoints=tuple(nodes),
        transitions=building.chain(nodes),
        import_refs=(),
        span=building.whole(source),
    )
    return building.Imported(journey, tuple(found))


def emotion_of(score: float) -> float:
    """The emotion of a Mermaid score: ``score − 3`` within 1…5 (outside: the nearer end).

    >>> emotion_of(1), emotion_of(3), emotion_of(4.5), emotion_of(9)
    (-2.0, 0.0, 1.5, 2.0)
    """
    low, high = SCORE_RANGE
    return float(min(max(score, low), high) - 3)


def js_number(text: str) -> float | None:
    """What JavaScript's ``Number(text)`` gives, ``None`` for ``NaN`` (how ``addTask`` reads
    a score): blanks around are ignored, the empty text is 0, ``0x``/``0o``/``0b`` integers
    and ``Infinity`` count.

    >>> js_number(" 5 "), js_number(""), js_number("0x10"), js_number("5px"), js_number("1e1")
    (5.0, 0.0, 16.0, None, 10.0)
    """
    text = text.strip()
    if not text:
        return 0.0
    if text.lstrip("+-") == "Infinity":
        return -math.inf if text.startswith("-") else math.inf
    base = _RADIX.get(text[:2].lower())
    if base is not None:
        try:
            digits = text[2:]
            return float(int(digits, base)) if digits.isascii() and digits.isalnum() else None
        except ValueError:
            return None
    return float(text) if _DECIMAL.fullmatch(text) else None


def _emotion(task: mermaid_syntax.Task) -> tuple[model.Emotion | None, Diagnostic | None]:
    score = js_number(task.score)
    name = _label(task.name)
    if score is None or not task.score:
        what = f"the score `{task.score}` of" if task.score else "no score for"
        return None, Diagnostic(
            codes.MERMAID_SCORE_NOT_A_NUMBER,
            f"{what} `{name}` is not a number" if task.score else f"{what} `{name}`",
            task.score_span,
            "Mermaid draws it without a face" if task.score else "Mermaid reads 0 here",
            "write a score from 1 (bad) to 5 (good); the touchpoint gets no emotion",
        )
    feeling = building.emotion(emotion_of(score), task.score_span)
    low, high = SCORE_RANGE
    if low <= score <= high:
        return feeling, None
    return feeling, Diagnostic(
        codes.MERMAID_SCORE_OUT_OF_RANGE,
        f"the score `{task.score}` of `{name}` is outside 1–5",
        task.score_span,
        f"read as {low if score < low else high:g} (emotion {feeling.score:+g})",
        "write a score from 1 (bad) to 5 (good)",
    )


def _empty_actor(task: mermaid_syntax.Task, at: Span) -> Diagnostic:
    return Diagnostic(
        codes.MERMAID_EMPTY_ACTOR,
        f"an empty actor in the task `{_label(task.name)}`",
        at,
        "Mermaid draws a nameless actor here",
        "remove the trailing or doubled comma (or colon); the empty actor is left out",
    )


def _empty_section(section: mermaid_syntax.Section) -> Diagnostic:
    return Diagnostic(
        codes.MERMAID_EMPTY_SECTION,
        f"the section `{_label(section.name)}` has no tasks",
        section.span,
        "an empty stage",
        "add its tasks below it, or remove the section",
    )


def _ignored(task: mermaid_syntax.Task, at: Span) -> Diagnostic:
    return Diagnostic(
        codes.MERMAID_IGNORED_TEXT,
        f"text after the second colon of `{_label(task.name)}` is ignored",
        at,
        "Mermaid drops this",
        "a task has two colons at most: `Task: 5: Actor, Actor`",
    )


def _label(name: str) -> str:
    return name.strip().removeprefix(EXPORT_MARK).strip()


def _title(diagram: mermaid_syntax.Diagram) -> str | None:
    return diagram.title or diagram.acc_title or None


def _ends(nodes: list[model.Touchpoint]) -> list[model.Touchpoint]:
    """The first task is where customers enter, the last (of two or more) their goal."""
    if not nodes:
        return nodes
    nodes[0] = dataclasses.replace(nodes[0], entry=True)
    if len(nodes) > 1:
        nodes[-1] = dataclasses.replace(nodes[-1], kind=model.NodeKind.GOAL)
    return nodes
