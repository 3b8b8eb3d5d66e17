"""A journey as JSON: the whole model, for tools that do not read ``.journey`` files.

What ``model.meaning`` compares, as plain JSON: no spans and no source files, references
as ids, numbers with the text they were written as. ``docs/journey.schema.json`` is its
JSON schema (a test validates every example against it); ``format`` and ``version`` let a
reader tell it apart from what later versions write. Scenarios (``scenario … { … }``) are
not in it yet: export a scenario's journey instead.

>>> import cjdsl
>>> data = to_data(cjdsl.loads('journey "J"\\nentry touchpoint a { emotion +1 }\\ngoal b\\n'
...                            'a -> b 40%').journey)
>>> data["touchpoints"][0]["emotion"], data["transitions"][0]["probability"]
({'score': 1.0, 'word': None}, {'value': 0.4, 'unit': '%', 'text': '40%'})
"""

from __future__ import annotations

import json
from typing import Any, Final

from ... import model
from . import Export

__all__ = ["FORMAT", "VERSION", "export", "to_data"]

FORMAT: Final = "cjdsl-journey"
VERSION: Final = 1


def export(journey: model.Journey) -> Export:
    """The journey as indented JSON text (keys in the schema's order, umlauts as they are)."""
    return Export(json.dumps(to_data(journey), ensure_ascii=False, indent=2) + "\n")


def to_data(journey: model.Journey) -> dict[str, Any]:
    """The journey as JSON-ready dicts and lists."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "title": journey.title,
        "description": journey.description,
        "owner": journey.owner,
        "lang": journey.lang,
        "imports": list(journey.imports),
        "personas": [
            {
                "id": p.id,
                "label": p.label,
                "description": p.description,
                "goals": list(p.goals),
                "pains": list(p.pains),
            }
            for p in journey.personas
        ],
        "channels": [{"id": c.id, "label": c.label, "kind": c.kind} for c in journey.channels],
        "stages": [
            {
                "id": s.id,
                "label": s.label,
                "description": s.description,
                "touchpoints": list(s.touchpoints),
            }
            for s in journey.stages
        ],
        "touchpoints": [_node(n) for n in journey.touchpoints],
        "transitions": [_transition(t) for t in journey.transitions],
        "processes": [
            {
                "id": p.id,
                "label": p.label,
                "description": p.description,
                "owner": p.owner,
                "lane": p.lane,
                "supports": list(p.supports),
            }
            for p in journey.processes
        ],
    }


def _node(node: model.Touchpoint) -> dict[str, Any]:
    return {
        "id": node.id,
        "label": node.label,
        "kind": node.kind.value,
        "stage": node.stage,
        "channel": node.channel,
        "personas": list(node.personas),
        "entry": node.entry,
        "reach": node.reach,
        "emotion": (
            {"score": node.emotion.score, "word": node.emotion.word}
            if node.emotion is not None
            else None
        ),
        "description": node.description,
        "actions": list(node.actions),
        "motivations": list(node.motivations),
        "questions": list(node.questions),
        "pains": list(node.pains),
        "opportunities": list(node.opportunities),
        "kpis": [{"name": k.name, **_figure(k.value)} for k in node.kpis],
        "cost": _figure(node.cost) if node.cost is not None else None,
        "value": _figure(node.value) if node.value is not None else None,
        "owner": node.owner,
        "link": node.link,
        "tags": list(node.tags),
        "events": list(node.events),
        "lane": node.lane,
        "loss": node.loss,
    }


def _transition(edge: model.Transition) -> dict[str, Any]:
    return {
        "source": edge.source,
        "target": edge.target,
        "probability": _figure(edge.probability) if edge.probability is not None else None,
        "after": _figure(edge.after) if edge.after is not None else None,
        "label": edge.label,
        "personas": list(edge.personas),
    }


def _figure(value: model.Quantity | model.Money) -> dict[str, Any]:
    """A number as the model holds it: a quantity's normalised value and unit, or an
    amount and its currency, each with the text it was written as."""
    if isinstance(value, model.Money):
        money = {"amount": value.amount, "currency": value.currency, "text": value.text}
        return money if value.basis is None else {**money, "basis": value.basis}
    return {"value": value.value, "unit": value.unit, "text": value.text}
