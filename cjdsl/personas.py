"""Choosing the persona a view shows, and how much of the audience each persona is.

``shares`` turns the personas' ``share`` (a percentage or a customer count) into the
fractions the figures for everyone mix the personas' figures with; the share check
(CJ306, CJ307) reports what it refuses or completes, so both read one rule.

Every command and plugin that takes ``--persona`` (or ``persona=``) and the analysis
ask ``choose``, so an unknown persona reads the same everywhere: the personas there
are, and the closest one. The model only looks personas up; saying what went wrong
to a user is for the ones that select the view.

>>> import cjdsl
>>> journey = cjdsl.loads('journey "J"\\npersona anna "Anna"\\nentry touchpoint a\\ngoal g\\n'
...                       'a -> g').journey
>>> choose(journey, "anna").label, choose(journey, None)
('Anna', None)
>>> choose(journey, "ana")
Traceback (most recent call last):
ValueError: unknown persona `ana` (personas: anna); did you mean `anna`?
"""

from __future__ import annotations

import dataclasses

from . import model
from .diagnostics import did_you_mean

__all__ = ["Shares", "alike", "choose", "shares"]

_EPSILON = 1e-9


def choose(journey: model.Journey, id_: str | None) -> model.Persona | None:
    """The persona a view is asked for (``None``: everyone).

    Raises:
        ValueError: the journey declares no persona ``id_``; the message lists those
            it declares and suggests the closest.
    """
    if id_ is None:
        return None
    found = journey.persona(id_)
    if found is None:
        ids = [p.id for p in journey.personas]
        close = did_you_mean(id_, ids)
        hint = f"; {close}" if close else ""
        known = ", ".join(ids) or "none declared"
        raise ValueError(f"unknown persona `{id_}` (personas: {known}){hint}")
    return found


@dataclasses.dataclass(frozen=True, slots=True)
class Shares:
    """Each persona's fraction of the audience, in declaration order, and what is wrong.

    ``problems`` are errors (CJ306: over 100 %, counts mixed with percentages, no count
    for a persona when others give counts); ``short`` is the sum when every persona
    gives a percentage and they add up to less than 100 % (CJ307: scaled up to 100 %).
    """

    fractions: tuple[tuple[str, float], ...]
    problems: tuple[tuple[model.Persona, str, str], ...] = ()
    short: float | None = None

    def of(self, persona: str) -> float:
        """The fraction of one persona (0 for one the journey lacks)."""
        return dict(self.fractions).get(persona, 0.0)


def shares(journey: model.Journey) -> Shares:
    """How much of the audience each persona is; personas without a ``share`` split what
    those with one leave equally. A journey without personas is one segment (no entry).

    >>> import cjdsl
    >>> j = cjdsl.loads('journey "J"\\npersona a "A" { share 40% }\\npersona b\\npersona c\\n'
    ...                 'entry touchpoint t\\ngoal g\\nt -> g for a, b, c').journey
    >>> [(p, round(f, 2)) for p, f in shares(j).fractions]
    [('a', 0.4), ('b', 0.3), ('c', 0.3)]
    """
    people = journey.personas
    if not people:
        return Shares(())
    given = [p for p in people if p.share is not None]
    percent = [p for p in given if p.share is not None and p.share.unit == "%"]
    counts = [p for p in given if p.share is not None and p.share.unit != "%"]
    problems: list[tuple[model.Persona, str, str]] = []
    equal = tuple((p.id, 1 / len(people)) for p in people)
    if any(p.share is not None and p.share.value < 0 for p in given):
        return Shares(equal)  # CJ305 reports it
    if percent and counts:
        problems.append(
            (
                counts[0],
                f"persona `{counts[0].id}` gives a customer count while "
                f"`{percent[0].id}` gives a percentage",
                "write every share as a percentage, or every one as a count",
            )
        )
        return Shares(equal, tuple(problems))
    if counts:
        missing = [p for p in people if p.share is None]
        total = sum(p.share.value for p in counts if p.share is not None)
        if missing:
            problems.append(
                (
                    missing[0],
                    f"persona `{missing[0].id}` has no customer count while "
                    f"`{counts[0].id}` gives one",
                    f"give `{missing[0].id}` a count too (`share 1000`), or write every "
                    "share as a percentage",
                )
            )
        elif total <= 0:
            problems.append(
                (counts[0], "the personas' customer counts add up to 0", "give a count above 0")
            )
        if problems:
            return Shares(equal, tuple(problems))
        return Shares(tuple((p.id, p.share.value / total if p.share else 0.0) for p in people))
    total = sum(p.share.value for p in percent if p.share is not None)
    if total > 1 + _EPSILON:
        named = ", ".join(f"`{p.id}` {p.share.text}" for p in percent if p.share is not None)
        problems.append(
            (
                percent[-1],
                f"the personas' shares add up to {total:.0%} ({named})",
                "lower them to 100% or less in all",
            )
        )
        return Shares(equal, tuple(problems))
    rest = [p for p in people if p.share is None]
    if not rest and total < 1 - _EPSILON:
        if total <= 0:
            return Shares(equal, (), 0.0)
        return Shares(
            tuple((p.id, p.share.value / total if p.share else 0.0) for p in people), (), total
        )
    left = max(0.0, 1.0 - total) / len(rest) if rest else 0.0
    return Shares(tuple((p.id, p.share.value if p.share else left) for p in people))


def alike(
    journey: model.Journey,
) -> list[tuple[list[model.Persona], tuple[model.Transition, ...]]]:
    """The personas grouped by what they meet, each group with the transitions its view can
    hold (those for everyone and those naming it, in declaration order): the personas of a
    group see the same nodes and transitions, so one analysis serves them all.

    Linear in the ``for`` lists, as the sums of CJ302 are: a persona's view is what is for
    everyone plus what names it, and building it from those transitions alone keeps many
    personas with a transition each from costing personas times transitions.
    """
    naming: dict[str, list[int]] = {}
    items: list[model.Touchpoint | model.Transition] = [*journey.touchpoints, *journey.transitions]
    for i, item in enumerate(items):
        for named in dict.fromkeys(ref.id for ref in item.persona_refs):
            naming.setdefault(named, []).append(i)
    groups: dict[tuple[int, ...], list[model.Persona]] = {}
    for persona in journey.personas:
        groups.setdefault(tuple(naming.get(persona.id, ())), []).append(persona)
    first = len(journey.touchpoints)
    shared = [i for i, t in enumerate(journey.transitions) if not t.persona_refs]
    out = []
    for key, group in groups.items():
        own = [i - first for i in key if i >= first]
        merged = sorted([*shared, *own]) if own else shared
        out.append((group, tuple(journey.transitions[i] for i in merged)))
    return out
