"""``cjdsl.dumps``: any model written back as canonical text that means the same journey."""

from __future__ import annotations

import dataclasses
import pathlib

from hypothesis import HealthCheck, given, settings

import cjdsl
from cjdsl import analysis, model
from cjdsl.language import formatting, writing

from .conftest import EXAMPLES
from .strategies import journeys

PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load(text: str, path: str = "t.journey") -> model.Journey:
    doc = cjdsl.loads(text, path=path, raise_on_error=False)
    assert doc.journey is not None
    return doc.journey


def self_contained(journey: model.Journey) -> model.Meaning:
    """The meaning with the import lines left out: ``dumps`` writes what they brought."""
    return model.meaning(dataclasses.replace(journey, import_refs=()))


def assert_round_trip(journey: model.Journey) -> str:
    text = writing.dumps(journey)
    again = load(text, "dumped.journey")
    assert self_contained(again) == self_contained(journey), text
    assert formatting.format_text(text) == text, "dumps writes what fmt would"
    assert writing.dumps(again) == text
    return text


@PROPERTY
@given(journeys())
def test_dumps_of_any_journey_means_the_same_journey(text: str) -> None:
    assert_round_trip(load(text))


def test_every_example_round_trips_with_every_analysis_figure() -> None:
    for path in EXAMPLES:
        journey = cjdsl.load(path).journey
        assert journey is not None
        again = load(assert_round_trip(journey), str(path))
        for persona in [None, *(p.id for p in journey.personas)]:
            before = analysis.to_json(analysis.analyze(journey, persona=persona))
            after = analysis.to_json(analysis.analyze(again, persona=persona))
            assert before == after, (path.name, persona)


def test_imports_are_inlined_or_kept_on_request(tmp_path: pathlib.Path) -> None:
    (tmp_path / "common.journey").write_text(
        'channel web "Web shop" online\npersona anna "Anna" { goal "Shoes" }\n', "utf-8"
    )
    main = tmp_path / "main.journey"
    main.write_text(
        'journey "J"\nimport "common.journey"\nentry touchpoint a @web for anna\ngoal b\na -> b\n',
        "utf-8",
    )
    journey = cjdsl.load(main).journey
    assert journey is not None
    inlined = writing.dumps(journey)
    assert "import" not in inlined
    assert 'channel web "Web shop" online' in inlined
    assert 'persona anna "Anna" { goal "Shoes" }' in inlined
    kept = writing.dumps(journey, keep_imports=True)
    assert 'import "common.journey"' in kept and "channel web" not in kept
    (tmp_path / "kept.journey").write_text(kept, "utf-8")
    assert model.meaning(cjdsl.load(tmp_path / "kept.journey").journey) == model.meaning(journey)


def test_a_model_built_in_code_is_written() -> None:
    """Journeys that come from data, not text, have no meaningful spans: dumps needs none."""
    base = load('journey "Draft"\nentry touchpoint a "Ad" { reach 1000 }\ngoal b "Bought"\na -> b')
    ad, bought = base.touchpoints
    fitted = dataclasses.replace(
        base,
        touchpoints=(
            dataclasses.replace(ad, label='Ad "Süd"\nzwei', reach=1234.5),
            dataclasses.replace(bought, label="Kauf"),
        ),
        transitions=(
            dataclasses.replace(
                base.transitions[0],
                probability=model.Quantity(0.0412, "%", "4.12%"),
                label="sieht die Anzeige",
            ),
        ),
    )
    text = writing.dumps(fitted)
    assert 'entry touchpoint a "Ad \\"Süd\\"\\nzwei" { reach 1234.5 }' in text
    assert 'a -> b  4.12%  "sieht die Anzeige"' in text
    assert model.meaning(load(text)) == model.meaning(fitted)
