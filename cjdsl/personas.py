"""Choosing the persona a view shows: the one message for a persona the journey lacks.

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

from . import model
from .diagnostics import did_you_mean

__all__ = ["choose"]


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
